import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateEstate, type GeneratedEstate } from './generate-estate';
import { MODES, estimateNaiveSeconds, type KvguardMode, type KvguardRun, type NaiveRun, type Target } from './measure';
import { limitOf, pageCounts } from './limit';

/**
 * The benchmark (issue 7), one command:
 *
 *     npm run bench -- --vaults 100,1000,10000 --subscriptions 50 [--naive-budget 90] [--latency 20-50]
 *                      [--modes 0,1,2,3] [--out bench-results.json]
 *
 * For each estate size: generates the estate (bench/generate-estate.ts), and for each kvguard mode
 * (measure.ts MODES) and for the naive collector, starts a fresh emulator in a child process (ARM's read
 * limits: token bucket 250, refill 25/s per subscription and principal; private DNS 500 GETs / 5 min per
 * subscription; Resource Graph 15 queries / 5 s; latency 20-50 ms; list pages of 100 items) and runs the
 * collection in another child, so peak RSS is the audit's alone and every run starts with full buckets.
 * Prints a Markdown table (docs/benchmarks.md) and writes every number as JSON.
 */
interface Options {
  vaults: number[];
  subscriptions: number;
  naiveBudgetS: number;
  latency: { min: number; max: number };
  pageSize: number;
  modes: KvguardMode[];
  out: string;
  /** Estate sizes whose snapshot audit is measured in every report format (`--snapshot-vaults`). */
  snapshotVaults: number[];
  /** Only the snapshot audits (no live runs). */
  snapshotOnly: boolean;
  /** Words on how loaded the machine was (`--load "..."`), printed with the tables. */
  load?: string;
}

function parseArgs(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const latency = /^(\d+)-(\d+)$/.exec(value('--latency') ?? '20-50');
  if (!latency) throw new Error('--latency: expected MIN-MAX milliseconds');
  const modes = value('--modes')
    ?.split(',')
    .map((i) => MODES[Number(i)])
    .filter((m): m is KvguardMode => m !== undefined) ?? [...MODES];
  return {
    vaults: (value('--vaults') ?? '100,1000,10000').split(',').map(Number),
    subscriptions: Number(value('--subscriptions') ?? 50),
    naiveBudgetS: Number(value('--naive-budget') ?? 90),
    latency: { min: Number(latency[1]), max: Number(latency[2]) },
    pageSize: Number(value('--page-size') ?? 100),
    modes,
    out: value('--out') ?? 'bench-results.json',
    snapshotVaults: (value('--snapshot-vaults') ?? '').split(',').filter(Boolean).map(Number),
    snapshotOnly: argv.includes('--snapshot-only'),
    ...(value('--load') ? { load: value('--load') } : {}),
  };
}

const CHILD = path.join(__dirname, 'child.js');

interface Child {
  lines: AsyncIterator<string>;
  done: Promise<number>;
  kill(): void;
}

function startChild(role: string, args: unknown, env: NodeJS.ProcessEnv = process.env): Child {
  const child = spawn(process.execPath, [CHILD, role, JSON.stringify(args)], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const queue: string[] = [];
  const waiting: ((line: IteratorResult<string>) => void)[] = [];
  let buffer = '';
  let ended = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      const waiter = waiting.shift();
      if (waiter) waiter({ value: line, done: false });
      else queue.push(line);
    }
  });
  child.stdout.on('end', () => {
    ended = true;
    for (const waiter of waiting.splice(0)) waiter({ value: undefined, done: true });
  });
  const lines: AsyncIterator<string> = {
    next: () => {
      const line = queue.shift();
      if (line !== undefined) return Promise.resolve({ value: line, done: false });
      if (ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
  const done = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  return { lines, done, kill: () => child.kill('SIGTERM') };
}

async function nextJson<T>(child: Child, what: string): Promise<T> {
  const line = await child.lines.next();
  if (line.done) throw new Error(`${what}: the child process ended without an answer`);
  return JSON.parse(line.value) as T;
}

interface Measured<T> {
  result: T;
  /** Spawn to exit of the measuring process: Node start, module loading, collection, rules, report. */
  wallMs: number;
  served: Record<string, number>;
}

async function measure<T>(
  seedFile: string,
  options: Options,
  role: 'kvguard' | 'naive',
  args: (target: Omit<Target, 'subscriptions' | 'zoneId' | 'vaults'>) => unknown,
): Promise<Measured<T>> {
  const emulator = startChild('emulator', { seedFile, latency: options.latency, pageSize: options.pageSize });
  try {
    const target = await nextJson<Omit<Target, 'subscriptions' | 'zoneId' | 'vaults'>>(emulator, 'emulator');
    const started = Date.now();
    const run = startChild(role, args(target));
    const result = await nextJson<T>(run, role);
    const code = await run.done;
    const wallMs = Date.now() - started;
    if (code !== 0) throw new Error(`${role} exited ${code}`);
    emulator.kill();
    const served = (await nextJson<{ served: Record<string, number> }>(emulator, 'emulator counts')).served;
    return { result, wallMs, served };
  } finally {
    emulator.kill();
    await emulator.done;
  }
}

interface SizeResult {
  vaults: number;
  subscriptions: number;
  resources: number;
  pages?: { listPages: number; recordPages: number };
  latency?: { min: number; max: number };
  mix: GeneratedEstate['mix'];
  kvguard: (KvguardRun & { wallMs: number })[];
  naive: NaiveRun & { wallMs: number };
}

async function benchSize(vaults: number, options: Options): Promise<SizeResult> {
  const estate = generateEstate({ vaults, subscriptions: options.subscriptions });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvguard-bench-'));
  const seedFile = path.join(dir, 'estate.json');
  fs.writeFileSync(seedFile, JSON.stringify(estate.resources));
  const base = { subscriptions: estate.subscriptions, zoneId: estate.hubZoneId, vaults };
  const endpointVaults = vaults - estate.mix['public-no-endpoint'];
  try {
    const kvguard: SizeResult['kvguard'] = [];
    for (const mode of options.modes) {
      log(`${vaults} vaults: kvguard ${mode.name}`);
      const run = await measure<KvguardRun>(seedFile, options, 'kvguard', (t) => ({ target: { ...t, ...base }, mode }));
      kvguard.push({ ...run.result, wallMs: run.wallMs });
      log(
        `  ${(run.wallMs / 1000).toFixed(1)} s, ${run.result.totalRequests} requests (${run.result.readsPerVault}/vault), 429s ${run.result.throttled}, engine ${run.result.engineMs} ms, RSS ${run.result.maxRssMB} MB`,
      );
    }
    log(`${vaults} vaults: naive collector (budget ${options.naiveBudgetS} s)`);
    const naive = await measure<NaiveRun>(seedFile, options, 'naive', (t) => ({
      target: { ...t, ...base },
      budgetMs: options.naiveBudgetS * 1000,
      endpointVaults,
    }));
    log(
      `  ${naive.result.vaultsDone}/${naive.result.vaultsListed} vaults in ${(naive.wallMs / 1000).toFixed(1)} s; estimate ${naive.result.estimatedSeconds} s (${naive.result.estimate})`,
    );
    return {
      vaults,
      subscriptions: options.subscriptions,
      resources: estate.resources.length,
      pages: pageCounts(estate.resources, options.pageSize),
      latency: options.latency,
      mix: estate.mix,
      kvguard,
      naive: { ...naive.result, wallMs: naive.wallMs },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

export function table(results: readonly SizeResult[]): string {
  const rows = [
    '| vaults | run | wall | limit | wall ÷ limit | ARM requests | per vault | 429 received / unrecovered | engine (runRules) | CPU (audit) | peak RSS (audit) | naive ÷ this |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const size of results) {
    // Recomputed from the saved counts, so a saved run's table follows the estimate's current definition.
    const bound = estimateNaiveSeconds(size.naive, size.vaults - size.mix['public-no-endpoint']);
    const naiveSeconds = size.naive.timedOut ? bound.lowerBound : size.naive.wallMs / 1000;
    for (const run of size.kvguard) {
      const ratio = naiveSeconds / (run.wallMs / 1000);
      const limit =
        run.lanes && size.pages && size.latency
          ? limitOf({
              lanes: run.lanes,
              latencyMs: size.latency,
              listPages: run.mode.includes('resource-graph') ? 1 : size.pages.listPages,
              recordPages: run.mode.includes('resource-graph') ? 0 : size.pages.recordPages,
            })
          : undefined;
      const limitCells = limit
        ? `${limit.seconds.toFixed(1)} s | ${(run.wallMs / 1000 / limit.seconds).toFixed(1)}×`
        : '– | –';
      rows.push(
        `| ${size.vaults.toLocaleString('en')} | kvguard ${run.mode} | ${(run.wallMs / 1000).toFixed(1)} s | ${limitCells} | ${run.totalRequests.toLocaleString('en')} | ${run.readsPerVault} | ${run.throttled} / ${run.unrecovered429} | ${run.engineMs} ms | ${run.cpuMs !== undefined ? `${(run.cpuMs / 1000).toFixed(1)} s` : '–'} | ${run.maxRssMB} MB | ${ratio.toFixed(1)}× |`,
      );
    }
    const n = size.naive;
    const total = Object.values(n.requests).reduce((a, b) => a + b, 0);
    const wall = n.timedOut
      ? `stopped at ${(n.wallMs / 1000).toFixed(0)} s with ${n.vaultsDone}/${n.vaultsListed} vaults; ≥ ${Math.round(naiveSeconds).toLocaleString('en')} s (DNS quota floor), ~${Math.round(bound.rateSeconds).toLocaleString('en')} s at the measured rate`
      : `${(n.wallMs / 1000).toFixed(1)} s`;
    const digests = new Set(size.kvguard.filter((r) => !r.mode.includes('skip')).map((r) => r.findingsDigest));
    if (digests.size > 1)
      rows.push(
        `| ${size.vaults.toLocaleString('en')} | WARNING: the complete runs' findings differ (${[...digests].join(', ')}) | | | | | | | | | | |`,
      );
    rows.push(
      `| ${size.vaults.toLocaleString('en')} | naive collector | ${wall} | – | – | ${total.toLocaleString('en')} | ${(total / Math.max(1, n.vaultsDone)).toFixed(2)} (done vaults) | ${n.throttled} / ${n.unrecovered429} | – | – | ${n.maxRssMB} MB | 1× |`,
    );
  }
  return rows.join('\n');
}

interface SnapshotRun {
  vaults: number;
  command: string;
  wallMs: number;
  maxRssMB: number;
  cpuMs: number;
  bytes: number;
  code: number;
}

const SNAPSHOT_FORMATS = ['json', 'sarif', 'html', 'markdown', 'junit', 'text'] as const;

/**
 * `kvguard audit --snapshot` of a generated estate, once per report format (the report to a file), each in
 * its own process: wall from spawn to exit, that process's peak RSS and CPU, the report's size.
 */
async function benchSnapshot(vaults: number, options: Options): Promise<SnapshotRun[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvguard-bench-snapshot-'));
  const seedFile = path.join(dir, 'estate.json');
  {
    const estate = generateEstate({ vaults, subscriptions: options.subscriptions });
    const fd = fs.openSync(seedFile, 'w');
    // One resource a line: the file is a plain ARM array (a snapshot), written without one giant string.
    fs.writeSync(fd, '[\n');
    estate.resources.forEach((r, i) => fs.writeSync(fd, `${i === 0 ? '' : ',\n'}${JSON.stringify(r)}`));
    fs.writeSync(fd, '\n]\n');
    fs.closeSync(fd);
  }
  const runs: SnapshotRun[] = [];
  try {
    const formats = vaults > 10_000 ? (['json'] as const) : SNAPSHOT_FORMATS;
    for (const format of formats) {
      const out = path.join(dir, `report.${format}`);
      const args = ['audit', '--snapshot', seedFile, '--format', format, '--output', out];
      log(`${vaults} vaults: kvguard ${args.slice(0, 5).join(' ')}`);
      const started = Date.now();
      const child = startChild('cli', { args });
      const result = await nextJson<{ code: number; maxRssMB: number; cpuMs: number }>(child, 'cli');
      await child.done;
      const wallMs = Date.now() - started;
      const bytes = fs.existsSync(out) ? fs.statSync(out).size : 0;
      runs.push({ vaults, command: `audit --snapshot --format ${format}`, wallMs, bytes, ...result });
      log(
        `  ${(wallMs / 1000).toFixed(1)} s, RSS ${result.maxRssMB} MB, ${(bytes / 2 ** 20).toFixed(1)} MiB, exit ${result.code}`,
      );
      fs.rmSync(out, { force: true });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return runs;
}

export function snapshotTable(runs: readonly SnapshotRun[]): string {
  const rows = [
    '| vaults | command | wall | CPU | peak RSS | report size | exit |',
    '|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of runs)
    rows.push(
      `| ${r.vaults.toLocaleString('en')} | \`${r.command}\` | ${(r.wallMs / 1000).toFixed(1)} s | ${(r.cpuMs / 1000).toFixed(1)} s | ${r.maxRssMB} MB | ${r.bytes >= 2 ** 20 ? `${(r.bytes / 2 ** 20).toFixed(1)} MiB` : `${(r.bytes / 1024).toFixed(0)} KiB`} | ${r.code} |`,
    );
  return rows.join('\n');
}

async function main(): Promise<void> {
  const saved = process.argv.indexOf('--table');
  if (saved >= 0) {
    // Re-print the table of a saved run: npm run bench -- --table bench-results.json
    const data = JSON.parse(fs.readFileSync(process.argv[saved + 1] ?? '', 'utf8')) as {
      results: SizeResult[];
      snapshots?: SnapshotRun[];
    };
    process.stdout.write(`${table(data.results)}\n`);
    if (data.snapshots && data.snapshots.length > 0) process.stdout.write(`\n${snapshotTable(data.snapshots)}\n`);
    return;
  }
  const options = parseArgs(process.argv.slice(2));
  const results: SizeResult[] = [];
  const loadAtStart = os.loadavg();
  if (!options.snapshotOnly) for (const vaults of options.vaults) results.push(await benchSize(vaults, options));
  const snapshots: SnapshotRun[] = [];
  for (const vaults of options.snapshotVaults)
    for (const run of await benchSnapshot(vaults, options)) snapshots.push(run);
  const loadAtEnd = os.loadavg();
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  fs.writeFileSync(
    options.out,
    `${JSON.stringify({ machine, load: { atStart: loadAtStart, atEnd: loadAtEnd, note: options.load }, options: { ...options, modes: options.modes.map((m) => m.name) }, results, snapshots }, null, 2)}\n`,
  );
  process.stdout.write(
    `${results.length > 0 ? `${table(results)}\n\n` : ''}${snapshots.length > 0 ? `${snapshotTable(snapshots)}\n\n` : ''}machine: ${JSON.stringify(machine)}\nload average (1, 5, 15 min) at start ${loadAtStart.map((l) => l.toFixed(1)).join(', ')}, at end ${loadAtEnd.map((l) => l.toFixed(1)).join(', ')}${options.load ? `; ${options.load}` : ''}\nall numbers: ${options.out}\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
