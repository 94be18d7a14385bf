import { skip } from '../engine/result';
import type { Rule } from '../engine/types';
import type { SkippableRead } from './types';

/**
 * `--skip-reads`: the per-resource ARM reads a large audit may leave out, since neither ARM lists nor
 * Resource Graph return them in bulk (DNS zone groups are listed per endpoint, diagnostic settings per
 * vault). The rule that depends on each then reports `skipped` with the reason, never a false `fail`.
 * Other rules use zone groups only as a hint (which zone serves a vault, which endpoint owns a record) and
 * fall back to the zones by name and the endpoints' NICs.
 */
export const RULES_NEEDING: Record<SkippableRead, readonly string[]> = {
  'zone-groups': ['KV104'],
  'diagnostic-settings': ['KV503'],
};

const WHY: Record<SkippableRead, string> = {
  'zone-groups': 'DNS zone groups were not read (--skip-reads zone-groups)',
  'diagnostic-settings': 'diagnostic settings were not read (--skip-reads diagnostic-settings)',
};

/** The rules with those that need a skipped read replaced by one that reports it, for every vault. */
export function withSkippedReads(rules: readonly Rule<object>[], skipped: readonly SkippableRead[]): Rule<object>[] {
  return rules.map((rule) => {
    const read = skipped.find((r) => RULES_NEEDING[r].includes(rule.meta.id));
    if (!read) return rule;
    return { ...rule, check: ({ vault }) => [skip(vault.id, `${vault.name}: ${WHY[read]}`)] };
  });
}
