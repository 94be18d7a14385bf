import { ruleDocUrl } from '../engine/docs';
import type { Finding, Outcome, RuleMeta } from '../engine/types';
import type { ReportOptions } from './types';

/** What a reader should see: a suppressed fail is shown as suppressed, whatever its outcome. */
export type ShownOutcome = Outcome | 'suppressed';

export function shownOutcome(finding: Finding): ShownOutcome {
  return finding.suppressed ? 'suppressed' : finding.outcome;
}

/** Reports list what needs attention first. */
export const SHOWN_ORDER: readonly ShownOutcome[] = ['fail', 'error', 'suppressed', 'skipped', 'pass'];

export { lastSegment } from '../model/arm';

/**
 * Rule metadata for a finding: from the rules that ran, or (a finding from a rule the options do not list)
 * rebuilt from what the finding carries, so a reporter never fails on a missing entry.
 */
export function ruleMetaOf(options: ReportOptions, finding: Finding): RuleMeta {
  return (
    options.rules.find((r) => r.id === finding.ruleId) ?? {
      id: finding.ruleId,
      name: finding.rule,
      title: finding.rule,
      severity: finding.severity,
      link: finding.link,
      appliesTo: [],
      remediation: finding.remediation,
    }
  );
}

/** Rules to describe: those that ran, plus any a finding names, in id order. */
export function rulesOf(options: ReportOptions, findings: readonly Finding[]): RuleMeta[] {
  const byId = new Map<string, RuleMeta>();
  for (const rule of options.rules) byId.set(rule.id, rule);
  for (const finding of findings) if (!byId.has(finding.ruleId)) byId.set(finding.ruleId, ruleMetaOf(options, finding));
  return [...byId.values()].sort((a, b) => compareText(a.id, b.id));
}

export function docUrlOf(rule: Pick<RuleMeta, 'name'>): string {
  return ruleDocUrl(rule.name);
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A list with at least one item: what a group is, so `group[0]` needs no check. */
export type NonEmpty<T> = [T, ...T[]];

/** Groups keeping first-seen order (findings arrive in the engine's deterministic order). */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, NonEmpty<T>> {
  const groups = new Map<string, NonEmpty<T>>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export function suppressionText(finding: Finding): string {
  const s = finding.suppressed;
  if (!s) return '';
  const label = s.kind === 'baseline' ? 'baseline' : 'suppressed';
  return `${label}: ${s.reason}${s.expires ? ` (until ${s.expires})` : ''}`;
}

/** `A/kv1`, `vaults/kv1`, `privateEndpoints/pe-kv1`: the type segment says what the name is. */
export function shortResource(id: string): string {
  return id.replace(/\/+$/, '').split('/').slice(-2).join('/');
}
