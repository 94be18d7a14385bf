import type { Finding } from '../engine/types';
import type { Reporter } from './types';
import { escapeJsonControls } from './escape';

/**
 * The JSON report (DESIGN 2.3): tool, summary and findings in the engine's deterministic order. A finding
 * always carries `evidence` (empty when the rule gave none) and `suppressed` only when a suppression or
 * baseline covers it; run-level notices follow the findings.
 */
export const jsonReport: Reporter = (result, options) => {
  const report = {
    tool: { name: options.tool.name, version: options.tool.version },
    summary: {
      ...result.summary,
      rules: options.rules.length,
      ...(result.collection ? { collection: result.collection } : {}),
    },
    findings: result.findings.map(toJson),
    notices: result.notices,
  };
  return `${escapeJsonControls(JSON.stringify(report, null, 2))}\n`;
};

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
