import { REPOSITORY_URL } from '../engine/docs';
import { idKey } from '../model/arm';
import type { Finding, Notice, RuleMeta, RunResult, Severity } from '../engine/types';
import { findingFingerprint } from '../gate/fingerprint';
import { linkLabel } from './access-path';
import { docUrlOf, lastSegment, rulesOf } from './common';
import { escapeJsonControls } from './escape';
import { collected, mapped, streamJson } from './stream';
import type { ReportOptions, StreamingReporter } from './types';

/**
 * SARIF 2.1.0 for GitHub code scanning (https://docs.github.com/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning).
 *
 * Locations: a finding is about an Azure resource, not a line of code. Each result carries the resource id
 * as a logical location (`kind: resource`). Code scanning also needs a physical location with a
 * repository-relative path (other URI schemes are refused by upload-sarif), so each result points at
 * `options.artifact` when the run has a file to blame (the snapshot, at the line of the resource; or the config
 * file), else at the resource id itself as a relative path (`subscriptions/.../vaults/kv1`): stable across
 * runs, which keeps alerts matched, and readable in the alert list even though no such file exists.
 *
 * Only fail and error findings become results (passes and skips would flood code scanning); a suppressed
 * one carries a SARIF suppression so code scanning shows it as dismissed. An error finding (the rule could
 * not decide) is reported as a failing result, since the gate fails on it too.
 */
const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', note: 'note' };
const NOTICE_LEVEL: Record<Notice['level'], string> = { error: 'error', warning: 'warning', info: 'note' };

export const sarifStream: StreamingReporter = (result, options, write) => {
  const rules = rulesOf(options, result.findings);
  const indexOf = new Map(rules.map((rule, index) => [rule.id, index]));
  const results = mapped(
    result.findings,
    (f) => f.outcome === 'fail' || f.outcome === 'error',
    (f) => sarifResult(f, indexOf.get(f.ruleId) ?? 0, options.artifact),
  );
  const marker = '\u0000results\u0000';
  const invocation: Record<string, unknown> = {
    executionSuccessful: result.summary.complete,
    toolExecutionNotifications: notifications(result),
  };
  if (options.generatedAt) invocation.endTimeUtc = options.generatedAt.toISOString();
  const log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: options.tool.name,
            version: options.tool.version,
            semanticVersion: options.tool.version,
            informationUri: REPOSITORY_URL,
            rules: rules.map(ruleDescriptor),
          },
        },
        invocations: [invocation],
        results: marker,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  // Written a result at a time, never as one string.
  streamJson((chunk) => write(escapeJsonControls(chunk)), log, marker, results);
};

export const sarifReport = collected(sarifStream);

function ruleDescriptor(rule: RuleMeta): Record<string, unknown> {
  const url = docUrlOf(rule);
  return {
    id: rule.id,
    name: pascalCase(rule.name),
    shortDescription: { text: sentence(rule.title) },
    fullDescription: { text: `${sentence(rule.title)} Access-path link: ${linkLabel(rule.link)}.` },
    help: {
      text: `${sentence(rule.remediation)} See ${url}`,
      markdown: `${rule.remediation}\n\nSee [${rule.id} ${rule.name}](${url}).`,
    },
    helpUri: url,
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { tags: ['azure', 'key-vault', 'security', rule.link] },
  };
}

function sarifResult(
  finding: Finding,
  ruleIndex: number,
  artifact: ReportOptions['artifact'],
): Record<string, unknown> {
  const text = finding.outcome === 'error' ? `Could not be evaluated: ${finding.message}` : finding.message;
  const sarif: Record<string, unknown> = {
    ruleId: finding.ruleId,
    ruleIndex,
    kind: 'fail',
    level: LEVEL[finding.severity],
    message: { text: sentence(text) },
    locations: [
      {
        physicalLocation: physicalLocation(finding.resourceId, artifact),
        logicalLocations: [
          { name: lastSegment(finding.resourceId), fullyQualifiedName: finding.resourceId, kind: 'resource' },
          // Where the source declares it: a Terraform address.
          ...(finding.address
            ? [{ name: finding.address, fullyQualifiedName: finding.address, kind: 'declaration' }]
            : []),
        ],
      },
    ],
    partialFingerprints: { 'kvguardFinding/v1': findingFingerprint(finding.ruleId, finding.resourceId) },
    properties: {
      outcome: finding.outcome,
      vaultId: finding.vaultId,
      resourceId: finding.resourceId,
      ...(finding.address ? { address: finding.address } : {}),
      remediation: finding.remediation,
    },
  };
  if (finding.suppressed) {
    const { kind, reason, expires } = finding.suppressed;
    const justification =
      kind === 'baseline' ? `baseline: ${reason}` : `${reason}${expires ? ` (until ${expires})` : ''}`;
    // External: the suppression lives in kvguard.config.json or the baseline, not beside the resource.
    sarif.suppressions = [{ kind: 'external', status: 'accepted', justification }];
  }
  return sarif;
}

function notifications(result: RunResult): Record<string, unknown>[] {
  const out = result.notices.map((notice) => ({
    level: NOTICE_LEVEL[notice.level],
    message: { text: sentence(notice.message) },
  }));
  if (!result.summary.complete) {
    const errors = result.findings.filter((f) => f.outcome === 'error').length;
    out.push({
      level: 'error',
      message: {
        text: `The run is incomplete: ${errors} rule evaluation(s) ended in error and ${result.notices.filter((n) => n.level === 'error').length} collection error(s) were reported.`,
      },
    });
  }
  return out;
}

/** A repository-relative path from an ARM id, one URI-encoded segment per id segment. */
/** The resource's line in the artifact (line 1 when it is not found there, or for a resource-id path). */
function physicalLocation(resourceId: string, artifact: ReportOptions['artifact']): Record<string, unknown> {
  const uri = artifact?.uri ?? resourcePath(resourceId);
  const line = artifact?.resourceLines?.[idKey(resourceId)] ?? 1;
  return { artifactLocation: { uri }, region: { startLine: line, endLine: line } };
}

function resourcePath(resourceId: string): string {
  return resourceId
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .map(encodeURIComponent)
    .join('/');
}

function pascalCase(name: string): string {
  return name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** SARIF messages are sentences: a rule message written as a clause gets its full stop. */
function sentence(text: string): string {
  return /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}
