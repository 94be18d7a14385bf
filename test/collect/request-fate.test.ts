import type { PipelineRequest, PipelineResponse, SendRequest } from '@azure/core-rest-pipeline';
import {
  AttemptTimeoutError,
  CircuitOpenError,
  DEFAULT_FATE,
  DeadlineError,
  FateContext,
  FateSettings,
  attemptTimeoutPolicy,
  circuitOf,
  createFate,
  requestFatePolicy,
  retryDelay,
} from '../../src/collect/request-fate';
import { describeError } from '../../src/collect/errors';
import { ManualClock } from '../support/manual-clock';

/**
 * One request's fate (issue 16), on a manual clock: no test sleeps, every wait is a timer the test fires.
 * The wire is a script of answers: a status, a thrown error, or 'hang' (never answers until aborted).
 */
const SUB = '22222222-2222-2222-2222-222222222222';
const NICS = `https://management.azure.com/subscriptions/${SUB}/providers/Microsoft.Network/networkInterfaces?api-version=2026-01-01`;
const VAULTS = `https://management.azure.com/subscriptions/${SUB}/providers/Microsoft.KeyVault/vaults?api-version=2026-02-01`;

type Step = number | Error | 'hang' | { status: number; headers: Record<string, string> };

function response(status: number, headers: Record<string, string> = {}): PipelineResponse {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status, headers: { get: (name: string) => lower.get(name.toLowerCase()) } } as unknown as PipelineResponse;
}

function request(url = NICS): PipelineRequest {
  return { url, method: 'GET', requestId: 'r', headers: { get: () => undefined } } as unknown as PipelineRequest;
}

function restError(code: string, message: string): Error {
  return Object.assign(new Error(message), { name: 'RestError', code });
}

/** The wire: answers in order, then the last one forever; counts attempts. */
function wire(steps: Step[]): { next: SendRequest; attempts: () => number } {
  let attempts = 0;
  const next: SendRequest = (req) => {
    const step = steps[Math.min(attempts, steps.length - 1)] as Step;
    attempts += 1;
    if (step === 'hang')
      return new Promise((_, reject) =>
        req.abortSignal?.addEventListener('abort', () =>
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
        ),
      );
    if (step instanceof Error) return Promise.reject(step);
    if (typeof step === 'number') return Promise.resolve(response(step));
    return Promise.resolve(response(step.status, step.headers));
  };
  return { next, attempts: () => attempts };
}

function setup(overrides: Partial<FateSettings> = {}, timeoutMs = 15 * 60 * 1000) {
  const clock = new ManualClock(1_000_000);
  const fate: FateContext = { ...createFate(clock, timeoutMs, { ...DEFAULT_FATE, ...overrides }), random: () => 0 };
  const waits: number[] = [];
  let last = clock.now();
  fate.onRetry = () => {
    waits.push(clock.now() - last);
    last = clock.now();
  };
  // The policies in pipeline order: fate (Retry phase), then the attempt timeout on the wire side.
  const send = (steps: Step[], url = NICS) => {
    const { next, attempts } = wire(steps);
    const timeout = attemptTimeoutPolicy(fate.settings.attemptTimeoutMs, clock);
    const policy = requestFatePolicy(fate);
    let settled: { response?: PipelineResponse; error?: unknown } | undefined;
    policy
      .sendRequest(request(url), (req) => timeout.sendRequest(req, next))
      .then(
        (r) => (settled = { response: r }),
        (e: unknown) => (settled = { error: e }),
      );
    return {
      attempts,
      /** Runs the clock until the request settles; returns its outcome and the clock time it took. */
      async outcome() {
        const took = await clock.runUntil(() => settled !== undefined);
        return { ...(settled as { response?: PipelineResponse; error?: unknown }), took };
      },
    };
  };
  return { clock, fate, send, waits };
}

describe('retries within the request budget', () => {
  test('429 without Retry-After: retried with jittered exponential backoff, then answered', async () => {
    const { send } = setup();
    const call = send([429, 429, 200]);
    const { response: answer, took } = await call.outcome();
    expect(answer?.status).toBe(200);
    expect(call.attempts()).toBe(3);
    // random() = 0: the lower half of each ceiling (1 s, 2 s).
    expect(took).toBe(500 + 1000);
  });

  test('Retry-After is honoured exactly (within maxDelayMs)', async () => {
    const { send } = setup();
    const call = send([{ status: 429, headers: { 'Retry-After': '3' } }, 200]);
    expect((await call.outcome()).took).toBe(3000);
  });

  test.each([500, 502, 503, 504, 408])('%s is retried', async (status) => {
    const { send } = setup();
    const call = send([status, 200]);
    expect((await call.outcome()).response?.status).toBe(200);
    expect(call.attempts()).toBe(2);
  });

  test('a truncated body (PARSE_ERROR "aborted") is retried', async () => {
    const { send } = setup();
    const call = send([restError('PARSE_ERROR', 'Error reading response as text: aborted'), 200]);
    expect((await call.outcome()).response?.status).toBe(200);
    expect(call.attempts()).toBe(2);
  });

  test('a connection reset is retried', async () => {
    const { send } = setup();
    const call = send([restError('ECONNRESET', 'socket hang up'), 200]);
    expect((await call.outcome()).response?.status).toBe(200);
  });

  test('403 is final at once: no retry', async () => {
    const { send } = setup();
    const call = send([403, 200]);
    expect((await call.outcome()).response?.status).toBe(403);
    expect(call.attempts()).toBe(1);
  });

  test('a permanent 429 gives up after maxAttempts, returning the last answer', async () => {
    const { send } = setup({ maxAttempts: 4 });
    const call = send([429]);
    const { response: answer, took } = await call.outcome();
    expect(answer?.status).toBe(429);
    expect(call.attempts()).toBe(4);
    expect(took).toBe(500 + 1000 + 2000);
  });

  test('the run budget: once spent, a failure is final at its first attempt', async () => {
    const { send, fate } = setup({ runRetries: 2 });
    expect((await send([500, 500, 200]).outcome()).response?.status).toBe(200);
    const after = send([500, 200]);
    expect((await after.outcome()).response?.status).toBe(500);
    expect(after.attempts()).toBe(1);
    expect(fate.limits.retriesRemaining).toBe(0);
  });
});

describe('timeouts', () => {
  test('an attempt that never answers is cancelled after attemptTimeoutMs and retried', async () => {
    const { send } = setup({ attemptTimeoutMs: 10_000 });
    const call = send(['hang', 200]);
    const { response: answer, took } = await call.outcome();
    expect(answer?.status).toBe(200);
    expect(took).toBe(10_000 + 500);
  });

  test('every attempt timing out: one clear error naming the request', async () => {
    const { send } = setup({ attemptTimeoutMs: 10_000, maxAttempts: 2 });
    const { error } = await send(['hang']).outcome();
    expect(error).toBeInstanceOf(AttemptTimeoutError);
    expect(describeError(error)).toBe(
      `no answer within 10s (2 attempts): GET /subscriptions/${SUB}/providers/Microsoft.Network/networkInterfaces`,
    );
  });
});

describe('the run deadline', () => {
  test('cancels a request in flight and refuses new ones, at the deadline', async () => {
    const { send } = setup({ attemptTimeoutMs: 60_000 }, 5_000);
    const { error, took } = await send(['hang']).outcome();
    expect(error).toBeInstanceOf(DeadlineError);
    expect(took).toBe(5_000);
    expect((error as Error).message).toBe(
      `not read before the run's deadline (--timeout 5s): GET /subscriptions/${SUB}/providers/Microsoft.Network/networkInterfaces`,
    );
    const late = send([200]);
    expect((await late.outcome()).error).toBeInstanceOf(DeadlineError);
    expect(late.attempts()).toBe(0);
  });

  test('a backoff that would outlast the deadline is not waited: the real cause is returned at once', async () => {
    const { send } = setup({}, 10_000);
    const call = send([{ status: 429, headers: { 'Retry-After': '60' } }, 200]);
    const { response: answer, took } = await call.outcome();
    expect(answer?.status).toBe(429);
    expect(took).toBe(0);
  });
});

describe('RunLimits.onDeadline', () => {
  test('aborts every watcher still watching when the deadline passes, once; a late watcher at once', async () => {
    const { fate, clock } = setup({}, 5_000);
    const fired: string[] = [];
    fate.limits.onDeadline(() => fired.push('a'));
    const stopB = fate.limits.onDeadline(() => fired.push('b'));
    fate.limits.onDeadline(() => fired.push('c'));
    stopB();
    await clock.advance(4_999);
    expect(fired).toEqual([]);
    await clock.advance(1);
    expect(fired).toEqual(['a', 'c']);
    fate.limits.onDeadline(() => fired.push('late'));
    expect(fired).toEqual(['a', 'c', 'late']);
  });
});

describe('circuit breaker per subscription × resource type', () => {
  test('opens after breakerThreshold consecutive failures; other types still go; a trial after the cooldown closes it', async () => {
    const { send, clock } = setup({ breakerThreshold: 3, maxAttempts: 3, breakerCooldownMs: 30_000 });
    expect((await send([429]).outcome()).response?.status).toBe(429);
    const refused = send([200]);
    const { error } = await refused.outcome();
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(refused.attempts()).toBe(0);
    expect((error as Error).message).toBe(
      `not sent: subscription ${SUB} microsoft.network/networkinterfaces failed 3 times in a row (last: 429); circuit open: GET /subscriptions/${SUB}/providers/Microsoft.Network/networkInterfaces`,
    );
    expect((await send([200], VAULTS).outcome()).response?.status).toBe(200);
    await clock.advance(30_000);
    expect((await send([200]).outcome()).response?.status).toBe(200);
    expect((await send([200]).outcome()).response?.status).toBe(200);
  });

  test('concurrent attempts failing together are one incident, not a streak: their retries go (issue 15)', async () => {
    // Measured on the benchmark under load: 48 reads of one subscription's zone groups in flight got ECONNRESET
    // together, the circuit opened, and every queued read of that type was refused for 30 s (vaults in error).
    const { send } = setup({ breakerThreshold: 8 });
    const reset = restError('ECONNRESET', 'read ECONNRESET');
    const calls = Array.from({ length: 20 }, () => send([reset, 200]));
    const outcomes = await Promise.all(calls.map((c) => c.outcome()));
    expect(outcomes.map((o) => o.response?.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(calls.map((c) => c.attempts())).toEqual(Array.from({ length: 20 }, () => 2));
    const later = send([200]);
    expect((await later.outcome()).response?.status).toBe(200);
  });

  test('a type that keeps failing still opens its circuit: each retry round counts once', async () => {
    const { send } = setup({ breakerThreshold: 3, maxAttempts: 3 });
    const calls = Array.from({ length: 5 }, () => send([500]));
    const outcomes = await Promise.all(calls.map((c) => c.outcome()));
    // Round 1 (all five in flight together) counts once; the retries, each sent after a counted failure, count.
    expect(outcomes.map((o) => (o.error as Error).name)).toEqual(Array.from({ length: 5 }, () => 'CircuitOpenError'));
    expect(calls.map((c) => c.attempts())).toEqual([2, 2, 1, 1, 1]);
    const refused = send([200]);
    expect((await refused.outcome()).error).toBeInstanceOf(CircuitOpenError);
    expect(refused.attempts()).toBe(0);
  });

  test('a dead endpoint (connection refused) opens the host circuit: every request fails within seconds', async () => {
    const { send } = setup({ breakerThreshold: 8 });
    const refused = restError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1');
    const calls = Array.from({ length: 20 }, (_, i) => send([refused], i % 2 ? NICS : VAULTS));
    const outcomes = await Promise.all(calls.map((c) => c.outcome()));
    expect(outcomes.every((o) => o.error !== undefined)).toBe(true);
    expect(Math.max(...outcomes.map((o) => o.took))).toBeLessThanOrEqual(2_000);
    expect(calls.reduce((n, c) => n + c.attempts(), 0)).toBeLessThanOrEqual(25);
  });

  test('circuitOf names subscription and resource type, never the resource name', () => {
    expect(
      circuitOf(
        `https://x/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/z/A?api-version=1`,
      ),
    ).toBe(`subscription ${SUB} microsoft.network/privatednszones/a`);
    expect(circuitOf('https://x/providers/Microsoft.ResourceGraph/resources?api-version=1')).toBe(
      'tenant microsoft.resourcegraph/resources',
    );
  });
});

describe('retryDelay', () => {
  test('exponential with jitter over the upper half, capped', () => {
    const settings = { baseDelayMs: 1000, maxDelayMs: 16_000 };
    expect([0, 1, 2, 3, 4, 5].map((a) => retryDelay(undefined, a, settings, () => 0, 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000,
    ]);
    expect([0, 1, 2, 3, 4, 5].map((a) => retryDelay(undefined, a, settings, () => 0.999999, 0))).toEqual([
      1000, 2000, 4000, 8000, 16000, 16000,
    ]);
  });
});
