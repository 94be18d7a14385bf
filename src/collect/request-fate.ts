import type { PipelinePolicy, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { setMaxListeners } from 'node:events';
import { Clock, SYSTEM_CLOCK, sleep } from './clock';

/**
 * What happens to one ARM request: every attempt has a timeout, failures worth retrying (429 with or
 * without Retry-After, 408, 5xx, connection resets, timeouts, bodies cut short) are retried with jittered
 * exponential backoff within a per-request and a per-run budget, a circuit breaker per subscription ×
 * resource type (and per host, for connections refused) stops hammering what keeps failing, and nothing
 * outlives the run's deadline. Type-only SDK imports: the SDKs are loaded by the collector, never here.
 * How many requests run at once is the scheduler's business (pool.ts), not this module's.
 * https://learn.microsoft.com/azure/architecture/patterns/retry
 * https://learn.microsoft.com/azure/architecture/patterns/circuit-breaker
 * https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling
 */
export interface FateSettings {
  /** One attempt, from sending to the last byte of the body. */
  attemptTimeoutMs: number;
  /** Attempts of one request, the first included. */
  maxAttempts: number;
  /** Retries the whole run may spend (after that a failure is final at once). */
  runRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failed attempts on one subscription × type (or host) that open its circuit. */
  breakerThreshold: number;
  /** How long an open circuit refuses requests before it lets one through to try again. */
  breakerCooldownMs: number;
  /** Statuses retried (ARG's 429 is left to its quota policy). */
  retryStatuses: ReadonlySet<number>;
}

export const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export const DEFAULT_FATE: FateSettings = {
  attemptTimeoutMs: 30_000,
  // 8: a fault that hits 20 % of attempts (truncation, 429s) still leaves one request in ~400,000 unanswered.
  maxAttempts: 8,
  runRetries: 1000,
  baseDelayMs: 1000,
  maxDelayMs: 16_000,
  // 8 in a row: random faults at 30 % open a circuit once in ~15,000 attempts; a dead host opens it in one round.
  breakerThreshold: 8,
  breakerCooldownMs: 30_000,
  retryStatuses: RETRY_STATUSES,
};

/** A request refused or abandoned because the run's deadline passed (`--timeout`). */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
  constructor(
    readonly request: string,
    timeoutText: string,
  ) {
    super(`not read before the run's deadline (--timeout ${timeoutText}): ${request}`);
  }
}

/** Every attempt of a request timed out. */
export class AttemptTimeoutError extends Error {
  override readonly name = 'AttemptTimeoutError';
  constructor(
    readonly request: string,
    timeoutMs: number,
    attempts: number,
  ) {
    super(
      `no answer within ${formatDuration(timeoutMs)} (${attempts} attempt${attempts === 1 ? '' : 's'}): ${request}`,
    );
  }
}

/** A request refused at once because its circuit is open. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
  constructor(
    readonly request: string,
    circuit: string,
    failures: number,
    last: string,
  ) {
    super(`not sent: ${circuit} failed ${failures} times in a row (last: ${last}); circuit open: ${request}`);
  }
}

/**
 * The run's deadline and retry budget, shared by every request of a collection. `signal` aborts when the
 * deadline passes, which cancels every request in flight.
 */
export class RunLimits {
  private readonly controller = new AbortController();
  private retriesLeft: number;
  private readonly cancelTimer: () => void;
  private readonly watchers = new Set<() => void>();

  constructor(
    readonly clock: Clock,
    readonly deadline: number,
    retries: number,
    readonly timeoutText: string,
  ) {
    this.retriesLeft = retries;
    setMaxListeners(0, this.controller.signal);
    this.cancelTimer = clock.timer(deadline - clock.now(), () => this.controller.abort());
    this.controller.signal.addEventListener(
      'abort',
      () => {
        for (const abort of [...this.watchers]) abort();
        this.watchers.clear();
      },
      { once: true },
    );
  }

  /**
   * Calls `abort` when the deadline passes (at once if it has); returns what stops watching. One listener on
   * the deadline's signal serves every request in flight: an EventTarget walks its whole listener list on
   * each add and remove, and with 512 reads admitted that walk was ~2 % of a 10,000-vault run's CPU.
   */
  onDeadline(abort: () => void): () => void {
    if (this.controller.signal.aborted) {
      abort();
      return () => undefined;
    }
    this.watchers.add(abort);
    return () => {
      this.watchers.delete(abort);
    };
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  expired(): boolean {
    return this.controller.signal.aborted || this.clock.now() >= this.deadline;
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - this.clock.now());
  }

  takeRetry(): boolean {
    if (this.retriesLeft <= 0) return false;
    this.retriesLeft -= 1;
    return true;
  }

  get retriesRemaining(): number {
    return this.retriesLeft;
  }

  /** Stops the deadline timer once the collection is over. */
  dispose(): void {
    this.cancelTimer();
  }
}

interface CircuitState {
  failures: number;
  last: string;
  openUntil: number;
  probing: boolean;
  /** The breaker's count when this circuit's last failure was counted (see `stamp`). */
  countedAt: number;
}

/**
 * Closed → (threshold consecutive failures) → open → (cooldown) → one trial request → closed or open again.
 *
 * "Consecutive" is in time, not in completion order: attempts that were already in flight when a failure
 * was counted and then fail the same way are that failure's incident (one reset of the connections, one
 * stalled moment), not more evidence. Counted one by one, a burst of 48 concurrent ECONNRESETs opened a
 * subscription's circuit in one go and every queued read of that type was refused for the cooldown: ~140
 * vaults `error` in a 10,000-vault audit under load, a different set each run (issue 15), though each
 * read would have succeeded on its retry. Host circuits (connection refused) still count every failure:
 * a dead host should open its circuit in one round.
 */
export class CircuitBreaker {
  private readonly circuits = new Map<string, CircuitState>();
  /** Failures counted so far, every circuit together: an attempt's stamp orders it against them. */
  private counted = 0;

  constructor(
    private readonly clock: Clock,
    private readonly threshold: number,
    private readonly cooldownMs: number,
  ) {}

  /** Undefined when a request may go; else why not. */
  refusal(key: string): { failures: number; last: string } | undefined {
    const state = this.circuits.get(key);
    if (!state || state.failures < this.threshold) return undefined;
    if (this.clock.now() < state.openUntil || state.probing) return { failures: state.failures, last: state.last };
    state.probing = true; // half-open: this request is the trial
    return undefined;
  }

  success(key: string): void {
    this.circuits.delete(key);
  }

  /** Taken when an attempt starts; handed back with its failure (`startedAt`). */
  stamp(): number {
    return this.counted;
  }

  /** A failed attempt; with `startedAt`, not counted when it was in flight as this circuit's last failure was. */
  failure(key: string, reason: string, startedAt?: number): void {
    const state = this.circuits.get(key) ?? { failures: 0, last: reason, openUntil: 0, probing: false, countedAt: 0 };
    state.last = reason;
    if (startedAt !== undefined && state.failures > 0 && startedAt < state.countedAt) {
      this.circuits.set(key, state);
      return;
    }
    this.counted += 1;
    state.countedAt = this.counted;
    state.failures += 1;
    state.probing = false;
    if (state.failures >= this.threshold) state.openUntil = this.clock.now() + this.cooldownMs;
    this.circuits.set(key, state);
  }

  /** Circuits open now, for the run's notices. */
  openCircuits(): { key: string; failures: number; last: string }[] {
    return [...this.circuits.entries()]
      .filter(([, s]) => s.failures >= this.threshold)
      .map(([key, s]) => ({ key, failures: s.failures, last: s.last }));
  }
}

/** `GET /subscriptions/…/providers/Microsoft.Network/networkInterfaces`: method and path, never the query. */
export function requestLine(request: Pick<PipelineRequest, 'method' | 'url'>): string {
  try {
    return `${request.method} ${new URL(request.url).pathname}`;
  } catch {
    return request.method;
  }
}

/** `subscription 2222… Microsoft.Network/networkInterfaces`: the circuit a request belongs to. */
export function circuitOf(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  const subscription = /\/subscriptions\/([^/]+)/i.exec(path)?.[1]?.toLowerCase();
  const at = path.toLowerCase().lastIndexOf('/providers/');
  const segments = at >= 0 ? path.slice(at + '/providers/'.length).split('/') : [];
  // Namespace, then type and name alternating: the type path is the even segments after the namespace.
  const type = [segments[0], ...segments.slice(1).filter((_, i) => i % 2 === 0)].filter(Boolean).join('/');
  return `${subscription ? `subscription ${subscription}` : 'tenant'} ${type.toLowerCase() || 'resources'}`;
}

function hostOf(url: string): string {
  try {
    return `host ${new URL(url).host}`;
  } catch {
    return 'host ?';
  }
}

/** Network errors that say the endpoint itself cannot be reached: counted on the host's circuit. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Network errors worth another attempt. */
const TRANSIENT = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', ...UNREACHABLE]);

interface Verdict {
  retry: boolean;
  reason: string;
  /** The failure is the host's, not the resource type's. */
  unreachable: boolean;
}

function judgeResponse(response: PipelineResponse, settings: FateSettings): Verdict | undefined {
  if (!settings.retryStatuses.has(response.status)) return undefined;
  return { retry: true, reason: `${response.status}`, unreachable: false };
}

function judgeError(thrown: unknown): Verdict {
  const error = thrown as { code?: unknown; name?: unknown; message?: unknown };
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const message = typeof error?.message === 'string' ? (error.message.split('\n')[0] ?? '') : String(thrown);
  if (thrown instanceof AttemptTimedOut) return { retry: true, reason: thrown.message, unreachable: false };
  // The body stopped before its Content-Length: the SDK says PARSE_ERROR "Error reading response as text: aborted".
  if (code === 'PARSE_ERROR' && /reading response|aborted|premature|terminated/i.test(message))
    return { retry: true, reason: `response cut short (${message})`, unreachable: false };
  if (code && TRANSIENT.has(code)) return { retry: true, reason: `${code}`, unreachable: UNREACHABLE.has(code) };
  if (/socket hang up|ECONNRESET/i.test(message)) return { retry: true, reason: 'ECONNRESET', unreachable: false };
  return { retry: false, reason: code ? `${code}: ${message}` : message, unreachable: false };
}

/**
 * The delay before retry `attempt` (0-based): the server's Retry-After when it gives one, else exponential
 * with full jitter over its upper half, so concurrent callers spread out.
 */
export function retryDelay(
  response: Pick<PipelineResponse, 'headers'> | undefined,
  attempt: number,
  settings: Pick<FateSettings, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
  now: number,
): number {
  const asked = response ? retryAfterMs(response, now) : undefined;
  if (asked !== undefined) return Math.min(asked, settings.maxDelayMs);
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After` (seconds or an HTTP date), in milliseconds. */
export function retryAfterMs(response: Pick<PipelineResponse, 'headers'>, now: number): number | undefined {
  for (const header of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const text = response.headers.get(header);
    const value = Number(text);
    if (text && Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = response.headers.get('retry-after');
  if (!retryAfter) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface FateContext {
  settings: FateSettings;
  limits: RunLimits;
  breaker: CircuitBreaker;
  random?: () => number;
  /** Called once per retry (the ledger counts them). */
  onRetry?: (reason: string) => void;
}

/** An attempt cancelled by its own timeout (attemptTimeoutPolicy), as opposed to the caller or the deadline. */
export class AttemptTimedOut extends Error {
  override readonly name = 'AttemptTimedOut';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${formatDuration(timeoutMs)}`);
  }
}

/**
 * Retries, breaker and deadline, in the pipeline's Retry phase: before signing, so every attempt gets a fresh
 * token, and inside the SDK's own retry policy, which the collector turns off (maxRetries 0) so one place
 * decides. The attempt's own timeout is attemptTimeoutPolicy, on the wire side of the scheduler, so time spent
 * waiting for a slot is never counted against an attempt.
 */
export function requestFatePolicy(context: FateContext): PipelinePolicy {
  const { settings, limits, breaker } = context;
  const random = context.random ?? Math.random;
  const clock = limits.clock;
  return {
    name: 'kvguardRequestFate',
    async sendRequest(request, next) {
      const line = requestLine(request);
      const circuit = circuitOf(request.url);
      const host = hostOf(request.url);
      const outer = request.abortSignal;
      for (let attempt = 0; ; attempt++) {
        if (limits.expired()) throw new DeadlineError(line, limits.timeoutText);
        for (const key of [host, circuit]) {
          const refused = breaker.refusal(key);
          if (refused) throw new CircuitOpenError(line, key, refused.failures, refused.last);
        }
        // The run's deadline (and the caller's own cancellation) cancels the attempt wherever it is.
        const controller = new AbortController();
        const abort = (): void => controller.abort();
        const stopWatching = limits.onDeadline(abort);
        outer?.addEventListener('abort', abort, { once: true });
        request.abortSignal = controller.signal;
        const startedAt = breaker.stamp();
        let response: PipelineResponse | undefined;
        let verdict: Verdict | undefined;
        let thrown: unknown;
        try {
          response = await next(request);
          verdict = judgeResponse(response, settings);
        } catch (error) {
          if (outer?.aborted) throw error; // the caller cancelled: not ours to retry
          if (limits.expired()) throw new DeadlineError(line, limits.timeoutText);
          thrown = error;
          verdict = judgeError(error);
        } finally {
          stopWatching();
          outer?.removeEventListener('abort', abort);
          request.abortSignal = outer;
        }
        if (!verdict) {
          breaker.success(host);
          breaker.success(circuit);
          return response as PipelineResponse;
        }
        if (verdict.retry && verdict.unreachable) breaker.failure(host, verdict.reason);
        else if (verdict.retry) breaker.failure(circuit, verdict.reason, startedAt);
        else breaker.success(host); // the host answered, even if with an error
        const giveUp = (): PipelineResponse => {
          if (response) return response;
          if (thrown instanceof AttemptTimedOut) throw new AttemptTimeoutError(line, thrown.timeoutMs, attempt + 1);
          throw thrown;
        };
        if (!verdict.retry || attempt + 1 >= settings.maxAttempts) return giveUp();
        const wait = retryDelay(response, attempt, settings, random, clock.now());
        // A wait that would outlast the deadline is no retry: fail now, with the real cause.
        if (wait >= limits.remainingMs() || !limits.takeRetry()) return giveUp();
        context.onRetry?.(verdict.reason);
        await sleep(clock, wait, limits.signal);
      }
    },
  };
}

/**
 * One attempt's timeout, from the moment it goes on the wire to the last byte of its body (the SDK's own
 * `timeout` stops counting once headers arrive, so a body that stalls would hang). Add it after the
 * scheduler's policy, after signing.
 */
export function attemptTimeoutPolicy(timeoutMs: number, clock: Clock): PipelinePolicy {
  return {
    name: 'kvguardAttemptTimeout',
    async sendRequest(request, next) {
      const outer = request.abortSignal;
      const controller = new AbortController();
      let timedOut = false;
      const abort = (): void => controller.abort();
      const cancelTimer = clock.timer(timeoutMs, () => {
        timedOut = true;
        abort();
      });
      if (outer?.aborted) abort();
      outer?.addEventListener('abort', abort, { once: true });
      request.abortSignal = controller.signal;
      try {
        return await next(request);
      } catch (thrown) {
        if (timedOut && !outer?.aborted) throw new AttemptTimedOut(timeoutMs);
        throw thrown;
      } finally {
        cancelTimer();
        outer?.removeEventListener('abort', abort);
        request.abortSignal = outer;
      }
    },
  };
}

/** `15m`, `90s`, `500ms`: how `--timeout` is echoed in reasons. */
export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A fate context for one collection: its deadline `timeoutMs` from now on `clock`. */
export function createFate(
  clock: Clock = SYSTEM_CLOCK,
  timeoutMs: number = 24 * 3600 * 1000,
  settings: FateSettings = DEFAULT_FATE,
): FateContext {
  return {
    settings,
    limits: new RunLimits(clock, clock.now() + timeoutMs, settings.runRetries, formatDuration(timeoutMs)),
    breaker: new CircuitBreaker(clock, settings.breakerThreshold, settings.breakerCooldownMs),
  };
}
