import type { PipelinePolicy, PipelineResponse } from '@azure/core-rest-pipeline';
import type { ArmResource } from '../model/arm';
import { idKey, parseId } from '../model/arm';
import { operationOf } from './operations';
import { type Scheduler, quotasOf } from './scheduler';

/**
 * Pipeline policies added to every SDK client of a collection. Type-only imports: the SDKs are loaded
 * by the collector, never by this module.
 */

/** What the wire said during one collection: requests by operation, throttling, retries, ARM bodies. */
export class RequestLedger {
  readonly requests: Record<string, number> = {};
  throttled = 0;
  retried = 0;
  private readonly seenRequests = new Set<string>();
  private readonly bodies = new Map<string, ArmResource>();

  /** Counts one attempt; an attempt of a request already seen is a retry (the SDK re-sends the same request). */
  recordAttempt(requestId: string, method: string, url: string): void {
    const operation = operationOf(method, url);
    this.requests[operation] = (this.requests[operation] ?? 0) + 1;
    if (this.seenRequests.has(requestId)) this.retried += 1;
    else this.seenRequests.add(requestId);
  }

  /**
   * Keeps ARM's own JSON of every resource a successful GET returned (a single resource or a `value`
   * page). The SDKs' models are not ARM's shape (arm-network, arm-privatedns and arm-monitor lift
   * `properties` into the model, arm-keyvault keeps it) and drop fields they do not know, so the
   * collector emits these bodies, matched by id to the items the SDK returned.
   */
  recordBody(text: string, url?: string): void {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return; // the SDK reports the unreadable body itself
    }
    const items = isObject(body) && Array.isArray(body.value) ? body.value : [body];
    const routeType = url === undefined ? undefined : typeOfRoute(url);
    for (const item of items) {
      if (!isObject(item) || typeof item.id !== 'string') continue;
      // `type` is optional and read-only in the specs (PrivateDnsZoneGroup has none at all): the type is the
      // route's, or, on a route that lists several types (a zone's ALL record sets), the one the id spells.
      const type = typeof item.type === 'string' ? item.type : (routeType ?? parseId(item.id).type);
      if (!type) continue;
      this.bodies.set(idKey(item.id), { ...item, type } as unknown as ArmResource);
    }
  }

  /** ARM's JSON for a resource the SDK returned. */
  bodyOf(id: string): ArmResource | undefined {
    return this.bodies.get(idKey(id));
  }

  /** Drops the kept bodies once the collection has taken what it needs. */
  clearBodies(): void {
    this.bodies.clear();
  }
}

/**
 * The resource type an ARM request path addresses, with the casing the SDK wrote it in:
 * `/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/privateEndpoints/pe/privateDnsZoneGroups` →
 * `Microsoft.Network/privateEndpoints/privateDnsZoneGroups`. Undefined for routes without a provider type and for
 * `.../privateDnsZones/{zone}/ALL`, which lists every record type.
 */
export function typeOfRoute(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const segments = path.split('/').filter((s) => s.length > 0);
  const providers = segments.map((s) => s.toLowerCase()).lastIndexOf('providers');
  if (providers < 0) return undefined;
  const tail = segments.slice(providers + 1);
  if (tail.length < 2) return undefined;
  const parts = [tail[0] ?? ''];
  for (let i = 1; i < tail.length; i += 2) parts.push(tail[i] ?? '');
  const type = parts.map(decodeURIComponent).join('/');
  return /\/all$/i.test(type) ? undefined : type;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Runs after signing, once per attempt: counts requests and 429s, keeps ARM bodies. Never reads headers it does not need. */
export function ledgerPolicy(ledger: RequestLedger): PipelinePolicy {
  return {
    name: 'kvguardLedger',
    async sendRequest(request, next) {
      ledger.recordAttempt(request.requestId, request.method, request.url);
      const response = await next(request);
      if (response.status === 429) ledger.throttled += 1;
      if (request.method === 'GET' && response.status === 200 && typeof response.bodyAsText === 'string') {
        ledger.recordBody(response.bodyAsText, request.url);
      }
      return response;
    },
  };
}

/**
 * Each attempt on the wire waits for a slot of the quotas it spends (scheduler.ts) and hands ARM's answer
 * back to them. Added after signing, so it sees every attempt (the SDK's retries too) and never holds a
 * slot while a retry waits out its delay.
 */
export function schedulerPolicy(scheduler: Scheduler): PipelinePolicy {
  return {
    name: 'kvguardScheduler',
    async sendRequest(request, next) {
      const slot = await scheduler.acquire(quotasOf(request.method, request.url));
      let response: PipelineResponse;
      try {
        response = await next(request);
      } catch (thrown) {
        slot.release(undefined);
        throw thrown;
      }
      slot.release({ status: response.status, header: (name) => response.headers.get(name) });
      return response;
    },
  };
}

export interface BackoffSettings {
  /** Retries of a 429 after the SDK gave up on it. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { maxRetries: 6, baseDelayMs: 1000, maxDelayMs: 32000 };

export function backoffDelay(
  response: Pick<PipelineResponse, 'headers'>,
  attempt: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  const retryAfter = retryAfterMs(response);
  if (retryAfter !== undefined) return Math.min(retryAfter, settings.maxDelayMs);
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** attempt);
  // Half fixed, half random: spreads concurrent callers without ever retrying at once.
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

function retryAfterMs(response: Pick<PipelineResponse, 'headers'>): number | undefined {
  for (const header of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(response.headers.get(header));
    if (response.headers.get(header) && Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = response.headers.get('retry-after');
  if (!retryAfter) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resource Graph's quota: 15 queries per 5 seconds per user (https://learn.microsoft.com/azure/governance/resource-graph/concepts/guidance-for-throttled-requests). */
export const GRAPH_QUOTA = { queries: 15, windowMs: 5000 };

/**
 * Keeps Resource Graph queries within ARG's per-user quota instead of finding it by 429s: no more than
 * `queries` start in any `windowMs`, and when ARG says the quota is spent (`x-ms-user-quota-remaining: 0`)
 * or answers 429, the next attempt waits `x-ms-user-quota-resets-after` (hh:mm:ss). ARG's 429 carries no
 * Retry-After, so the SDK would not retry it; this policy does, up to `maxRetries`.
 */
export function graphQuotaPolicy(
  settings: BackoffSettings,
  quota = GRAPH_QUOTA,
  sleep: (ms: number) => Promise<void> = delay,
  now: () => number = Date.now,
): PipelinePolicy {
  const starts: number[] = [];
  let blockedUntil = 0;
  const acquire = async (): Promise<void> => {
    for (;;) {
      const t = now();
      while (starts.length > 0 && (starts[0] ?? 0) <= t - quota.windowMs) starts.shift();
      const wait = Math.max(
        blockedUntil - t,
        starts.length >= quota.queries ? (starts[0] ?? t) + quota.windowMs - t : 0,
      );
      if (wait <= 0) {
        starts.push(t);
        return;
      }
      await sleep(wait);
    }
  };
  return {
    name: 'kvguardGraphQuota',
    async sendRequest(request, next) {
      for (let attempt = 0; ; attempt++) {
        await acquire();
        const response = await next(request);
        const remaining = Number(response.headers.get('x-ms-user-quota-remaining'));
        const resetMs = durationMs(response.headers.get('x-ms-user-quota-resets-after'));
        if (response.headers.get('x-ms-user-quota-remaining') !== undefined && remaining <= 0 && resetMs !== undefined)
          blockedUntil = Math.max(blockedUntil, now() + resetMs);
        if (response.status !== 429 || attempt >= settings.maxRetries) return response;
        if (resetMs === undefined) await sleep(backoffDelay(response, attempt, settings));
      }
    },
  };
}

/** `hh:mm:ss` (ARG's quota headers) in milliseconds. */
export function durationMs(value: string | undefined): number | undefined {
  const match = /^(\d+):(\d{2}):(\d{2})(\.\d+)?$/.exec(value ?? '');
  if (!match) return undefined;
  return ((Number(match[1]) * 60 + Number(match[2])) * 60 + Number(match[3]) + Number(match[4] ?? 0)) * 1000;
}
