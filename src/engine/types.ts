import type { JsonObject } from '../model/arm';
import type { CallerProfile } from '../model/caller';
import type { Estate } from '../model/estate';
import type { Vault, VaultKind } from '../model/types';
import type { Notice } from '../model/notice';

export type Severity = 'error' | 'warning' | 'note';
export type Outcome = 'pass' | 'fail' | 'error' | 'skipped';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note'];
export const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'error', 'skipped'];

/** Plain metadata, validated at load by the registry test. Severity is a default; config may override it. */
export interface RuleMeta {
  /** Stable, never reused: `KV205`. */
  id: string;
  /** The rule's file name and readable id: `dns-a-record-ip`. */
  name: string;
  /** One line: what must hold. */
  title: string;
  severity: Severity;
  /** The access-path link the rule checks; drives grouping in text and HTML output. */
  link: PathLink;
  /** Vault kinds the rule applies to; others get `skipped` with a reason. */
  appliesTo: readonly VaultKind[];
  /** One line: what to do when it fails. The doc holds the full fix. */
  remediation: string;
  /** JSON Schema of the rule's options (validated when config is loaded). */
  optionsSchema?: JsonObject;
  /**
   * What the rule reads: `vault` when only the vault's own settings (so one resource's inputs decide it: a
   * Pulumi resource policy), `estate` (the default) when it follows the access path across resources (a
   * Pulumi stack policy).
   */
  scope?: 'vault' | 'estate';
  /**
   * The vault settings that make the rule pass, as ARM property paths (`properties.enableSoftDelete`) and
   * values: the policy pack's remediation. Only for fixes that are a flag on the vault.
   */
  fix?: JsonObject;
}

/** The link of the access path a rule checks, caller to vault; reports draw the path from it. */
export type PathLink =
  'caller' | 'firewall' | 'dns-zone' | 'dns-link' | 'dns-record' | 'private-endpoint' | 'nic' | 'vault' | 'identity';

export interface RuleContext<Options extends object = Record<string, never>> {
  estate: Estate;
  vault: Vault;
  caller: CallerProfile;
  options: Options;
  /** The run's clock, fixed once per run so every rule sees the same instant. */
  now: Date;
}

/** What a rule returns: the engine adds rule, vault and severity to make a Finding. */
export interface RuleResult {
  outcome: Outcome;
  /** The resource the result is about (the vault itself, an endpoint, a record set...). */
  resourceId: string;
  message: string;
  evidence?: JsonObject;
}

export interface Rule<Options extends object = Record<string, never>> {
  meta: RuleMeta;
  defaults: Options;
  check(context: RuleContext<Options>): RuleResult[];
}

export interface Suppression {
  ruleId: string;
  /** Glob over ARM ids (`*` within a segment, `**` across segments), matched case-insensitively. */
  resourceId: string;
  reason: string;
  /** ISO date (YYYY-MM-DD); from that day on the suppression no longer applies. */
  expires?: string;
}

export interface Finding {
  ruleId: string;
  rule: string;
  severity: Severity;
  outcome: Outcome;
  vaultId: string;
  resourceId: string;
  message: string;
  remediation: string;
  link: PathLink;
  evidence?: JsonObject;
  /** Where the source declares the resource at fault: a Terraform address (`module.net.azurerm_private_endpoint.kv`). */
  address?: string;
  /** Set when a suppression or baseline covers a fail/error finding; the finding stays visible. */
  suppressed?: { kind: 'suppression' | 'baseline'; reason: string; expires?: string };
}

export interface Summary {
  vaults: number;
  pass: number;
  fail: number;
  error: number;
  skipped: number;
  suppressed: number;
  /** False when some vault or resource could not be read or evaluated. */
  complete: boolean;
}

export interface RunResult {
  findings: Finding[];
  summary: Summary;
  /** Run-level problems (collection errors, expired suppressions): shown by every reporter. */
  notices: Notice[];
  /** Live runs only: what reading ARM cost. */
  collection?: CollectionStats;
}

export interface CollectionStats {
  vaultsListed: number;
  vaultsEvaluated: number;
  /** ARM requests by operation, e.g. `KeyVault.vaults.listBySubscription`. */
  requests: Record<string, number>;
  /** 429 answers received (all of them retried or reported). */
  throttled: number;
  retried: number;
}

export type { Notice };
