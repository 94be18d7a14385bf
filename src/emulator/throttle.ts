/**
 * ARM's request limits (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling):
 * a token bucket per subscription and principal (reads: 250, refilled at 25 per second; writes 200 at
 * 10/s; deletes 200 at 10/s), and the private DNS quota of 500 GETs per 5 minutes per subscription
 * (https://learn.microsoft.com/azure/dns/private-dns-privatednszone#limits). Empty bucket or exhausted
 * window: 429 with `Retry-After` in whole seconds.
 */
export interface ThrottleOptions {
  bucketSize: number;
  refillPerSecond: number;
  privateDnsGetsPer5Min?: number;
  /** Azure Resource Graph: queries per 5 seconds per user (https://learn.microsoft.com/azure/governance/resource-graph/concepts/guidance-for-throttled-requests). */
  graphQueriesPer5s?: number;
}

export const ARM_READ_LIMITS: Required<ThrottleOptions> = {
  bucketSize: 250,
  refillPerSecond: 25,
  privateDnsGetsPer5Min: 500,
  graphQueriesPer5s: 15,
};
const GRAPH_WINDOW_MS = 5000;
const WRITE_LIMITS = { bucketSize: 200, refillPerSecond: 10 };
const PRIVATE_DNS_WINDOW_MS = 5 * 60 * 1000;

export type ThrottleDecision =
  { allowed: true; remaining: number } | { allowed: false; remaining: 0; retryAfterSeconds: number };

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly size: number,
    private readonly refillPerSecond: number,
    private readonly now: () => number,
  ) {
    this.tokens = size;
    this.last = now();
  }

  take(): ThrottleDecision {
    const now = this.now();
    this.tokens = Math.min(this.size, this.tokens + ((now - this.last) / 1000) * this.refillPerSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { allowed: true, remaining: Math.floor(this.tokens) };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - this.tokens) / this.refillPerSecond));
    return { allowed: false, remaining: 0, retryAfterSeconds };
  }
}

/** A sliding window of request times: at most `limit` in any `windowMs`. */
export class WindowQuota {
  private readonly times: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  take(): ThrottleDecision {
    const now = this.now();
    while (this.times.length > 0 && (this.times[0] ?? 0) <= now - this.windowMs) this.times.shift();
    if (this.times.length < this.limit) {
      this.times.push(now);
      return { allowed: true, remaining: this.limit - this.times.length };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil(((this.times[0] ?? now) + this.windowMs - now) / 1000));
    return { allowed: false, remaining: 0, retryAfterSeconds };
  }
}

export type RequestClass = 'reads' | 'writes' | 'deletes';

export class Throttle {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly privateDns = new Map<string, WindowQuota>();
  private readonly graph = new Map<string, number[]>();

  constructor(
    private readonly options: ThrottleOptions | false,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one request from the bucket of (subscription, principal, class). Disabled throttling always allows. */
  request(subscriptionId: string, principalId: string, requestClass: RequestClass): ThrottleDecision {
    if (this.options === false) return { allowed: true, remaining: ARM_READ_LIMITS.bucketSize };
    const key = `${subscriptionId.toLowerCase()}|${principalId}|${requestClass}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const limits = requestClass === 'reads' ? this.options : WRITE_LIMITS;
      bucket = new TokenBucket(limits.bucketSize, limits.refillPerSecond, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }

  /** Private DNS GETs, per subscription whatever the principal. */
  privateDnsGet(subscriptionId: string): ThrottleDecision | undefined {
    if (this.options === false) return undefined;
    const limit = this.options.privateDnsGetsPer5Min ?? ARM_READ_LIMITS.privateDnsGetsPer5Min;
    const key = subscriptionId.toLowerCase();
    let quota = this.privateDns.get(key);
    if (!quota) this.privateDns.set(key, (quota = new WindowQuota(limit, PRIVATE_DNS_WINDOW_MS, this.now)));
    return quota.take();
  }

  /** Resource Graph queries, per principal (ARG's quota is per user, not per subscription); resetMs: until a slot frees. */
  graphQuery(principalId: string): { allowed: boolean; remaining: number; resetMs: number } {
    const limit =
      this.options === false
        ? Number.POSITIVE_INFINITY
        : (this.options.graphQueriesPer5s ?? ARM_READ_LIMITS.graphQueriesPer5s);
    const now = this.now();
    let times = this.graph.get(principalId);
    if (!times) this.graph.set(principalId, (times = []));
    while (times.length > 0 && (times[0] ?? 0) <= now - GRAPH_WINDOW_MS) times.shift();
    const resetMs = times.length > 0 ? (times[0] ?? now) + GRAPH_WINDOW_MS - now : GRAPH_WINDOW_MS;
    if (times.length >= limit) return { allowed: false, remaining: 0, resetMs };
    times.push(now);
    return {
      allowed: true,
      remaining: Number.isFinite(limit) ? limit - times.length : 1000,
      resetMs: (times[0] ?? now) + GRAPH_WINDOW_MS - now,
    };
  }
}
