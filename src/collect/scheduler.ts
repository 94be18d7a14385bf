/**
 * How many ARM requests run when: one lane per quota ARM counts against (a subscription's read bucket,
 * a subscription's private DNS quota, the user's Resource Graph quota, tenant reads), each with its own
 * concurrency that rises while ARM says plenty is left and falls on 429 or when little is left, all within
 * one global cap. What happens to one request (its retries, timeout) is the pipeline's business; this
 * module only says when it may go on the wire.
 *
 * ARM's limits and the headers that tell them:
 * https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling
 * - subscription reads: token bucket of 250, refilled 25/s, per subscription and principal, told in
 *   `x-ms-ratelimit-remaining-subscription-reads`;
 * - a resource provider's own limit, told in `x-ms-ratelimit-remaining-subscription-resource-requests`:
 *   private DNS allows 500 GETs per 5 minutes per subscription
 *   (https://learn.microsoft.com/azure/dns/private-dns-privatednszone#limits);
 * - Resource Graph: 15 queries per 5 s per user, told in `x-ms-user-quota-remaining`
 *   (https://learn.microsoft.com/azure/governance/resource-graph/concepts/guidance-for-throttled-requests);
 * - tenant-level reads, told in `x-ms-ratelimit-remaining-tenant-reads`.
 *
 * Each lane mirrors ARM's bucket: the last remaining count ARM reported, minus the requests sent since the
 * request that reported it, plus the documented refill since its answer. A request goes only while that
 * estimate stays above a small reserve, so a run spends the burst at full speed and then paces itself at
 * the refill rate instead of finding the limit by 429s. A 429 blocks its lane for Retry-After, halves its
 * concurrency and lowers the lane's refill estimate.
 */

export type QuotaClass = 'subscription-reads' | 'private-dns' | 'resource-graph' | 'tenant-reads';

export interface QuotaSpec {
  /** The documented burst (bucket size or window count): the prior until ARM reports a remaining count. */
  burst: number;
  /** The documented refill per second (a window's count over its length). */
  refillPerSecond: number;
  /** The response header carrying what is left. */
  header: string;
}

export const QUOTAS: Record<QuotaClass, QuotaSpec> = {
  'subscription-reads': { burst: 250, refillPerSecond: 25, header: 'x-ms-ratelimit-remaining-subscription-reads' },
  'private-dns': {
    burst: 500,
    refillPerSecond: 500 / 300,
    header: 'x-ms-ratelimit-remaining-subscription-resource-requests',
  },
  'resource-graph': { burst: 15, refillPerSecond: 3, header: 'x-ms-user-quota-remaining' },
  'tenant-reads': { burst: 250, refillPerSecond: 25, header: 'x-ms-ratelimit-remaining-tenant-reads' },
};

export interface QuotaKey {
  quota: QuotaClass;
  /** Lower-cased subscription id, or `user` / `tenant`. */
  scope: string;
}

const SUBSCRIPTION = /\/subscriptions\/([^/?#]+)/i;

/** The quotas one request spends, from its method and URL (a private DNS GET spends both the bucket and the DNS quota). */
export function quotasOf(method: string, url: string): QuotaKey[] {
  const path = pathOf(url).toLowerCase();
  if (path.includes('/providers/microsoft.resourcegraph/')) return [{ quota: 'resource-graph', scope: 'user' }];
  const subscription = SUBSCRIPTION.exec(path)?.[1];
  if (!subscription) return [{ quota: 'tenant-reads', scope: 'tenant' }];
  const keys: QuotaKey[] = [{ quota: 'subscription-reads', scope: subscription }];
  if (method.toUpperCase() === 'GET' && path.includes('/providers/microsoft.network/privatednszones'))
    keys.push({ quota: 'private-dns', scope: subscription });
  return keys;
}

function pathOf(url: string): string {
  const start = url.indexOf('://');
  const slash = start >= 0 ? url.indexOf('/', start + 3) : 0;
  const query = url.indexOf('?');
  return url.slice(Math.max(0, slash), query >= 0 ? query : url.length);
}

export interface SchedulerSettings {
  /** Requests on the wire at once, all lanes together. */
  globalCap: number;
  /** A lane's concurrency to start with. */
  initialPerLane: number;
  /** A lane's concurrency at most. */
  maxPerLane: number;
  now: () => number;
  /** Calls back after `ms` (injected so tests run on a fake clock). */
  setTimer: (callback: () => void, ms: number) => { unref?: () => void };
  clearTimer: (timer: unknown) => void;
}

export const DEFAULT_GLOBAL_CAP = 128;

export const DEFAULT_SCHEDULER: SchedulerSettings = {
  globalCap: DEFAULT_GLOBAL_CAP,
  initialPerLane: 4,
  maxPerLane: 48,
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/** What ARM answered to one attempt, as far as scheduling cares. */
export interface Answer {
  status: number;
  header: (name: string) => string | undefined;
}

export interface LaneStats {
  quota: QuotaClass;
  scope: string;
  requests: number;
  throttled: number;
  peakInFlight: number;
  finalLimit: number;
  burst: number;
  refillPerSecond: number;
}

export interface SchedulerStats {
  requests: number;
  throttled: number;
  peakInFlight: number;
  lanes: LaneStats[];
}

interface Observation {
  remaining: number;
  at: number;
  seq: number;
}

class Lane {
  limit: number;
  active = 0;
  peak = 0;
  /** Requests sent through this lane (a sequence number per request). */
  sent = 0;
  requests = 0;
  throttled = 0;
  blockedUntil = 0;
  refill: number;
  /** The highest remaining count ARM reported: the bucket's size as far as we know. */
  size: number;
  last: Observation | undefined;
  readonly queue: Ticket[] = [];

  constructor(
    readonly key: QuotaKey,
    readonly spec: QuotaSpec,
    initialLimit: number,
  ) {
    this.limit = initialLimit;
    this.refill = spec.refillPerSecond;
    this.size = spec.burst;
  }

  /** Tokens ARM should still hold for us now, or undefined before its first answer. */
  tokens(now: number): number | undefined {
    if (!this.last) return undefined;
    const refilled = Math.min(this.size, this.last.remaining + (this.refill * Math.max(0, now - this.last.at)) / 1000);
    return refilled - (this.sent - this.last.seq);
  }

  /** A few tokens kept back for the estimate's error (requests ARM counts in another order than we sent them). */
  get reserve(): number {
    return Math.max(1, Math.round(this.spec.burst * 0.02));
  }

  /** 0 when a request may go now, else ms until it may (Infinity: waits for an answer to free a slot). */
  waitMs(now: number): number {
    if (now < this.blockedUntil) return this.blockedUntil - now;
    if (this.active >= this.limit) return Number.POSITIVE_INFINITY;
    const tokens = this.tokens(now);
    if (tokens === undefined || tokens >= this.reserve + 1) return 0;
    // Past the burst: ask again when the refill brings the estimate back over the reserve.
    return Math.max(1, Math.ceil(((this.reserve + 1 - tokens) / this.refill) * 1000));
  }
}

interface Ticket {
  lanes: Lane[];
  seqs: number[];
  start: () => void;
}

export interface Slot {
  /** Hands the attempt's answer back (undefined: it failed without one) and frees the slot. */
  release(answer: Answer | undefined): void;
}

export class Scheduler {
  private readonly settings: SchedulerSettings;
  private readonly lanes = new Map<string, Lane>();
  private readonly order: Lane[] = [];
  private active = 0;
  private peak = 0;
  private cursor = 0;
  private timer: unknown;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(settings: Partial<SchedulerSettings> = {}) {
    this.settings = { ...DEFAULT_SCHEDULER, ...settings };
    const { globalCap, initialPerLane, maxPerLane } = this.settings;
    for (const [name, value] of Object.entries({ globalCap, initialPerLane, maxPerLane }))
      if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  }

  /** The global cap and per-lane maximum: how much admitted work keeps this scheduler full (admission.ts). */
  get capacity(): { globalCap: number; maxPerLane: number } {
    return { globalCap: this.settings.globalCap, maxPerLane: this.settings.maxPerLane };
  }

  /** Waits until every quota of the request allows one more on the wire. */
  acquire(keys: readonly QuotaKey[]): Promise<Slot> {
    const lanes = keys.map((key) => this.lane(key));
    return new Promise<Slot>((resolve) => {
      const ticket: Ticket = {
        lanes,
        seqs: [],
        start: () => resolve({ release: (answer) => this.release(ticket, answer) }),
      };
      // Queued on its scarcest lane: the private DNS quota when it has one.
      (lanes[lanes.length - 1] as Lane).queue.push(ticket);
      this.pump();
    });
  }

  /** Runs `task` in a slot of `keys`' lanes, with no answer to learn from (tests, or reads outside the SDK). */
  async run<T>(keys: readonly QuotaKey[], task: () => Promise<T>): Promise<T> {
    const slot = await this.acquire(keys);
    try {
      const result = await task();
      slot.release({ status: 200, header: () => undefined });
      return result;
    } catch (thrown) {
      slot.release(undefined);
      throw thrown;
    }
  }

  stats(): SchedulerStats {
    const lanes = this.order.map((lane) => ({
      quota: lane.key.quota,
      scope: lane.key.scope,
      requests: lane.requests,
      throttled: lane.throttled,
      peakInFlight: lane.peak,
      finalLimit: lane.limit,
      burst: lane.spec.burst,
      refillPerSecond: lane.spec.refillPerSecond,
    }));
    return {
      requests: lanes.reduce((sum, lane) => sum + (lane.quota === 'private-dns' ? 0 : lane.requests), 0),
      throttled: lanes.reduce((sum, lane) => sum + (lane.quota === 'private-dns' ? 0 : lane.throttled), 0),
      peakInFlight: this.peak,
      lanes,
    };
  }

  private lane(key: QuotaKey): Lane {
    const id = `${key.quota}|${key.scope}`;
    let lane = this.lanes.get(id);
    if (!lane) {
      lane = new Lane(key, QUOTAS[key.quota], Math.min(this.settings.initialPerLane, this.settings.maxPerLane));
      this.lanes.set(id, lane);
      this.order.push(lane);
    }
    return lane;
  }

  /** Starts every queued request that may go, visiting lanes in turn so no subscription waits behind another's queue. */
  private pump(): void {
    const now = this.settings.now();
    let nextWake = Number.POSITIVE_INFINITY;
    let started = true;
    while (started && this.active < this.settings.globalCap) {
      started = false;
      nextWake = Number.POSITIVE_INFINITY;
      for (let visited = 0; visited < this.order.length && this.active < this.settings.globalCap; visited++) {
        const lane = this.order[(this.cursor + visited) % this.order.length] as Lane;
        const ticket = lane.queue[0];
        if (!ticket) continue;
        const wait = ticket.lanes.reduce((most, l) => Math.max(most, l.waitMs(now)), 0);
        if (wait > 0) {
          nextWake = Math.min(nextWake, wait);
          continue;
        }
        lane.queue.shift();
        this.start(ticket);
        started = true;
      }
      this.cursor = (this.cursor + 1) % Math.max(1, this.order.length);
    }
    if (Number.isFinite(nextWake)) this.wakeIn(now, nextWake);
  }

  private start(ticket: Ticket): void {
    this.active += 1;
    this.peak = Math.max(this.peak, this.active);
    for (const lane of ticket.lanes) {
      lane.active += 1;
      lane.peak = Math.max(lane.peak, lane.active);
      lane.sent += 1;
      lane.requests += 1;
      ticket.seqs.push(lane.sent);
    }
    ticket.start();
  }

  private release(ticket: Ticket, answer: Answer | undefined): void {
    this.active -= 1;
    const now = this.settings.now();
    ticket.lanes.forEach((lane, index) => {
      lane.active -= 1;
      if (answer) this.learn(lane, ticket.seqs[index] ?? lane.sent, answer, now);
    });
    this.pump();
  }

  /** What one answer teaches its lane: what is left, and whether to go faster or slower. */
  private learn(lane: Lane, seq: number, answer: Answer, now: number): void {
    const reported = Number(answer.header(lane.spec.header));
    const hasRemaining = answer.header(lane.spec.header) !== undefined && Number.isFinite(reported) && reported >= 0;
    if (answer.status === 429 && this.throttledBy(lane, answer)) {
      lane.throttled += 1;
      const retryAfter = retryAfterMs(answer) ?? quotaResetMs(answer) ?? 1000;
      lane.blockedUntil = Math.max(lane.blockedUntil, now + retryAfter);
      lane.limit = Math.max(1, Math.floor(lane.limit / 2));
      // The estimate said there was room and ARM disagreed: refill slower than assumed (shared principal, other tools).
      if (lane.last && (lane.tokens(now) ?? 0) > 0)
        lane.refill = Math.max(lane.spec.refillPerSecond / 8, lane.refill * 0.75);
      if (!lane.last || seq >= lane.last.seq) lane.last = { remaining: 0, at: now + retryAfter, seq };
      return;
    }
    if (!hasRemaining) {
      if (answer.status < 400 && lane.limit < this.settings.maxPerLane) lane.limit += 1;
      return;
    }
    lane.size = Math.max(lane.size, reported);
    if (!lane.last || seq > lane.last.seq) lane.last = { remaining: reported, at: now, seq };
    if (reported > lane.size / 2) lane.limit = Math.min(this.settings.maxPerLane, lane.limit + 1);
    else if (reported < lane.size / 10) lane.limit = Math.max(2, lane.limit - 1);
  }

  /** A 429 counts against the lane whose quota ran out: the DNS quota's own header says 0 when it was that one. */
  private throttledBy(lane: Lane, answer: Answer): boolean {
    if (lane.key.quota !== 'private-dns') return true;
    return answer.header(lane.spec.header) === '0';
  }

  private wakeIn(now: number, ms: number): void {
    const at = now + ms;
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) this.settings.clearTimer(this.timer);
    this.timerAt = at;
    const timer = this.settings.setTimer(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, ms);
    this.timer = timer;
  }
}

/** Retry-After (seconds or a date) or retry-after-ms / x-ms-retry-after-ms, in ms. */
export function retryAfterMs(answer: Pick<Answer, 'header'>, now: () => number = Date.now): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const raw = answer.header(name);
    const value = Number(raw);
    if (raw && Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = answer.header('retry-after');
  if (!retryAfter) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}

/** Resource Graph's 429 has no Retry-After: `x-ms-user-quota-resets-after` (hh:mm:ss) says when the quota frees. */
function quotaResetMs(answer: Pick<Answer, 'header'>): number | undefined {
  const match = /^(\d+):(\d{2}):(\d{2})(\.\d+)?$/.exec(answer.header('x-ms-user-quota-resets-after') ?? '');
  if (!match) return undefined;
  return ((Number(match[1]) * 60 + Number(match[2])) * 60 + Number(match[3]) + Number(match[4] ?? 0)) * 1000;
}
