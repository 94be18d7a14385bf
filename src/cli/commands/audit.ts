import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import { COLLECT_VIA, CollectVia, LiveOptions, SKIPPABLE_READS, SkippableRead } from '../../collect/types';
import { inShard, parseShard } from '../../collect/shard';
import { knownOperations, parseOperation } from '../../rbac/operations';
import { createProgress } from '../../collect/progress';
import type { KvguardConfig } from '../../config/types';
import { EXIT, exitCode } from '../../engine/gate';
import { CollectionStats, RuleMeta, RunResult, SEVERITIES, Severity } from '../../engine/types';
import { summarize } from '../../engine/run';
import { CLOUD_NAMES, CloudName } from '../../model/cloud';
import { REPORT_FORMATS, isReportFormat } from '../../report/index';
import type { ReportFormat, ReportOptions } from '../../report/types';
import { CallerFlags, callerProfile } from '../caller-flags';
import { UsageError } from '../errors';
import { setExitCode } from '../main';
import { AuditSource, loadConfigFile, renderReport, runAudit, toolInfo, writeFileAtomic } from '../pipeline';
import { RULES } from '../../../rules/index';
import { withSkippedReads } from '../../collect/skipped-reads';

/** `kvguard audit`: one snapshot file or live ARM in, the console report and any report files out, exit 0/1/2 (DESIGN 2.4). */
export interface AuditFlags extends CallerFlags {
  snapshot?: string;
  subscription: string[];
  resourceGroup?: string;
  vault?: string;
  cloud?: CloudName;
  endpoint?: string;
  caCert?: string;
  format: ReportFormat;
  output?: string;
  failOn?: Severity;
  allowPartial?: boolean;
  config?: string;
  report: string[];
  baseline?: string;
  quiet?: boolean;
  verbose?: boolean;
  color: boolean;
  /** KV404's data-plane operation (secrets/get, keys/decrypt...): sets the rule's `operation` option. */
  operation?: string;
  via?: CollectVia;
  skipReads?: string[];
  shard?: string;
  concurrency?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function register(program: Command): void {
  program
    .command('audit')
    .description('check every link of the access path of each vault, from a snapshot file or live ARM')
    .option('--snapshot <file>', 'ARM resources as JSON (- for stdin): an array, {"resources": [...]} or a Resource Graph response {"data": [...]}')
    .option('--subscription <id>', 'read live ARM in this subscription (repeat, or a comma list)', collect, [])
    .option('--resource-group <name>', 'live: only this resource group')
    .option('--vault <name>', 'live: only the vault with this name')
    .addOption(new Option('--cloud <name>', 'live: the Azure cloud').choices(CLOUD_NAMES))
    .addOption(new Option('--via <source>', 'live: read through ARM lists (default) or Azure Resource Graph queries').choices(COLLECT_VIA))
    .option('--skip-reads <reads>', `live: leave out per-resource reads (${SKIPPABLE_READS.join(', ')}); their rules report skipped`, collect, [])
    .option('--shard <I/N>', 'live: audit only the subscriptions in shard I of N (stable hash); join the reports with kvguard merge')
    .option('--concurrency <n>', 'live: ARM requests in flight at once (default 8)')
    .option('--endpoint <url>', 'live: an ARM-compatible endpoint (the emulator) in place of the cloud\'s')
    .option('--ca-cert <file>', 'live: PEM file of the CA that signed --endpoint\'s certificate')
    .option('--caller-ip <ip>', 'public IPv4 address the caller comes from (repeat, or a comma list)', collect, [])
    .option('--caller-subnet <id>', 'ARM id of the caller\'s subnet')
    .option('--caller-vnet <id>', 'ARM id of the caller\'s VNet')
    .option('--trusted-service', 'the caller is a trusted Microsoft service')
    .option('--caller-token <jwt>', "the caller's access token, or @FILE holding it (decoded locally, never sent)")
    .option('--caller-object-id <guid>', 'object id of the calling user, group or service principal (KV404)')
    .option('--caller-app-id <guid>', 'application (client) id of the caller, for access policies bound to an app (KV404)')
    .option('--caller-tenant-id <guid>', "the caller's tenant id (KV404)")
    .option('--caller-group <guid>', 'a group the caller belongs to: ARM cannot show membership (repeat, or a comma list)', collect, [])
    .option('--operation <operation>', 'the data-plane operation KV404 checks, e.g. secrets/get, keys/decrypt (default secrets/get)')
    .addOption(new Option('--format <format>', 'console report format').choices(REPORT_FORMATS).default('text'))
    .option('--output <file>', 'write the console report to this file (atomically) in place of stdout')
    .addOption(new Option('--fail-on <severity>', 'exit 1 on fail or error findings at or above this severity (default: error)').choices(SEVERITIES))
    .option('--allow-partial', 'exit 0/1 even when some vault could not be evaluated (otherwise 2)')
    .option('--config <file>', 'kvguard.config.json: scope, caller, rule settings, suppressions, baseline')
    .option('--report <format=file>', `also write a report: ${REPORT_FORMATS.join('|')}=FILE (repeatable)`, collect, [])
    .option('--baseline <file>', 'findings recorded in this baseline do not fail the run')
    .option('--quiet', 'print only failing findings and the totals')
    .option('--verbose', 'also print passing and skipped findings, and live collection progress')
    .option('--no-color', 'no ANSI colours (also NO_COLOR)')
    .action(async (flags: AuditFlags, command: Command) => {
      setExitCode(command, await audit(flags));
    });
}

export async function audit(flags: AuditFlags): Promise<number> {
  if (flags.quiet && flags.verbose) throw new UsageError('--quiet and --verbose: choose one');
  const reports = flags.report.map(parseReportSpec);
  const config = withOperation(flags.config === undefined ? undefined : await loadConfigFile(flags.config), flags.operation);
  const caller = callerProfile(flags, config?.caller, flags.config);
  const source = sourceOf(flags, config);
  const now = new Date();
  const skipped = source.kind === 'live' ? source.options.skipReads ?? [] : [];
  const progress = source.kind === 'live' ? createProgress({ quiet: Boolean(flags.quiet) }) : undefined;
  if (source.kind === 'live' && progress?.onProgress) source.options.onProgress = progress.onProgress;
  let audited;
  try {
    audited = emptyShard(source, flags.shard) ?? await runAudit({
      source,
      caller,
      ...(skipped.length > 0 ? { rules: withSkippedReads(RULES, skipped) } : {}),
      ...(config ? { config } : {}),
      ...(flags.baseline !== undefined ? { baselineFile: flags.baseline } : {}),
      now,
    });
  } finally {
    progress?.stop();
  }
  const { result, rules } = audited;
  if (flags.verbose && result.collection) process.stderr.write(collectionLines(result.collection));
  const options: ReportOptions = {
    rules,
    tool: toolInfo(),
    caller,
    generatedAt: now,
    verbosity: flags.quiet ? 'quiet' : flags.verbose ? 'verbose' : 'normal',
  };
  const consoleText = renderReport(flags.format, result, { ...options, color: useColor(flags) });
  if (flags.output !== undefined) writeFileAtomic(flags.output, consoleText, `--output ${flags.output}`);
  else process.stdout.write(consoleText);
  for (const report of reports) writeFileAtomic(report.file, renderReport(report.format, result, options), `--report ${report.format}=${report.file}`);
  const code = exitCode(result, flags.failOn ?? config?.failOn ?? 'error', Boolean(flags.allowPartial));
  if (code === EXIT.error) process.stderr.write(`kvguard: ${incompleteLine(result)}\n`);
  return code;
}

/**
 * A shard that holds none of the subscriptions (more shards than subscriptions) has nothing to audit: an
 * empty, complete report, so a CI matrix job succeeds and `kvguard merge` adds nothing from it.
 */
function emptyShard(source: AuditSource, shard: string | undefined): { result: RunResult; rules: RuleMeta[] } | undefined {
  if (source.kind !== 'live' || source.options.subscriptions.length > 0 || shard === undefined) return undefined;
  const notices = [{ level: 'info' as const, message: `shard ${shard} holds none of the given subscriptions: nothing to audit` }];
  return { result: { findings: [], summary: summarize([], 0, notices), notices }, rules: RULES.map((rule) => rule.meta) };
}

/** `--operation` is KV404's `operation` option: the flag wins over the config file's. */
function withOperation(config: KvguardConfig | undefined, operation: string | undefined): KvguardConfig | undefined {
  if (operation === undefined) return config;
  if (!parseOperation(operation)) throw new UsageError(`--operation: expected one of ${knownOperations().join(', ')}, found ${JSON.stringify(operation)}`);
  const rules = { ...(config?.rules ?? {}) };
  const key = rules.KV404 !== undefined || rules['caller-data-permission'] === undefined ? 'KV404' : 'caller-data-permission';
  const current = rules[key] ?? {};
  rules[key] = { ...current, options: { ...(current.options ?? {}), operation } };
  return { ...(config ?? {}), rules };
}

function incompleteLine(result: RunResult): string {
  const errors = result.summary.error;
  const parts = errors > 0 ? [`${errors} finding${errors === 1 ? '' : 's'} could not be evaluated`] : [];
  const sourceErrors = result.notices.filter((n) => n.level === 'error').length;
  if (sourceErrors > 0) parts.push(`the source reported ${sourceErrors} error${sourceErrors === 1 ? '' : 's'}`);
  return `incomplete run: ${parts.join(' and ')} (exit 2; --allow-partial gates on the rest)`;
}

/** Colour on a terminal only: never in a file, never with --no-color or NO_COLOR (https://no-color.org). */
function useColor(flags: AuditFlags): boolean {
  return flags.color && flags.output === undefined && !process.env.NO_COLOR && Boolean(process.stdout.isTTY);
}

export function parseReportSpec(spec: string): { format: ReportFormat; file: string } {
  const at = spec.indexOf('=');
  const format = at < 0 ? spec : spec.slice(0, at);
  const file = at < 0 ? '' : spec.slice(at + 1);
  if (!isReportFormat(format) || file === '') {
    throw new UsageError(`--report: expected FORMAT=FILE with FORMAT one of ${REPORT_FORMATS.join(', ')}, found ${JSON.stringify(spec)}`);
  }
  return { format, file };
}

const LIVE_ONLY = [
  ['via', '--via'],
  ['shard', '--shard'],
  ['concurrency', '--concurrency'],
  ['resourceGroup', '--resource-group'],
  ['vault', '--vault'],
  ['cloud', '--cloud'],
  ['endpoint', '--endpoint'],
  ['caCert', '--ca-cert'],
] as const;

const SUBSCRIPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Exactly one source: a snapshot file, or live ARM (subscriptions from flags, else from the config's scope). */
export function sourceOf(flags: AuditFlags, config: KvguardConfig | undefined): AuditSource {
  const flagSubscriptions = flags.subscription.flatMap((s) => s.split(',')).map((s) => s.trim());
  if (flags.snapshot !== undefined) {
    if (flagSubscriptions.length > 0) throw new UsageError('--snapshot and --subscription: audit a snapshot file or live ARM, not both');
    const liveFlag = LIVE_ONLY.find(([key]) => flags[key] !== undefined) ?? ((flags.skipReads ?? []).length > 0 ? (['skipReads', '--skip-reads'] as const) : undefined);
    if (liveFlag) throw new UsageError(`${liveFlag[1]} applies to live ARM (--subscription); a snapshot is audited whole`);
    return { kind: 'snapshot', file: flags.snapshot };
  }
  const fromConfig = flagSubscriptions.length === 0;
  const subscriptions = fromConfig ? config?.scope?.subscriptions ?? [] : flagSubscriptions;
  if (subscriptions.length === 0) throw new UsageError('audit needs a source: --snapshot FILE, or --subscription ID to read live ARM');
  const label = fromConfig ? `${flags.config}: /scope/subscriptions` : '--subscription';
  for (const id of subscriptions) {
    if (!SUBSCRIPTION_ID.test(id)) throw new UsageError(`${label}: expected a subscription id (a GUID), found ${JSON.stringify(id)}`);
  }
  const unique = [...new Set(subscriptions.map((s) => s.toLowerCase()))];
  const options: LiveOptions = { subscriptions: flags.shard === undefined ? unique : inShard(unique, parseShard(flags.shard)), cloud: flags.cloud ?? config?.cloud ?? 'AzureCloud' };
  if (flags.via !== undefined) options.via = flags.via;
  const skipReads = parseSkipReads(flags.skipReads ?? []);
  if (skipReads.length > 0) options.skipReads = skipReads;
  if (flags.concurrency !== undefined) {
    if (!/^\d+$/.test(flags.concurrency) || Number(flags.concurrency) < 1 || Number(flags.concurrency) > 256) throw new UsageError(`--concurrency: expected a whole number from 1 to 256, found ${JSON.stringify(flags.concurrency)}`);
    options.concurrency = Number(flags.concurrency);
  }
  const resourceGroup = flags.resourceGroup ?? single(config?.scope?.resourceGroups, `${flags.config}: /scope/resourceGroups`, '--resource-group');
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

function parseSkipReads(values: readonly string[]): SkippableRead[] {
  const reads = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  for (const read of reads) {
    if (!(SKIPPABLE_READS as readonly string[]).includes(read)) throw new UsageError(`--skip-reads: expected ${SKIPPABLE_READS.join(' or ')} (comma list), found ${JSON.stringify(read)}`);
  }
  return [...new Set(reads)] as SkippableRead[];
}

/** Live collection reads one resource group and one vault name at most. */
function single(values: string[] | undefined, label: string, flag: string): string | undefined {
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1) throw new UsageError(`${label}: live collection takes one value, found ${values.length} (or give ${flag})`);
  return values[0];
}

function checkEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--endpoint: expected an https URL such as https://127.0.0.1:8443, found ${JSON.stringify(value)}`);
  }
  // The SDK pipeline refuses to send bearer tokens over plain http.
  if (url.protocol !== 'https:') throw new UsageError(`--endpoint: expected an https URL (tokens are never sent over http), found ${JSON.stringify(value)}`);
  return value.replace(/\/+$/, '');
}

/** --verbose: what reading ARM cost, by operation (the JSON report carries the same in summary.collection). */
function collectionLines(collection: CollectionStats): string {
  const total = Object.values(collection.requests).reduce((a, b) => a + b, 0);
  const lines = [
    `kvguard: ${total} ARM requests for ${collection.vaultsListed} vaults listed, ${collection.vaultsEvaluated} evaluated; ${collection.throttled} throttled (429), ${collection.retried} retried`,
    ...Object.entries(collection.requests).map(([operation, count]) => `kvguard:   ${String(count).padStart(6)}  ${operation}`),
  ];
  return `${lines.join('\n')}\n`;
}
