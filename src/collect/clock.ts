/**
 * Time as the collector sees it: injected, so tests of timeouts, backoff, breakers and the run deadline
 * advance a fake clock instead of sleeping.
 */
export interface Clock {
  now(): number;
  /** Calls `fire` after `ms`; the returned function cancels it. */
  timer(ms: number, fire: () => void): () => void;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  timer(ms, fire) {
    const handle = setTimeout(fire, Math.max(0, ms));
    // A pending timer must never keep a finished CLI run alive.
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};

/** Waits `ms` on the clock; resolves early (never rejects) when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const cancel = clock.timer(ms, done);
    signal?.addEventListener('abort', done, { once: true });
  });
}
