import { createHash } from 'node:crypto';
import { collectLive } from '../src/collect';
import type { CollectVia, SkippableRead } from '../src/collect/types';
import { audit } from '../src/pipeline/audit';
import type { Summary } from '../src/engine/types';
import { buildEstate } from '../src/model/estate';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { jsonStream } from '../src/report/json';
import { bufferedSink } from '../src/cli/output-file';
import type { LaneStats } from '../src/collect/scheduler';
import type { AdmissionStats } from '../src/collect/admission';
import { RULES } from '../rules/index';
import { collectNaively, type NaiveResult } from './naive-collector';
import { useEmulatorIdentity } from '../src/emulator/identity-env';

/**
 * One measured run of kvguard's live audit, or of the naive collector, against a running emulator. Used
 * in a child process by bench/run.ts (so peak RSS is the audit's alone) and in-process by the smoke test.
 */
export interface Target {
  endpoint: string;
  caCertPath: string;
  identityEndpoint: string;
  identityHeader: string;
  /** Subscriptions to audit: the spokes and the hub. */
  subscriptions: string[];
  zoneId: string;
  vaults: number;
}

export interface KvguardMode {
  name: string;
  via: CollectVia;
  skipReads: SkippableRead[];
  concurrency?: number;
}

export const MODES: readonly KvguardMode[] = [
  {
    name: 'resource-graph, skip per-resource reads',
    via: 'resource-graph',
    skipReads: ['zone-groups', 'diagnostic-settings'],
  },
  { name: 'arm, skip per-resource reads', via: 'arm', skipReads: ['zone-groups', 'diagnostic-settings'] },
  { name: 'resource-graph, complete', via: 'resource-graph', skipReads: [] },
  { name: 'arm, complete (default)', via: 'arm', skipReads: [] },
];

export interface KvguardRun {
  mode: string;
  /** From the first request to the report's text, in this process. */
  auditMs: number;
  collectMs: number;
  buildMs: number;
  /** runRules alone. */
  engineMs: number;
  requests: Record<string, number>;
  totalRequests: number;
  readsPerVault: number;
  throttled: number;
  retried: number;
  /** 429s that ended a read (the vault or run reports an error naming it). */
  unrecovered429: number;
  summary: Summary;
  /** sha256 of the findings, to compare modes. */
  findingsDigest: string;
  maxRssMB: number;
  /** Peak RSS so far at the end of collection, buildEstate and runRules: which phase sets the peak. */
  phaseMaxRssMB?: { collect: number; build: number; engine: number };
  /** Reads the collector admitted (admission.ts): most started and most waiting at once. */
  admission?: AdmissionStats & { heapCollections?: number };
  /** CPU time of this process (user + system): on a shared machine, steadier than wall time. */
  cpuMs: number;
  /** The scheduler's lanes: requests per quota, for the floor the quotas and latency allow (bench/limit.ts). */
  lanes?: LaneStats[];
  peakInFlight?: number;
}

const NOW = new Date('2026-03-01T00:00:00Z');

export async function measureKvguard(target: Target, mode: KvguardMode): Promise<KvguardRun> {
  useEmulatorIdentity(target);
  const t0 = performance.now();
  const collected = await collectLive({
    subscriptions: target.subscriptions,
    cloud: 'AzureCloud',
    endpoint: target.endpoint,
    caCertFile: target.caCertPath,
    via: mode.via,
    skipReads: mode.skipReads,
    ...(mode.concurrency ? { concurrency: mode.concurrency } : {}),
    ...(process.env.KVGUARD_BENCH_TRACE
      ? { log: (line: string) => process.stderr.write(`${Math.round(performance.now() - t0)} ms ${line}\n`) }
      : {}),
  });
  const t1 = performance.now();
  const rssAfterCollect = maxRssMB();
  const estate = buildEstate(collected.resources, { skippedReads: mode.skipReads });
  const t2 = performance.now();
  const rssAfterBuild = maxRssMB();
  const { result } = audit(
    { estate, vaultErrors: collected.vaultErrors, notices: collected.notices },
    { rules: RULES, now: NOW },
  );
  const t3 = performance.now();
  const rssAfterEngine = maxRssMB();
  // Streamed as the CLI streams `--report json=FILE` (here to the null device): never one string.
  // KVGUARD_BENCH_REPORTS=DIR keeps each run's JSON report (DIR/<via>-<complete|skip>.json) to diff two modes.
  const reportDir = process.env.KVGUARD_BENCH_REPORTS;
  const fd = fs.openSync(
    reportDir
      ? path.join(reportDir, `${mode.via}-${mode.skipReads.length > 0 ? 'skip' : 'complete'}.json`)
      : os.devNull,
    'w',
  );
  const sink = bufferedSink((text) => fs.writeSync(fd, text));
  jsonStream(result, { rules: RULES.map((r) => r.meta), tool: { name: 'kvguard', version: 'bench' } }, sink.write);
  sink.flush();
  fs.closeSync(fd);
  const t4 = performance.now();
  const totalRequests = Object.values(collected.requests).reduce((a, b) => a + b, 0);
  const reasons = [
    ...collected.vaultErrors.values(),
    ...collected.notices.filter((n) => n.level === 'error').map((n) => n.message),
  ];
  return {
    mode: mode.name,
    auditMs: Math.round(t4 - t0),
    collectMs: Math.round(t1 - t0),
    buildMs: Math.round(t2 - t1),
    engineMs: Math.round(t3 - t2),
    requests: collected.requests,
    totalRequests,
    readsPerVault: Number((totalRequests / Math.max(1, target.vaults)).toFixed(3)),
    throttled: collected.stats.throttled,
    retried: collected.stats.retried,
    unrecovered429: reasons.filter((r) => /\b429\b/.test(r)).length,
    summary: result.summary,
    findingsDigest: digestOf(result.findings),
    maxRssMB: maxRssMB(),
    phaseMaxRssMB: { collect: rssAfterCollect, build: rssAfterBuild, engine: rssAfterEngine },
    cpuMs: cpuMs(),
    ...(collected.stats.admission ? { admission: collected.stats.admission } : {}),
    ...(collected.stats.scheduler
      ? { lanes: collected.stats.scheduler.lanes, peakInFlight: collected.stats.scheduler.peakInFlight }
      : {}),
  };
}

/** sha256 of the findings, a finding at a time (one JSON string of 210,000 findings would skew peak RSS). */
function digestOf(findings: readonly unknown[]): string {
  const hash = createHash('sha256');
  hash.update('[');
  findings.forEach((f, i) => hash.update(`${i === 0 ? '' : ','}${JSON.stringify(f)}`));
  hash.update(']');
  return hash.digest('hex').slice(0, 16);
}

function maxRssMB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export function cpuMs(): number {
  const usage = process.cpuUsage();
  return Math.round((usage.user + usage.system) / 1000);
}

export interface NaiveRun extends NaiveResult {
  /** Seconds to read every vault: measured, or a lower bound when the budget ran out (estimateNaiveSeconds). */
  estimatedSeconds: number;
  /** The measured rate carried on to every vault (equal to the measurement when it finished). */
  rateSeconds: number;
  estimate: 'measured' | 'extrapolated';
  maxRssMB: number;
}

/** Private DNS quota per subscription (the hub's zone takes every naive zone, link and record GET). */
const PRIVATE_DNS_QUOTA = { gets: 500, windowSeconds: 300 };

/**
 * When the budget ran out, a lower bound of the time to read every vault: the private DNS quota's floor
 * (every vault with an endpoint costs the naive collector 2 private DNS GETs in the hub subscription, the
 * zone and the record; past the first 500, only 500 more are allowed each 5 minutes), and never less than
 * the time already spent. The measured vault rate carried on to every vault (`rateSeconds`) is reported
 * beside it but not used for the ratio: the first minutes are not representative (the naive collector
 * queues every vault's first GET before any DNS GET, then stalls on the quota).
 */
export function estimateNaiveSeconds(
  result: NaiveResult,
  endpointVaults: number,
): { lowerBound: number; rateSeconds: number } {
  const elapsed = result.wallMs / 1000;
  if (!result.timedOut) return { lowerBound: elapsed, rateSeconds: elapsed };
  const rate = result.vaultsDone / elapsed;
  const rateSeconds = rate > 0 ? result.vaultsListed / rate : Number.POSITIVE_INFINITY;
  const windows = Math.max(0, Math.ceil((endpointVaults * 2 - PRIVATE_DNS_QUOTA.gets) / PRIVATE_DNS_QUOTA.gets));
  return { lowerBound: Math.max(elapsed, windows * PRIVATE_DNS_QUOTA.windowSeconds), rateSeconds };
}

export async function measureNaive(
  target: Target,
  budgetMs: number,
  endpointVaults: number,
  concurrency = 8,
): Promise<NaiveRun> {
  useEmulatorIdentity(target);
  const { DefaultAzureCredential } = await import('@azure/identity');
  const result = await collectNaively({
    credential: new DefaultAzureCredential(),
    endpoint: target.endpoint,
    caCertFile: target.caCertPath,
    subscriptions: target.subscriptions,
    zoneId: target.zoneId,
    concurrency,
    budgetMs,
  });
  const { lowerBound, rateSeconds } = estimateNaiveSeconds(result, endpointVaults);
  return {
    ...result,
    estimatedSeconds: Number(lowerBound.toFixed(1)),
    rateSeconds: Number(rateSeconds.toFixed(1)),
    estimate: result.timedOut ? 'extrapolated' : 'measured',
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
