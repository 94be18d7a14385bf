import type { EmulatorClock } from '../../src/emulator/clock';

/**
 * The emulator's clock under a test's control (EmulatorOptions.clock), so throttling, latency and slow pages
 * do not depend on how fast a loaded machine runs the requests.
 * - Time moves only when the test says: `advance(ms)`, or `stepMs` on every reading (a stepping clock:
 *   each request moves time by the same amount, however long it took on the wall).
 * - `sleep(ms)` (latency, slow pages) takes no wall time: it is recorded in `sleeps` and moves time forward by
 *   its length at once.
 */
export class TestClock implements EmulatorClock {
  readonly sleeps: number[] = [];
  private time: number;

  constructor(options: { startMs?: number; stepMs?: number } = {}) {
    this.time = options.startMs ?? Date.UTC(2026, 0, 1);
    this.stepMs = options.stepMs ?? 0;
  }

  private readonly stepMs: number;

  now(): number {
    this.time += this.stepMs;
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    return new Promise((resolve) => setImmediate(resolve));
  }
}
