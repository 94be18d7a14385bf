import type { RuleMeta } from './types';

/**
 * The one way a user names a rule: by id (`KV205`) or by name (`dns-a-record-ip`), in any case, with
 * surrounding spaces ignored. The config's `rules` keys, a suppression's `ruleId`, the engine's settings,
 * `kvguard explain` and the baseline all go through these helpers, so `kv205` means KV205 everywhere.
 */
export type RuleNames = Pick<RuleMeta, 'id' | 'name'>;

/** The comparison key of a user-written rule reference. */
export function ruleRefKey(idOrName: string): string {
  return idOrName.trim().toLowerCase();
}

/** Whether `idOrName` names this rule (by id or by name, any case). */
export function namesRule(idOrName: string, rule: RuleNames): boolean {
  const wanted = ruleRefKey(idOrName);
  return wanted === rule.id.toLowerCase() || wanted === rule.name.toLowerCase();
}

/** The rule `idOrName` names, or undefined. */
export function findRule<R extends { meta: RuleNames }>(rules: readonly R[], idOrName: string): R | undefined {
  return rules.find((rule) => namesRule(idOrName, rule.meta));
}

/**
 * A rule's entry in a map keyed by rule id or name in any case (the config's `rules` object). The config
 * loader rejects two keys naming one rule, so the first match is the only one.
 */
export function settingFor<S>(settings: Readonly<Record<string, S>> | undefined, rule: RuleNames): S | undefined {
  if (settings === undefined) return undefined;
  for (const [key, setting] of Object.entries(settings)) if (namesRule(key, rule)) return setting;
  return undefined;
}
