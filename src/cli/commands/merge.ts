import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import { exitCode } from '../../engine/gate';
import { summarize } from '../../engine/run';
import {
  OUTCOMES,
  SEVERITIES,
  type Finding,
  type Notice,
  type RunResult,
  type Severity,
  type Summary,
} from '../../engine/types';
import { idKey } from '../../model/arm';
import { UsageError } from '../../errors';
import { setExitCode } from '../main';
import { writeFileAtomic } from '../pipeline';

/**
 * `kvguard merge a.json b.json ... -o all.json`: joins the reports of `kvguard audit --shard I/N` runs (a
 * CI matrix, one job per shard) into one report, as if one run had audited every shard:
 *   - JSON (DESIGN 2.3): findings in the engine's order (vault id, then rule id, each vault's results as
 *     its shard wrote them); the summary recounted from the findings, `vaults` added, `complete` only when
 *     every shard was complete; notices of every shard; `collection` (requests by operation...) added.
 *   - SARIF: one run whose rules are the union of the shards' and whose results keep the same order;
 *     `executionSuccessful` only when every shard's was.
 * The same vault in two reports means the shards overlap (or one was given twice): refused, since the
 * counts would be wrong. The exit code gates like `kvguard audit` (`--fail-on`, `--allow-partial`).
 */
interface MergeFlags {
  output?: string;
  format?: 'json' | 'sarif';
  failOn?: Severity;
  allowPartial?: boolean;
}

export function register(program: Command): void {
  program
    .command('merge')
    .description(
      'join the JSON (or SARIF) reports of sharded audits (--shard I/N) into one report with a correct summary',
    )
    .argument('<reports...>', 'report files written by kvguard audit --format json (or --report sarif=FILE)')
    .option('-o, --output <file>', 'write the merged report to this file (atomically) in place of stdout')
    .addOption(
      new Option('--format <format>', 'format of the inputs and the output (default: detected from the files)').choices(
        ['json', 'sarif'],
      ),
    )
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit 1 on fail or error findings at or above this severity (default: error)',
      ).choices(SEVERITIES),
    )
    .option('--allow-partial', 'exit 0/1 even when some shard was incomplete (otherwise 2)')
    .action(async (files: string[], flags: MergeFlags, command: Command) => {
      setExitCode(command, merge(files, flags));
    });
}

export function merge(files: readonly string[], flags: MergeFlags): number {
  const inputs = files.map((file) => ({ file, data: readJson(file) }));
  const formats = new Set(inputs.map(({ file, data }) => formatOf(file, data)));
  if (formats.size > 1) throw new UsageError('merge: the reports mix JSON and SARIF; merge one format at a time');
  const format = [...formats][0] ?? 'json';
  if (flags.format !== undefined && flags.format !== format)
    throw new UsageError(`merge: --format ${flags.format}, but the reports are ${format}`);
  const merged =
    format === 'json'
      ? mergeJson(inputs.map(({ file, data }) => readJsonReport(file, data)))
      : mergeSarif(inputs.map(({ file, data }) => readSarif(file, data)));
  const text = `${JSON.stringify(merged.document, null, 2)}\n`;
  if (flags.output !== undefined) writeFileAtomic(flags.output, text, `--output ${flags.output}`, { inputs: files });
  else process.stdout.write(text);
  return exitCode(merged.result, flags.failOn ?? 'error', Boolean(flags.allowPartial));
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (thrown) {
    throw new UsageError(`merge: ${file}: cannot read (${(thrown as NodeJS.ErrnoException).code ?? String(thrown)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (thrown) {
    throw new UsageError(`merge: ${file}: not JSON (${(thrown as Error).message})`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function formatOf(file: string, data: unknown): 'json' | 'sarif' {
  if (isObject(data) && Array.isArray(data.runs) && typeof data.version === 'string') return 'sarif';
  if (isObject(data) && Array.isArray(data.findings) && isObject(data.summary)) return 'json';
  throw new UsageError(
    `merge: ${file}: neither a kvguard JSON report ({tool, summary, findings}) nor a SARIF log ({version, runs})`,
  );
}

// JSON reports

interface JsonReport {
  file: string;
  tool: { name: string; version: string };
  summary: Summary & { rules?: number; collection?: Collection };
  findings: Finding[];
  notices: Notice[];
}

interface Collection {
  vaultsListed: number;
  vaultsEvaluated: number;
  requests: Record<string, number>;
  throttled: number;
  retried: number;
}

function readJsonReport(file: string, data: unknown): JsonReport {
  const report = data as Record<string, unknown>;
  const where = (pointer: string, problem: string): never => {
    throw new UsageError(`merge: ${file}: ${pointer} ${problem}`);
  };
  const summary = report.summary as Record<string, unknown>;
  if (typeof summary.vaults !== 'number' || typeof summary.complete !== 'boolean')
    where('/summary', 'needs numeric vaults and boolean complete');
  const tool =
    isObject(report.tool) && typeof report.tool.name === 'string' && typeof report.tool.version === 'string'
      ? { name: report.tool.name, version: report.tool.version }
      : where('/tool', 'needs name and version');
  const findings = (report.findings as unknown[]).map((finding, i) => {
    const f = finding as Record<string, unknown>;
    for (const key of ['ruleId', 'rule', 'vaultId', 'resourceId', 'message'] as const)
      if (typeof f[key] !== 'string') where(`/findings/${i}/${key}`, 'must be a string');
    if (!(OUTCOMES as readonly unknown[]).includes(f.outcome))
      where(`/findings/${i}/outcome`, `must be one of ${OUTCOMES.join(', ')}`);
    if (!(SEVERITIES as readonly unknown[]).includes(f.severity))
      where(`/findings/${i}/severity`, `must be one of ${SEVERITIES.join(', ')}`);
    return f as unknown as Finding;
  });
  const notices = Array.isArray(report.notices) ? (report.notices as Notice[]) : [];
  return { file, tool, summary: summary as unknown as JsonReport['summary'], findings, notices };
}

/** The engine's order: vaults by id (case-insensitive), rules by id; a vault's results keep their order. */
function engineOrder<T>(items: readonly T[], vaultOf: (item: T) => string, ruleOf: (item: T) => string): T[] {
  return items
    .map((item, index) => ({ item, index, vault: idKey(vaultOf(item)), rule: ruleOf(item) }))
    .sort((a, b) =>
      a.vault !== b.vault
        ? a.vault < b.vault
          ? -1
          : 1
        : a.rule !== b.rule
          ? a.rule < b.rule
            ? -1
            : 1
          : a.index - b.index,
    )
    .map(({ item }) => item);
}

/** The same vault in two inputs: the shards overlap, and its findings would count twice. */
function refuseOverlap<T>(
  inputs: readonly { file: string; items: readonly T[] }[],
  vaultOf: (item: T) => string | undefined,
): void {
  const owner = new Map<string, number>();
  for (const [index, { file, items }] of inputs.entries()) {
    for (const item of items) {
      const vault = vaultOf(item);
      if (vault === undefined) continue;
      const seen = owner.get(idKey(vault));
      if (seen !== undefined && seen !== index)
        throw new UsageError(
          `merge: vault ${vault} is in both ${inputs[seen]?.file ?? ''} and ${file}: merge reports of disjoint shards (--shard I/N)`,
        );
      owner.set(idKey(vault), index);
    }
  }
}

function mergeJson(reports: JsonReport[]): { document: unknown; result: RunResult } {
  refuseOverlap(
    reports.map((r) => ({ file: r.file, items: r.findings })),
    (f) => f.vaultId,
  );
  const findings = engineOrder(
    reports.flatMap((r) => r.findings),
    (f) => f.vaultId,
    (f) => f.ruleId,
  );
  const notices = reports.flatMap((r) => r.notices);
  const versions = [...new Set(reports.map((r) => r.tool.version))];
  if (versions.length > 1)
    notices.push({ level: 'warning', message: `merged reports of different kvguard versions: ${versions.join(', ')}` });
  const vaults = reports.reduce((sum, r) => sum + r.summary.vaults, 0);
  const recounted = summarize(findings, vaults, notices);
  const summary: Summary = { ...recounted, complete: recounted.complete && reports.every((r) => r.summary.complete) };
  const rules = reports.reduce((most, r) => Math.max(most, r.summary.rules ?? 0), 0);
  const collections = reports.map((r) => r.summary.collection).filter((c): c is Collection => c !== undefined);
  const document = {
    tool: reports[0]?.tool ?? { name: 'kvguard', version: '' },
    summary: { ...summary, rules, ...(collections.length > 0 ? { collection: addCollections(collections) } : {}) },
    findings,
    notices,
  };
  return { document, result: { findings, summary, notices } };
}

function addCollections(collections: readonly Collection[]): Collection {
  const requests: Record<string, number> = {};
  for (const c of collections)
    for (const [operation, count] of Object.entries(c.requests ?? {}))
      requests[operation] = (requests[operation] ?? 0) + count;
  const sum = (key: 'vaultsListed' | 'vaultsEvaluated' | 'throttled' | 'retried'): number =>
    collections.reduce((total, c) => total + (c[key] ?? 0), 0);
  return {
    vaultsListed: sum('vaultsListed'),
    vaultsEvaluated: sum('vaultsEvaluated'),
    requests: Object.fromEntries(Object.entries(requests).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    throttled: sum('throttled'),
    retried: sum('retried'),
  };
}

// SARIF logs

interface SarifInput {
  file: string;
  log: Record<string, unknown>;
  runs: Record<string, unknown>[];
}

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level?: string;
  properties?: { outcome?: string; vaultId?: string };
  suppressions?: unknown[];
  [key: string]: unknown;
}

function readSarif(file: string, data: unknown): SarifInput {
  const log = data as Record<string, unknown>;
  const runs = log.runs as unknown[];
  runs.forEach((run, i) => {
    if (!isObject(run) || !isObject(run.tool) || !isObject(run.tool.driver))
      throw new UsageError(`merge: ${file}: /runs/${i}/tool/driver is missing`);
    if (!Array.isArray(run.results)) throw new UsageError(`merge: ${file}: /runs/${i}/results must be an array`);
  });
  return { file, log, runs: runs as Record<string, unknown>[] };
}

function mergeSarif(inputs: SarifInput[]): { document: unknown; result: RunResult } {
  const runs = inputs.flatMap((input) => input.runs.map((run) => ({ file: input.file, run })));
  const results = runs.map(({ file, run }) => ({ file, items: run.results as SarifResult[] }));
  refuseOverlap(results, (r) => r.properties?.vaultId);
  const driver = (runs[0]?.run.tool as { driver: Record<string, unknown> } | undefined)?.driver ?? { name: 'kvguard' };
  const rules = new Map<string, Record<string, unknown>>();
  for (const { run } of runs) {
    for (const rule of ((run.tool as { driver: { rules?: unknown[] } }).driver.rules ?? []) as Record<
      string,
      unknown
    >[]) {
      if (typeof rule.id === 'string' && !rules.has(rule.id)) rules.set(rule.id, rule);
    }
  }
  const ruleList = [...rules.values()].sort((a, b) => String(a.id).localeCompare(String(b.id)));
  const indexOf = new Map(ruleList.map((rule, index) => [String(rule.id), index]));
  const merged = engineOrder(
    results.flatMap((r) => r.items),
    (r) => r.properties?.vaultId ?? '',
    (r) => r.ruleId,
  ).map((r) => ({ ...r, ruleIndex: indexOf.get(r.ruleId) ?? 0 }));
  const invocations = runs.flatMap(({ run }) =>
    Array.isArray(run.invocations) ? (run.invocations as Record<string, unknown>[]) : [],
  );
  const successful = invocations.every((i) => i.executionSuccessful !== false);
  const notifications = invocations.flatMap((i) =>
    Array.isArray(i.toolExecutionNotifications) ? i.toolExecutionNotifications : [],
  );
  const document = {
    ...inputs[0]?.log,
    runs: [
      {
        ...runs[0]?.run,
        tool: { driver: { ...driver, rules: ruleList } },
        invocations: [{ executionSuccessful: successful, toolExecutionNotifications: notifications }],
        results: merged,
      },
    ],
  };
  // The gate reads what SARIF keeps: fail and error results, their level and suppressions.
  const findings = merged.map((r): Finding => ({
    ruleId: r.ruleId,
    rule: r.ruleId,
    severity: r.level === 'warning' ? 'warning' : r.level === 'note' ? 'note' : 'error',
    outcome: r.properties?.outcome === 'error' ? 'error' : 'fail',
    vaultId: r.properties?.vaultId ?? '',
    resourceId: '',
    message: '',
    remediation: '',
    link: 'vault',
    ...(Array.isArray(r.suppressions) && r.suppressions.length > 0
      ? { suppressed: { kind: 'suppression' as const, reason: 'suppressed in SARIF' } }
      : {}),
  }));
  const summary = { ...summarize(findings, 0, []), complete: successful };
  return { document, result: { findings, summary, notices: [] } };
}
