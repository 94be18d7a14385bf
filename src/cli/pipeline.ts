import { RULES } from '../../rules/index';
import type { KvguardConfig } from '../config/types';
import { RuleSetting, runRules } from '../engine/run';
import { settingFor } from '../engine/rule-lookup';
import { runRulesOnPlan } from '../engine/undetermined';
import { idKey, parentId } from '../model/arm';
import type { Rule, RuleMeta, RunResult } from '../engine/types';
import type { CallerProfile } from '../model/caller';
import { reporterFor } from '../report/index';
import type { ReportFormat, ReportOptions } from '../report/types';
import { loadSource } from './load-source';
import { packageVersion } from './main';
import type { AuditSource } from './source';

/**
 * What every command that audits shares: source → estate → rules → suppressions and baseline → reports.
 * Commands parse flags into these inputs and map the result to an exit code; nothing here writes to the
 * console. Config, suppression and baseline code is loaded only when the run uses it.
 */
export interface AuditInput {
  source: AuditSource;
  caller: CallerProfile;
  config?: KvguardConfig;
  /** `--baseline`, else the config's `baseline`. */
  baselineFile?: string;
  now: Date;
  rules?: readonly Rule<object>[];
}

export interface AuditOutput {
  result: RunResult;
  /** Metadata of the rules that ran, with the config's severities applied: what reporters list. */
  rules: RuleMeta[];
  /** A snapshot file's line of each resource id, for reports that point into the file. */
  resourceLines?: Record<string, number>;
}

export async function runAudit(input: AuditInput): Promise<AuditOutput> {
  const rules = input.rules ?? RULES;
  const settings = input.config?.rules ?? {};
  const source = await loadSource(withCallerIdentity(withCallerNetwork(input.source, input.caller), input.caller));
  const runOptions = {
    estate: source.estate,
    vaults: source.vaults,
    rules,
    caller: input.caller,
    settings,
    now: input.now,
    vaultErrors: source.vaultErrors,
    notices: source.notices,
  };
  let result = source.plan
    ? withAddresses(runRulesOnPlan(enabledOnly(runOptions, settings), source.plan.estates), source.plan.addresses)
    : runRules(runOptions);
  const suppressions = input.config?.suppressions ?? [];
  if (suppressions.length > 0) {
    const { applySuppressions } = await import('../gate/suppress');
    result = applySuppressions(result, suppressions, input.now);
  }
  const baselineFile = input.baselineFile ?? input.config?.baseline;
  if (baselineFile !== undefined) {
    const { applyBaseline, readBaseline } = await import('../gate/baseline');
    result = applyBaseline(result, readBaseline(baselineFile));
  }
  if (source.collection)
    result = { ...result, collection: { ...source.collection, vaultsEvaluated: result.summary.vaults } };
  const output: AuditOutput = { result, rules: ranRules(rules, settings) };
  if (source.resourceLines) output.resourceLines = source.resourceLines;
  return output;
}

/** runRulesOnPlan runs each rule itself: it gets only the enabled ones. */
function enabledOnly<T extends { rules: readonly Rule<object>[] }>(
  options: T,
  settings: Readonly<Record<string, RuleSetting>>,
): T {
  return {
    ...options,
    rules: options.rules.filter((r) => settingFor(settings, r.meta)?.enabled !== false),
  };
}

/** Each finding names the Terraform address that declares the resource at fault (else the vault's). */
function withAddresses(result: RunResult, addresses: ReadonlyMap<string, string>): RunResult {
  const findings = result.findings.map((finding) => {
    const address = addressOf(finding.resourceId, addresses);
    return address === undefined ? finding : { ...finding, address };
  });
  return { ...result, findings };
}

/** The address of the resource, or of the nearest planned resource it belongs to (a connection → its endpoint). */
function addressOf(resourceId: string, addresses: ReadonlyMap<string, string>): string | undefined {
  for (let id = resourceId; /\/providers\/[^/]+\/[^/]+\/[^/]+/i.test(id); id = parentId(id)) {
    const address = addresses.get(idKey(id));
    if (address) return address;
  }
  return undefined;
}

/**
 * The caller's VNet is part of every vault's path (its DNS servers, its subnets' service endpoints): live
 * collection reads it by id when its subscription is not audited.
 */
function withCallerNetwork(source: AuditSource, caller: CallerProfile): AuditSource {
  if (source.kind !== 'live' || caller.vnetId === undefined) return source;
  return {
    kind: 'live',
    options: { ...source.options, referencedIds: [...(source.options.referencedIds ?? []), caller.vnetId] },
  };
}

/** KV404 needs the caller identity's role assignments: live collection reads them only when one is given. */
function withCallerIdentity(source: AuditSource, caller: CallerProfile): AuditSource {
  const identity = caller.identity;
  if (source.kind !== 'live' || identity?.objectId === undefined) return source;
  const principal =
    identity.groupIds && identity.groupIds.length > 0
      ? { objectId: identity.objectId, groupIds: identity.groupIds }
      : { objectId: identity.objectId };
  return { kind: 'live', options: { ...source.options, rbacPrincipal: principal } };
}

/** The enabled rules' metadata, severity as configured (settings are keyed by id or name, like runRules reads them). */
function ranRules(rules: readonly Rule<object>[], settings: Readonly<Record<string, RuleSetting>>): RuleMeta[] {
  return rules
    .map((rule) => ({ rule, setting: settingFor(settings, rule.meta) }))
    .filter(({ setting }) => setting?.enabled !== false)
    .map(({ rule, setting }) => (setting?.severity ? { ...rule.meta, severity: setting.severity } : rule.meta));
}

export async function loadConfigFile(file: string): Promise<KvguardConfig> {
  const { loadConfig } = await import('../config/load');
  return loadConfig(file);
}

export function renderReport(format: ReportFormat, result: RunResult, options: ReportOptions): string {
  return reporterFor(format)(result, options);
}

export { writeFileAtomic } from './output-file';

export function toolInfo(): { name: string; version: string } {
  return { name: 'kvguard', version: packageVersion() };
}
