import { RULES } from '../../rules/index';
import { exitCode } from '../engine/gate';
import { settingFor } from '../engine/rule-lookup';
import { runRules, type RuleSetting } from '../engine/run';
import type { CollectionStats, Notice, Rule, RuleMeta, RunResult, Severity, Suppression } from '../engine/types';
import { runRulesOnPlan } from '../engine/undetermined';
import type { Baseline } from '../gate/baseline';
import { applySuppressions } from '../gate/suppress';
import { idKey, parentId } from '../model/arm';
import { DEFAULT_CALLER, type CallerProfile } from '../model/caller';
import type { Estate } from '../model/estate';
import type { PlannedEstates } from '../model/planned';
import type { Vault } from '../model/types';

/**
 * The one audit pipeline: source → estate → rules → suppressions and baseline → gate. The CLI
 * (src/cli/pipeline.ts), the Pulumi policies (src/pulumi/policies.ts) and the benchmark (bench/measure.ts)
 * call `audit()`; each only turns its own input into a `SourceEstate` (a snapshot or live read, Pulumi
 * resources, a Terraform plan) and its output into what it prints. Pure and synchronous: no file, no
 * console, no clock of its own (`now` is given).
 */

/** What a source hands the pipeline: the estate, and what it could not read. */
export interface SourceEstate {
  estate: Estate;
  /** The vaults to evaluate: default every vault of the estate (a snapshot narrowed by --vault gives fewer). */
  vaults?: readonly Vault[];
  /** Vaults that could not be collected (idKey → reason): every rule reports `error` for them. */
  vaultErrors?: ReadonlyMap<string, string>;
  /** Run-level notices from the source (collection warnings, skipped reads). */
  notices?: Notice[];
  /** A live read's counters; the result carries them with the number of vaults evaluated. */
  collection?: Omit<CollectionStats, 'vaultsEvaluated'>;
  /** A plan (Terraform): rules run on its stand-in estates; findings name the address that declares the resource. */
  plan?: { estates: PlannedEstates; addresses: ReadonlyMap<string, string> };
}

export interface AuditOptions {
  /** The run's clock (suppression expiry, token lifetimes). */
  now: Date;
  /** Default: the whole catalogue (rules/index.ts). */
  rules?: readonly Rule<object>[];
  /** The config's `rules`: keyed by rule id or name, any case (src/engine/rule-lookup.ts). */
  settings?: Readonly<Record<string, RuleSetting>>;
  caller?: CallerProfile;
  suppressions?: readonly Suppression[];
  /** Accepted findings (src/gate/baseline.ts reads the file). */
  baseline?: Baseline;
  /** The gate's threshold: default `error`. */
  failOn?: Severity;
  /** Gate on what was evaluated even when the run is incomplete. */
  allowPartial?: boolean;
}

export interface Audit {
  result: RunResult;
  /** Metadata of the rules that ran, with configured severities: what reporters list. */
  rules: RuleMeta[];
  /** 0 pass, 1 a finding at or above `failOn`, 2 an incomplete run (src/engine/gate.ts). */
  exitCode: number;
}

export function audit(source: SourceEstate, options: AuditOptions): Audit {
  const rules = options.rules ?? RULES;
  const settings = options.settings ?? {};
  const runOptions = {
    estate: source.estate,
    ...(source.vaults ? { vaults: source.vaults } : {}),
    rules,
    caller: options.caller ?? DEFAULT_CALLER,
    settings,
    now: options.now,
    ...(source.vaultErrors ? { vaultErrors: source.vaultErrors } : {}),
    notices: source.notices ?? [],
  };
  let result = source.plan
    ? withAddresses(runRulesOnPlan(enabledOnly(runOptions, settings), source.plan.estates), source.plan.addresses)
    : runRules(runOptions);
  if (options.suppressions && options.suppressions.length > 0)
    result = applySuppressions(result, options.suppressions, options.now);
  if (options.baseline) result = baselineModule().applyBaseline(result, options.baseline);
  if (source.collection)
    result = { ...result, collection: { ...source.collection, vaultsEvaluated: result.summary.vaults } };
  return {
    result,
    rules: ranRules(rules, settings),
    exitCode: exitCode(result, options.failOn ?? 'error', options.allowPartial ?? false),
  };
}

/** The baseline module compiles a JSON schema when loaded: only runs that use a baseline pay for it. */
function baselineModule(): typeof import('../gate/baseline') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../gate/baseline') as typeof import('../gate/baseline');
}

/** runRulesOnPlan runs each rule itself: it gets only the enabled ones. */
function enabledOnly<T extends { rules: readonly Rule<object>[] }>(
  options: T,
  settings: Readonly<Record<string, RuleSetting>>,
): T {
  return { ...options, rules: options.rules.filter((r) => settingFor(settings, r.meta)?.enabled !== false) };
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

/** The enabled rules' metadata, severity as configured. */
function ranRules(rules: readonly Rule<object>[], settings: Readonly<Record<string, RuleSetting>>): RuleMeta[] {
  return rules
    .map((rule) => ({ rule, setting: settingFor(settings, rule.meta) }))
    .filter(({ setting }) => setting?.enabled !== false)
    .map(({ rule, setting }) => (setting?.severity ? { ...rule.meta, severity: setting.severity } : rule.meta));
}
