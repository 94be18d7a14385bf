import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import { inShard, parseShard } from '../collect/shard';
import { COLLECT_VIA, CollectVia, LiveOptions, SKIPPABLE_READS, SkippableRead } from '../collect/types';
import type { KvguardConfig } from '../config/types';
import { CLOUD_NAMES, CloudName } from '../model/cloud';
import { UsageError } from '../errors';
import { repeatable } from './repeatable';

/**
 * Where the estate comes from, for every command that reads one (audit, snapshot, baseline, token explain,
 * probe): the options are declared here once, parsed here once, and loaded by load-source.ts.
 */
export interface SourceFlags {
  snapshot?: string;
  /** `terraform show -json` of a plan or state, laid over --snapshot or live ARM when those are given too. */
  terraformPlan?: string;
  subscription: string[];
  resourceGroup?: string;
  vault?: string;
  cloud?: CloudName;
  endpoint?: string;
  caCert?: string;
  via?: CollectVia;
  skipReads?: string[];
  shard?: string;
  concurrency?: string;
  /** `--timeout`: the live run's deadline (`15m`, `90s`, `500ms`). */
  timeout?: string;
  /** The config file's path: names it in messages about its scope. */
  config?: string;
  /** Hands the collector a log on stderr. */
  verbose?: boolean;
}

/** Only the vaults to evaluate from a snapshot (the estate keeps every resource). */
export interface VaultScope {
  vaultName?: string;
  resourceGroup?: string;
}

export type AuditSource =
  | { kind: 'snapshot'; file: string; scope?: VaultScope }
  | { kind: 'live'; options: LiveOptions }
  | { kind: 'terraform'; file: string; base?: AuditSource; scope?: VaultScope; cloud?: CloudName };

export type SourceOption =
  | 'snapshot'
  | 'terraform-plan'
  | 'subscription'
  | 'resource-group'
  | 'vault'
  | 'cloud'
  | 'via'
  | 'skip-reads'
  | 'shard'
  | 'concurrency'
  | 'timeout'
  | 'endpoint'
  | 'ca-cert';

/** What a command's source options are: declared by addSourceOptions, parsed by sourceOf. */
export interface SourceOptionSet {
  /** The command's name, in "… needs a source". */
  command: string;
  /** A snapshot file is a source too (all but `kvguard snapshot`); live-only options then say "live:". */
  snapshot: boolean;
  /** `--via`, `--shard`, `--concurrency`: for large estates. */
  scale: boolean;
  /** `--skip-reads`. */
  skipReads: boolean;
  /** `--terraform-plan`. */
  terraform?: boolean;
  /** Options the command declares itself, with its own meaning (probe's --vault and --ca-cert). */
  own?: readonly SourceOption[];
  /** Help texts that say more for this command. */
  help?: Partial<Record<SourceOption, string>>;
}

export function addSourceOptions(command: Command, set: SourceOptionSet): Command {
  const live = (text: string): string => (set.snapshot ? `live: ${text}` : text);
  const options: [SourceOption, boolean, Option][] = [
    [
      'snapshot',
      set.snapshot,
      new Option(
        '--snapshot <file>',
        'ARM resources as JSON (- for stdin): an array, {"resources": [...]} or a Resource Graph response {"data": [...]}',
      ),
    ],
    [
      'terraform-plan',
      set.terraform === true,
      new Option(
        '--terraform-plan <file>',
        'the JSON of `terraform show -json` (a plan or a state); with --snapshot or --subscription, laid over that estate',
      ),
    ],
    [
      'subscription',
      true,
      new Option(
        '--subscription <id>',
        `read ${set.snapshot ? 'live ARM in ' : ''}this subscription (repeat, or a comma list)`,
      )
        .argParser(repeatable)
        .default([]),
    ],
    ['resource-group', true, new Option('--resource-group <name>', 'only the vaults in this resource group')],
    ['vault', true, new Option('--vault <name>', 'only the vault with this name')],
    ['cloud', true, new Option('--cloud <name>', live('the Azure cloud')).choices(CLOUD_NAMES)],
    [
      'via',
      set.scale,
      new Option('--via <source>', live('read through ARM lists (default) or Azure Resource Graph queries')).choices(
        COLLECT_VIA,
      ),
    ],
    [
      'skip-reads',
      set.skipReads,
      new Option(
        '--skip-reads <reads>',
        live(`leave out per-resource reads (${SKIPPABLE_READS.join(', ')}); their rules report skipped`),
      )
        .argParser(repeatable)
        .default([]),
    ],
    [
      'shard',
      set.scale,
      new Option('--shard <I/N>', live('read only the subscriptions in shard I of N (stable hash)')),
    ],
    [
      'concurrency',
      set.scale,
      new Option(
        '--concurrency <n>',
        live(
          'ARM requests in flight at most, all quotas together (default 128; each subscription and quota adapts below it to what ARM says is left)',
        ),
      ),
    ],
    [
      'timeout',
      true,
      new Option(
        '--timeout <duration>',
        live(
          'stop reading ARM after this long (e.g. 15m, 90s): what was not read is reported as error and every report is still written (default 15m)',
        ),
      ),
    ],
    [
      'endpoint',
      true,
      new Option('--endpoint <url>', live("an ARM-compatible endpoint (the emulator) in place of the cloud's")),
    ],
    ['ca-cert', true, new Option('--ca-cert <file>', live("PEM file of the CA that signed --endpoint's certificate"))],
  ];
  for (const [name, offered, option] of options) {
    if (!offered || set.own?.includes(name)) continue;
    const help = set.help?.[name];
    if (help !== undefined) option.description = help;
    command.addOption(option);
  }
  return command;
}

/** Flags that read live ARM only: with a snapshot they would be silently ignored. */
const LIVE_ONLY = [
  ['via', '--via'],
  ['shard', '--shard'],
  ['concurrency', '--concurrency'],
  ['timeout', '--timeout'],
  ['cloud', '--cloud'],
  ['endpoint', '--endpoint'],
  ['caCert', '--ca-cert'],
] as const;

const SUBSCRIPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Exactly one source: a snapshot file, or live ARM (subscriptions from flags, else from the config's scope). */
export function sourceOf(given: SourceFlags, config: KvguardConfig | undefined, set: SourceOptionSet): AuditSource {
  // A flag the command declares with its own meaning (probe's --timeout is per query) is not the source's.
  const flags = set.own?.includes('timeout') ? { ...given, timeout: undefined } : given;
  if (flags.terraformPlan !== undefined) return terraformSource(flags, config, set);
  const flagSubscriptions = flags.subscription.flatMap((s) => s.split(',')).map((s) => s.trim());
  if (flags.snapshot !== undefined) return snapshotSource(flags.snapshot, flags, flagSubscriptions);
  const fromConfig = flagSubscriptions.length === 0;
  const subscriptions = fromConfig ? (config?.scope?.subscriptions ?? []) : flagSubscriptions;
  if (subscriptions.length === 0) {
    throw new UsageError(
      set.snapshot
        ? `${set.command} needs a source: --snapshot FILE, or --subscription ID to read live ARM`
        : `${set.command} reads live ARM: give --subscription ID`,
    );
  }
  const label = fromConfig ? `${flags.config}: /scope/subscriptions` : '--subscription';
  for (const id of subscriptions) {
    if (!SUBSCRIPTION_ID.test(id))
      throw new UsageError(`${label}: expected a subscription id (a GUID), found ${JSON.stringify(id)}`);
  }
  const unique = [...new Set(subscriptions.map((s) => s.toLowerCase()))];
  const options: LiveOptions = {
    subscriptions: flags.shard === undefined ? unique : inShard(unique, parseShard(flags.shard)),
    cloud: flags.cloud ?? config?.cloud ?? 'AzureCloud',
  };
  if (flags.via !== undefined) options.via = flags.via;
  const skipReads = parseSkipReads(flags.skipReads ?? []);
  if (skipReads.length > 0) options.skipReads = skipReads;
  if (flags.concurrency !== undefined) {
    if (!/^\d+$/.test(flags.concurrency) || Number(flags.concurrency) < 1 || Number(flags.concurrency) > 256)
      throw new UsageError(
        `--concurrency: expected a whole number from 1 to 256, found ${JSON.stringify(flags.concurrency)}`,
      );
    options.concurrency = Number(flags.concurrency);
  }
  if (flags.timeout !== undefined) options.timeoutMs = parseTimeout(flags.timeout);
  const resourceGroup =
    flags.resourceGroup ??
    single(config?.scope?.resourceGroups, `${flags.config}: /scope/resourceGroups`, '--resource-group');
  const vaultName = flags.vault ?? single(config?.scope?.vaults, `${flags.config}: /scope/vaults`, '--vault');
  if (resourceGroup !== undefined) options.resourceGroup = resourceGroup;
  if (vaultName !== undefined) options.vaultName = vaultName;
  if (flags.endpoint !== undefined) options.endpoint = checkEndpoint(flags.endpoint);
  if (flags.caCert !== undefined) {
    if (!fs.existsSync(flags.caCert)) throw new UsageError(`--ca-cert ${flags.caCert}: no such file`);
    options.caCertFile = flags.caCert;
  }
  if (flags.verbose) options.log = (line) => process.stderr.write(`kvguard: ${line}\n`);
  return { kind: 'live', options };
}

/** A snapshot is read whole; --vault and --resource-group narrow the vaults evaluated. */
function snapshotSource(file: string, flags: SourceFlags, flagSubscriptions: readonly string[]): AuditSource {
  if (flagSubscriptions.length > 0)
    throw new UsageError('--snapshot and --subscription: audit a snapshot file or live ARM, not both');
  const liveFlag =
    LIVE_ONLY.find(([key]) => flags[key] !== undefined) ??
    ((flags.skipReads ?? []).length > 0 ? (['skipReads', '--skip-reads'] as const) : undefined);
  if (liveFlag) throw new UsageError(`${liveFlag[1]} applies to live ARM (--subscription), not to --snapshot`);
  const scope: VaultScope = {};
  if (flags.vault !== undefined) scope.vaultName = flags.vault;
  if (flags.resourceGroup !== undefined) scope.resourceGroup = flags.resourceGroup;
  return Object.keys(scope).length > 0 ? { kind: 'snapshot', file, scope } : { kind: 'snapshot', file };
}

/**
 * A Terraform plan alone, or laid over the estate as it is now (a snapshot, or live ARM with --subscription or
 * the config's scope), so a plan that adds a spoke is judged against the real hub.
 */
function terraformSource(flags: SourceFlags, config: KvguardConfig | undefined, set: SourceOptionSet): AuditSource {
  const file = flags.terraformPlan ?? '';
  const { terraformPlan: _plan, vault, resourceGroup, ...rest } = flags;
  const scope: VaultScope = {};
  if (vault !== undefined) scope.vaultName = vault;
  if (resourceGroup !== undefined) scope.resourceGroup = resourceGroup;
  const hasBase =
    rest.snapshot !== undefined || rest.subscription.length > 0 || (config?.scope?.subscriptions ?? []).length > 0;
  if (!hasBase) {
    const liveFlag = LIVE_ONLY.find(([key]) => key !== 'cloud' && flags[key] !== undefined);
    if (liveFlag) throw new UsageError(`${liveFlag[1]} applies to live ARM (--subscription), not to a plan alone`);
  }
  const base = hasBase ? sourceOf(rest, config, set) : undefined;
  const source: AuditSource = { kind: 'terraform', file };
  if (base) source.base = base;
  if (!base && flags.cloud !== undefined) source.cloud = flags.cloud;
  if (Object.keys(scope).length > 0) source.scope = scope;
  return source;
}

function parseSkipReads(values: readonly string[]): SkippableRead[] {
  const reads = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  for (const read of reads) {
    if (!(SKIPPABLE_READS as readonly string[]).includes(read))
      throw new UsageError(
        `--skip-reads: expected ${SKIPPABLE_READS.join(' or ')} (comma list), found ${JSON.stringify(read)}`,
      );
  }
  return [...new Set(reads)] as SkippableRead[];
}

/** Live collection reads one resource group and one vault name at most. */
function single(values: string[] | undefined, label: string, flag: string): string | undefined {
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1)
    throw new UsageError(`${label}: live collection takes one value, found ${values.length} (or give ${flag})`);
  return values[0];
}

function checkEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `--endpoint: expected an https URL such as https://127.0.0.1:8443, found ${JSON.stringify(value)}`,
    );
  }
  // The SDK pipeline refuses to send bearer tokens over plain http.
  if (url.protocol !== 'https:')
    throw new UsageError(
      `--endpoint: expected an https URL (tokens are never sent over http), found ${JSON.stringify(value)}`,
    );
  return value.replace(/\/+$/, '');
}

/** `--timeout`: a whole number with a unit (ms, s, m, h), from 1 second to 24 hours. */
export function parseTimeout(text: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text.trim());
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const ms = match ? Number(match[1]) * (unit[match[2] ?? 's'] ?? 1000) : NaN;
  if (!Number.isFinite(ms) || ms < 1000 || ms > 24 * 3_600_000)
    throw new UsageError(
      `--timeout: expected a duration from 1s to 24h such as 15m, 90s or 1h, found ${JSON.stringify(text)}`,
    );
  return ms;
}
