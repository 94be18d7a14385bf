/**
 * The emulator's time: token buckets and quota windows read `now()`, latency and slow pages wait with `sleep()`.
 * Injected (EmulatorOptions.clock) so tests drive time themselves instead of racing the wall clock on a busy
 * machine; the CLI and the demo use the system clock.
 */
export interface EmulatorClock {
  /** Milliseconds, as Date.now(). */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: EmulatorClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
