import type { Finding } from '../engine/types';
import { escapeJsonControls } from './escape';
import { collected, streamJson } from './stream';
import type { StreamingReporter } from './types';

/**
 * The JSON report (DESIGN 2.3): tool, summary and findings in the engine's deterministic order. A finding
 * always carries `evidence` (empty when the rule gave none) and `suppressed` only when a suppression or
 * baseline covers it; run-level notices follow the findings.
 */
export const jsonStream: StreamingReporter = (result, options, write) => {
  const marker = '\u0000findings\u0000';
  const report = {
    tool: { name: options.tool.name, version: options.tool.version },
    summary: {
      ...result.summary,
      rules: options.rules.length,
      ...(result.collection ? { collection: result.collection } : {}),
    },
    findings: marker,
    notices: result.notices,
  };
  // Written a finding at a time: 210,000 findings would be a 170 MB string.
  streamJson(
    (chunk) => write(escapeJsonControls(chunk)),
    report,
    marker,
    (function* () {
      for (const finding of result.findings) yield toJson(finding);
    })(),
  );
};

export const jsonReport = collected(jsonStream);

function toJson(finding: Finding): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ruleId: finding.ruleId,
    rule: finding.rule,
    severity: finding.severity,
    outcome: finding.outcome,
    vaultId: finding.vaultId,
    resourceId: finding.resourceId,
    message: finding.message,
    remediation: finding.remediation,
    evidence: finding.evidence ?? {},
  };
  if (finding.address) out.address = finding.address;
  if (finding.suppressed) out.suppressed = finding.suppressed;
  return out;
}
