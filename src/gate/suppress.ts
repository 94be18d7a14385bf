import { namesRule } from '../engine/rule-lookup';
import { summarize } from '../engine/run';
import type { Finding, Notice, RunResult, Suppression } from '../engine/types';
import { idGlob } from './glob';

/**
 * Marks fail and error findings covered by a suppression as suppressed: they keep their outcome and stay
 * visible in every report. A suppression whose `expires` day has come stops suppressing, and the run says
 * so with a warning notice, so a forgotten exception cannot hide a failure for ever.
 */
export function applySuppressions(result: RunResult, suppressions: readonly Suppression[], now: Date): RunResult {
  const today = now.toISOString().slice(0, 10);
  const active = suppressions
    .filter((s) => !isExpired(s, today))
    .map((s) => ({ suppression: s, pattern: idGlob(s.resourceId) }));
  const notices: Notice[] = [...result.notices];
  for (const expired of suppressions.filter((s) => isExpired(s, today))) {
    notices.push({
      level: 'warning',
      message: `suppression of ${expired.ruleId} for ${expired.resourceId} expired on ${expired.expires}: it no longer applies (reason was: ${expired.reason})`,
    });
  }
  const findings = result.findings.map((finding): Finding => {
    if (finding.suppressed || (finding.outcome !== 'fail' && finding.outcome !== 'error')) return finding;
    const match = active.find(
      (a) => sameRule(a.suppression.ruleId, finding) && a.pattern.test(finding.resourceId.replace(/\/+$/, '')),
    );
    if (!match) return finding;
    const suppressed: NonNullable<Finding['suppressed']> = { kind: 'suppression', reason: match.suppression.reason };
    if (match.suppression.expires !== undefined) suppressed.expires = match.suppression.expires;
    return { ...finding, suppressed };
  });
  return { findings, notices, summary: summarize(findings, result.summary.vaults, notices) };
}

/** From the `expires` day on (UTC), the suppression no longer applies. */
export function isExpired(suppression: Suppression, today: string): boolean {
  return suppression.expires !== undefined && suppression.expires.slice(0, 10) <= today;
}

/** A suppression names its rule by id (`KV205`) or name (`dns-a-record-ip`), like rule settings do. */
function sameRule(ruleId: string, finding: Finding): boolean {
  return namesRule(ruleId, { id: finding.ruleId, name: finding.rule });
}
