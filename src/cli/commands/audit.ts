import * as path from 'node:path';
import { Command, Option } from 'commander';
import { knownOperations, parseOperation } from '../../model/operations';
import { createProgress } from '../../collect/progress';
import type { KvguardConfig } from '../../config/types';
import { EXIT } from '../../engine/gate';
import { CollectionStats, RunResult, SEVERITIES, Severity } from '../../engine/types';
import { buildEstate } from '../../model/estate';
import { audit as auditEstate } from '../../pipeline/audit';
import { REPORT_FORMATS, isReportFormat } from '../../report/index';
import { DEFAULT_MARKDOWN_LIMIT, type ReportFormat, type ReportOptions } from '../../report/types';
import { CallerFlags, addCallerOptions, callerProfile } from '../caller-flags';
import { UsageError } from '../../errors';
import { setExitCode } from '../main';
import { AuditOutput, loadConfigFile, runAudit, toolInfo, writeReport } from '../pipeline';
import { checkOutputTarget } from '../output-file';
import { repeatable } from '../repeatable';
import { escapeControl } from '../../report/escape';
import { AuditSource, SourceFlags, SourceOptionSet, addSourceOptions, sourceOf } from '../source';

/** `kvguard audit`: one snapshot file or live ARM in, the console report and any report files out, exit 0/1/2 (DESIGN 2.4). */
export interface AuditFlags extends CallerFlags, SourceFlags {
  format: ReportFormat;
  output?: string;
  failOn?: Severity;
  allowPartial?: boolean;
  report: string[];
  baseline?: string;
  quiet?: boolean;
  color: boolean;
  /** KV404's data-plane operation (secrets/get, keys/decrypt...): sets the rule's `operation` option. */
  operation?: string;
  /** `failing`: reports leave out passing and skipped findings (the totals still count them). */
  findings?: FindingsShown;
  /** Bytes the Markdown report may take (default: a GitHub job summary's 1 MiB). */
  markdownLimit?: string;
}

export type FindingsShown = 'all' | 'failing';

export const AUDIT_SOURCE: SourceOptionSet = {
  command: 'audit',
  snapshot: true,
  scale: true,
  skipReads: true,
  terraform: true,
  help: {
    shard: 'live: audit only the subscriptions in shard I of N (stable hash); join the reports with kvguard merge',
  },
};

export function register(program: Command): void {
  const audited = program
    .command('audit')
    .description(
      'check every link of the access path of each vault, from a snapshot file, live ARM or a Terraform plan',
    );
  addCallerOptions(addSourceOptions(audited, AUDIT_SOURCE))
    .option(
      '--operation <operation>',
      'the data-plane operation KV404 checks, e.g. secrets/get, keys/decrypt (default secrets/get)',
    )
    .addOption(new Option('--format <format>', 'console report format').choices(REPORT_FORMATS).default('text'))
    .option('--output <file>', 'write the console report to this file (atomically) in place of stdout')
    .addOption(
      new Option(
        '--findings <which>',
        'findings in the reports: all, or failing (fail and error only; totals still count all; JUnit keeps every case)',
      )
        .choices(['all', 'failing'])
        .default('all'),
    )
    .option(
      '--markdown-limit <bytes>',
      `the Markdown report's size at most: headline, counts per rule and the worst failures first, then what was left out (default ${DEFAULT_MARKDOWN_LIMIT}, a GitHub job summary; 65536 for a PR comment)`,
    )
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit 1 on fail or error findings at or above this severity (default: error)',
      ).choices(SEVERITIES),
    )
    .option('--allow-partial', 'exit 0/1 even when some vault could not be evaluated (otherwise 2)')
    .option('--config <file>', 'kvguard.config.json: scope, caller, rule settings, suppressions, baseline')
    .option(
      '--report <format=file>',
      `also write a report: ${REPORT_FORMATS.join('|')}=FILE (repeatable)`,
      repeatable,
      [],
    )
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
  const config = withOperation(
    flags.config === undefined ? undefined : await loadConfigFile(flags.config),
    flags.operation,
  );
  const caller = callerProfile(flags, config?.caller, flags.config);
  const source = sourceOf(flags, config, AUDIT_SOURCE);
  // Refused before the run, not after it: an audit can take minutes.
  const written = { inputs: [flags.snapshot, flags.config, flags.baseline, config?.baseline] };
  if (flags.output !== undefined) checkOutputTarget(flags.output, `--output ${flags.output}`, written);
  for (const report of reports) checkOutputTarget(report.file, `--report ${report.format}=${report.file}`, written);
  const now = new Date();
  const progress = source.kind === 'live' ? createProgress({ quiet: Boolean(flags.quiet) }) : undefined;
  if (source.kind === 'live' && progress?.onProgress) source.options.onProgress = progress.onProgress;
  let audited;
  try {
    audited =
      emptyShard(source, flags.shard, now) ??
      (await runAudit({
        source,
        caller,
        ...(config ? { config } : {}),
        ...(flags.baseline !== undefined ? { baselineFile: flags.baseline } : {}),
        now,
        ...(flags.failOn ? { failOn: flags.failOn } : {}),
        allowPartial: Boolean(flags.allowPartial),
      }));
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
  const artifact = artifactOf(source, flags.config, audited.resourceLines);
  if (artifact) options.artifact = artifact;
  options.markdownLimit = markdownLimit(flags.markdownLimit);
  const files = [...(flags.output !== undefined ? [flags.output] : []), ...reports.map((r) => r.file)];
  const shown = (format: ReportFormat): RunResult =>
    format === 'junit' ? result : shownFindings(result, flags.findings ?? 'all');
  const fullReport = (format: ReportFormat): string | undefined =>
    reports.find((r) => r.format !== 'markdown' && r.format !== format)?.file ?? files.find((f) => !/\.md$/i.test(f));
  const withFull = (format: ReportFormat): ReportOptions => {
    const full = fullReport(format);
    return full === undefined ? options : { ...options, fullReport: full };
  };
  writeReport(
    flags.format,
    shown(flags.format),
    { ...withFull(flags.format), color: useColor(flags) },
    flags.output !== undefined ? { file: flags.output, label: `--output ${flags.output}`, write: written } : 'stdout',
  );
  for (const report of reports)
    writeReport(report.format, shown(report.format), withFull(report.format), {
      file: report.file,
      label: `--report ${report.format}=${report.file}`,
      write: written,
    });
  const code = audited.exitCode;
  if (code === EXIT.error) process.stderr.write(`kvguard: ${incompleteLine(result)}\n`);
  return code;
}

/**
 * `--findings failing`: the reports list fail and error findings only (suppressed ones included); the totals
 * are the run's, so a reader still sees how many passed. JUnit always lists every case: a test run whose
 * passing cases vanish would change meaning in CI.
 */
function shownFindings(result: RunResult, which: FindingsShown): RunResult {
  if (which === 'all') return result;
  return { ...result, findings: result.findings.filter((f) => f.outcome === 'fail' || f.outcome === 'error') };
}

function markdownLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MARKDOWN_LIMIT;
  if (!/^\d+$/.test(value) || Number(value) < 1024)
    throw new UsageError(`--markdown-limit: expected a number of bytes, at least 1024, found ${JSON.stringify(value)}`);
  return Number(value);
}

/**
 * A shard that holds none of the subscriptions (more shards than subscriptions) has nothing to audit: an
 * empty, complete report, so a CI matrix job succeeds and `kvguard merge` adds nothing from it.
 */
function emptyShard(source: AuditSource, shard: string | undefined, now: Date): AuditOutput | undefined {
  if (source.kind !== 'live' || source.options.subscriptions.length > 0 || shard === undefined) return undefined;
  const notices = [
    { level: 'info' as const, message: `shard ${shard} holds none of the given subscriptions: nothing to audit` },
  ];
  return auditEstate({ estate: buildEstate([]), vaults: [], notices }, { now });
}

/**
 * The file a report can point results at (SARIF needs a repository file): the snapshot, with each resource's
 * line, else the config file. Paths are relative to the working directory, with forward slashes.
 */
function artifactOf(
  source: AuditSource,
  configFile: string | undefined,
  lines: Record<string, number> | undefined,
): ReportOptions['artifact'] {
  const relative = (file: string): string => path.relative(process.cwd(), path.resolve(file)).split(path.sep).join('/');
  if (source.kind === 'snapshot' && source.file !== '-')
    return lines ? { uri: relative(source.file), resourceLines: lines } : { uri: relative(source.file) };
  if (source.kind === 'terraform' && source.file !== '-') return { uri: relative(source.file) };
  return configFile === undefined ? undefined : { uri: relative(configFile) };
}

/** `--operation` is KV404's `operation` option: the flag wins over the config file's. */
function withOperation(config: KvguardConfig | undefined, operation: string | undefined): KvguardConfig | undefined {
  if (operation === undefined) return config;
  if (!parseOperation(operation))
    throw new UsageError(
      `--operation: expected one of ${knownOperations().join(', ')}, found ${JSON.stringify(operation)}`,
    );
  const rules = { ...(config?.rules ?? {}) };
  const key =
    rules.KV404 !== undefined || rules['caller-data-permission'] === undefined ? 'KV404' : 'caller-data-permission';
  const current = rules[key] ?? {};
  rules[key] = { ...current, options: { ...(current.options ?? {}), operation } };
  return { ...(config ?? {}), rules };
}

function incompleteLine(result: RunResult): string {
  const errors = result.summary.error;
  const parts = errors > 0 ? [`${errors} finding${errors === 1 ? '' : 's'} could not be evaluated`] : [];
  const sourceErrors = result.notices.filter((n) => n.level === 'error');
  if (sourceErrors.length > 0)
    parts.push(`the source reported ${sourceErrors.length} error${sourceErrors.length === 1 ? '' : 's'}`);
  // The cause, not only a count: the first collection error (status, code and request), else the first error finding.
  const first = sourceErrors[0]?.message ?? result.findings.find((f) => f.outcome === 'error')?.message;
  const cause = first === undefined ? '' : `; first: ${escapeControl(first)}`;
  return `incomplete run: ${parts.join(' and ')}${cause} (exit 2; --allow-partial gates on the rest)`;
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
    throw new UsageError(
      `--report: expected FORMAT=FILE with FORMAT one of ${REPORT_FORMATS.join(', ')}, found ${JSON.stringify(spec)}`,
    );
  }
  return { format, file };
}

/** --verbose: what reading ARM cost, by operation (the JSON report carries the same in summary.collection). */
function collectionLines(collection: CollectionStats): string {
  const total = Object.values(collection.requests).reduce((a, b) => a + b, 0);
  const lines = [
    `kvguard: ${total} ARM requests for ${collection.vaultsListed} vaults listed, ${collection.vaultsEvaluated} evaluated; ${collection.throttled} throttled (429), ${collection.retried} retried`,
    ...Object.entries(collection.requests).map(
      ([operation, count]) => `kvguard:   ${String(count).padStart(6)}  ${operation}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
