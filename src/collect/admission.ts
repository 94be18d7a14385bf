import { parseId } from '../model/arm';
import type { GraphReader } from './graph';
import type { ArmReader } from './reader';

/**
 * How many collector reads are started at once, in front of the scheduler (scheduler.ts). The scheduler
 * decides when an attempt may go on the wire, but everything waiting for it is an SDK operation already
 * started: request objects, headers, abort signals, the pipeline's closures, a few KB each. Started all at
 * once, a 10,000-vault audit holds ~20,000 of them (1 GB). Admission keeps the waiting work as the
 * collector's own closures instead and starts a read only when one of a bounded number of places is free.
 *
 * Fair by key (the subscription a read spends the quota of, or `resource-graph` / `tenant`): a free place
 * goes to the keys in turn, and no key holds more than `perKey` places, so a subscription whose quota is
 * spent (its reads wait out a Retry-After or the private DNS window) can neither take every place nor
 * make another subscription's reads wait behind its queue.
 *
 * Throughput: `total` is a multiple of the scheduler's global cap, and `perKey` of its per-lane maximum, so
 * the scheduler always has more admitted work than it may send and its adaptive concurrency still fills.
 */
export interface AdmissionSettings {
  /** Reads started at once, all keys together. */
  total: number;
  /** Reads started at once for one key. */
  perKey: number;
}

export interface AdmissionStats {
  /** Most reads started at once. */
  peakAdmitted: number;
  /** Most reads waiting (not started) at once. */
  peakWaiting: number;
  /** Reads started in all. */
  admitted: number;
}

/** Admitted reads per request the scheduler may have on the wire: enough to keep every lane's queue fed. */
export const ADMITTED_PER_SLOT = 4;

/** Admission sized to a scheduler: 4 × its global cap in all, 2 × its per-lane maximum per key. */
export function admissionFor(scheduler: { globalCap: number; maxPerLane: number }): AdmissionSettings {
  return { total: ADMITTED_PER_SLOT * scheduler.globalCap, perKey: 2 * scheduler.maxPerLane };
}

interface KeyQueue {
  key: string;
  /** Waiting starts, oldest first from `head` (no shift: a queue can hold 10,000). */
  waiting: (() => void)[];
  head: number;
  admitted: number;
}

export class Admission {
  private readonly queues = new Map<string, KeyQueue>();
  /** Keys in the order they first asked, visited from `cursor` in turn. */
  private readonly order: KeyQueue[] = [];
  private cursor = 0;
  private admitted = 0;
  private waiting = 0;
  private readonly counts: AdmissionStats = { peakAdmitted: 0, peakWaiting: 0, admitted: 0 };

  /** `onSettled` runs after each read ends, its place given back (the heap governor's check: heap.ts). */
  constructor(
    private readonly settings: AdmissionSettings,
    private readonly onSettled: () => void = () => undefined,
  ) {
    for (const [name, value] of Object.entries(settings))
      if (!Number.isInteger(value) || value < 1)
        throw new Error(`admission ${name} must be a positive integer, got ${value}`);
  }

  /** Starts `task` once a place of `key` is free; the place is given back when its promise settles. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const queue = this.queue(key);
    await new Promise<void>((resolve) => {
      queue.waiting.push(resolve);
      this.waiting += 1;
      this.counts.peakWaiting = Math.max(this.counts.peakWaiting, this.waiting);
      this.pump();
    });
    try {
      return await task();
    } finally {
      queue.admitted -= 1;
      this.admitted -= 1;
      this.onSettled();
      this.pump();
    }
  }

  stats(): AdmissionStats {
    return { ...this.counts };
  }

  private queue(key: string): KeyQueue {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { key, waiting: [], head: 0, admitted: 0 };
      this.queues.set(key, queue);
      this.order.push(queue);
    }
    return queue;
  }

  /** Gives free places to the keys in turn, one each per round, skipping keys at their own limit. */
  private pump(): void {
    let startedInRound = true;
    while (startedInRound && this.admitted < this.settings.total) {
      startedInRound = false;
      for (let visited = 0; visited < this.order.length && this.admitted < this.settings.total; visited++) {
        const queue = this.order[this.cursor] as KeyQueue;
        this.cursor = (this.cursor + 1) % this.order.length;
        if (queue.head >= queue.waiting.length || queue.admitted >= this.settings.perKey) continue;
        const start = queue.waiting[queue.head] as () => void;
        queue.head += 1;
        if (queue.head === queue.waiting.length) {
          queue.waiting.length = 0;
          queue.head = 0;
        }
        queue.admitted += 1;
        this.admitted += 1;
        this.waiting -= 1;
        this.counts.admitted += 1;
        this.counts.peakAdmitted = Math.max(this.counts.peakAdmitted, this.admitted);
        start();
        startedInRound = true;
      }
    }
  }
}

/** The admission key of a read addressed by subscription id or by resource id. */
export function admissionKey(subscriptionOrId: string): string {
  const subscription = subscriptionOrId.startsWith('/') ? parseId(subscriptionOrId).subscriptionId : subscriptionOrId;
  return subscription ? subscription.toLowerCase() : 'tenant';
}

/** The reader with every read admitted under its target's subscription. */
export function admitReader(reader: ArmReader, admission: Admission): ArmReader {
  const by = <A extends unknown[], T>(read: (target: string, ...rest: A) => Promise<T>) => {
    return (target: string, ...rest: A): Promise<T> => admission.run(admissionKey(target), () => read(target, ...rest));
  };
  return {
    listVaults: by((s) => reader.listVaults(s)),
    listManagedHsms: by((s) => reader.listManagedHsms(s)),
    listPrivateEndpoints: by((s) => reader.listPrivateEndpoints(s)),
    listNetworkInterfaces: by((s) => reader.listNetworkInterfaces(s)),
    listVirtualNetworks: by((s) => reader.listVirtualNetworks(s)),
    listPrivateDnsZones: by((s) => reader.listPrivateDnsZones(s)),
    listZoneGroups: by((id) => reader.listZoneGroups(id)),
    listVirtualNetworkLinks: by((id) => reader.listVirtualNetworkLinks(id)),
    listARecordSets: by((id) => reader.listARecordSets(id)),
    listDiagnosticSettings: by((id) => reader.listDiagnosticSettings(id)),
    listRoleAssignments: by((s, filter: Parameters<ArmReader['listRoleAssignments']>[1]) =>
      reader.listRoleAssignments(s, filter),
    ),
    getRoleDefinition: by((id) => reader.getRoleDefinition(id)),
    getById: by((id) => reader.getById(id)),
    listTopology: (list, scopeId) => admission.run(admissionKey(scopeId), () => reader.listTopology(list, scopeId)),
  };
}

/** Resource Graph queries admitted under one key: they spend the user's quota, not a subscription's. */
export function admitGraph(graph: GraphReader, admission: Admission): GraphReader {
  return {
    query: (table, where, subscriptions) =>
      admission.run('resource-graph', () => graph.query(table, where, subscriptions)),
  };
}
