import type { ArmResource } from '../src/model/arm';
import { parseId } from '../src/model/arm';
import type { LaneStats } from '../src/collect/scheduler';

/**
 * The floor a run cannot beat, from ARM's quotas and the latency: the benchmark's "limit" column.
 *
 * - Quotas: a lane (one subscription's read bucket, its private DNS quota, the user's Resource Graph
 *   quota) that served n requests needs at least (n − burst) / refill seconds past its burst (token bucket),
 *   or ⌈(n − limit) / limit⌉ windows for a window quota (private DNS 500 per 5 minutes, ARG 15 per 5 s).
 * - Latency: requests that depend on an earlier answer run one after another. kvguard's longest chain is
 *   the pages of the longest list (100 items a page, one page after another), then either the three rounds
 *   of reads that follow the lists (per vault, per endpoint, the VNets the path crosses) or the pages of the
 *   hub zone's A-record list, whichever is longer, each at the mean latency.
 *
 * The floor is the larger of the two. It leaves out CPU (TLS, JSON, the rules) and Node's start, so no run
 * reaches it; the ratio says how close a run came.
 */
export interface LimitInputs {
  lanes: readonly LaneStats[];
  latencyMs: { min: number; max: number };
  /** Longest list: pages in a row. */
  listPages: number;
  /** The hub zone's A-record list: pages in a row (0 when the run reads them another way). */
  recordPages: number;
}

export interface Limit {
  seconds: number;
  quotaSeconds: number;
  latencySeconds: number;
  /** The lane that sets the quota floor. */
  bindingLane?: string;
}

const WINDOWS: Record<string, { limit: number; seconds: number } | undefined> = {
  'private-dns': { limit: 500, seconds: 300 },
  'resource-graph': { limit: 15, seconds: 5 },
};

export function limitOf(inputs: LimitInputs): Limit {
  let quotaSeconds = 0;
  let bindingLane: string | undefined;
  for (const lane of inputs.lanes) {
    const window = WINDOWS[lane.quota];
    const seconds = window
      ? Math.ceil(Math.max(0, lane.requests - window.limit) / window.limit) * window.seconds
      : Math.max(0, lane.requests - lane.burst) / lane.refillPerSecond;
    if (seconds > quotaSeconds) {
      quotaSeconds = seconds;
      bindingLane = `${lane.quota} ${lane.scope}`;
    }
  }
  const meanLatency = (inputs.latencyMs.min + inputs.latencyMs.max) / 2 / 1000;
  const latencySeconds = (inputs.listPages + Math.max(3, inputs.recordPages)) * meanLatency;
  const limit: Limit = { seconds: Math.max(quotaSeconds, latencySeconds), quotaSeconds, latencySeconds };
  if (bindingLane !== undefined) limit.bindingLane = bindingLane;
  return limit;
}

/** Pages of the longest subscription list and of the largest zone's A-record list, for `limitOf`. */
export function pageCounts(
  resources: readonly ArmResource[],
  pageSize: number,
): { listPages: number; recordPages: number } {
  const perList = new Map<string, number>();
  const perZone = new Map<string, number>();
  for (const r of resources) {
    const type = r.type.toLowerCase();
    if (type === 'microsoft.network/privatednszones/a') {
      const zone = r.id.slice(0, r.id.toLowerCase().lastIndexOf('/a/'));
      perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
    } else if (!type.includes('/privatednszones/') && !type.includes('/privateendpoints/')) {
      const key = `${(parseId(r.id).subscriptionId ?? '').toLowerCase()}|${type}`;
      perList.set(key, (perList.get(key) ?? 0) + 1);
    }
  }
  const pages = (counts: Map<string, number>): number =>
    [...counts.values()].reduce((most, n) => Math.max(most, Math.ceil(n / pageSize)), 0);
  return { listPages: pages(perList), recordPages: pages(perZone) };
}
