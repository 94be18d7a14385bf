import { idKey } from '../model/arm';
import { CallerProfile, DEFAULT_CALLER } from '../model/caller';
import type { Estate } from '../model/estate';
import type { Vault } from '../model/types';
import { settingFor } from './rule-lookup';
import type { Finding, Notice, Rule, RuleResult, RunResult, Severity, Summary } from './types';

export interface RuleSetting {
  enabled?: boolean;
  severity?: Severity;
  options?: Record<string, unknown>;
}

export interface RunOptions {
  estate: Estate;
  /** The vaults to evaluate (a snapshot narrowed by --vault): default every vault of the estate. */
  vaults?: readonly Vault[];
  rules: readonly Rule<object>[];
  caller?: CallerProfile;
  /** Per-rule settings keyed by rule id (`KV205`) or name (`dns-a-record-ip`), any case (src/engine/rule-lookup.ts). */
  settings?: Readonly<Record<string, RuleSetting>>;
  now?: Date;
  /** Vaults that could not be collected (idKey → reason): every rule reports `error` for them. */
  vaultErrors?: ReadonlyMap<string, string>;
  /** Run-level notices from the source (collection warnings...). */
  notices?: Notice[];
}

/** Runs every enabled rule for every vault, in id order, and never lets one rule stop the run. */
export function runRules(options: RunOptions): RunResult {
  const now = options.now ?? new Date();
  const caller = options.caller ?? DEFAULT_CALLER;
  const rules = [...options.rules]
    .filter((rule) => settingFor(options.settings, rule.meta)?.enabled !== false)
    .sort((a, b) => (a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0));
  const vaults = options.vaults ?? options.estate.allVaults();
  const findings: Finding[] = [];
  for (const vault of vaults) {
    const collectionError = options.vaultErrors?.get(idKey(vault.id));
    for (const rule of rules) {
      const setting = settingFor(options.settings, rule.meta);
      const results = collectionError
        ? [
            {
              outcome: 'error' as const,
              resourceId: vault.id,
              message: `${vault.name} could not be evaluated: ${collectionError}`,
            },
          ]
        : evaluate(rule, {
            estate: options.estate,
            vault,
            caller,
            now,
            options: { ...rule.defaults, ...(setting?.options ?? {}) },
          });
      for (const result of results) findings.push(toFinding(rule, vault, result, setting?.severity));
    }
  }
  const notices = options.notices ?? [];
  return { findings, summary: summarize(findings, vaults.length, notices), notices };
}

function evaluate(rule: Rule<object>, context: Parameters<Rule<object>['check']>[0]): RuleResult[] {
  const { vault } = context;
  if (!rule.meta.appliesTo.includes(vault.kind)) {
    const kind = vault.kind === 'managedHsm' ? 'a managed HSM' : 'a key vault';
    return [{ outcome: 'skipped', resourceId: vault.id, message: `not applicable to ${kind}` }];
  }
  try {
    const results = rule.check(context);
    if (results.length === 0) {
      return [
        { outcome: 'error', resourceId: vault.id, message: `${rule.meta.name} returned no result for ${vault.name}` },
      ];
    }
    return results;
  } catch (thrown) {
    // A rule that throws is a finding, not a crash (cfn-lint E0002): the run goes on and the gate fails.
    const cause = thrown instanceof Error ? thrown.message : String(thrown);
    return [{ outcome: 'error', resourceId: vault.id, message: `${rule.meta.name} failed on ${vault.name}: ${cause}` }];
  }
}

function toFinding(rule: Rule<object>, vault: Vault, result: RuleResult, severity: Severity | undefined): Finding {
  const finding: Finding = {
    ruleId: rule.meta.id,
    rule: rule.meta.name,
    severity: severity ?? rule.meta.severity,
    outcome: result.outcome,
    vaultId: vault.id,
    resourceId: result.resourceId,
    message: result.message,
    remediation: rule.meta.remediation,
    link: rule.meta.link,
  };
  if (result.evidence !== undefined) finding.evidence = result.evidence;
  return finding;
}

/** One place computes the summary, so suppressions and baselines can recount after marking findings. */
export function summarize(findings: readonly Finding[], vaults: number, notices: readonly Notice[]): Summary {
  const summary: Summary = { vaults, pass: 0, fail: 0, error: 0, skipped: 0, suppressed: 0, complete: true };
  for (const finding of findings) {
    if (finding.suppressed) summary.suppressed += 1;
    else summary[finding.outcome] += 1;
  }
  summary.complete = summary.error === 0 && !notices.some((n) => n.level === 'error');
  return summary;
}
