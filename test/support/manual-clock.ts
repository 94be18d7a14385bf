import type { Clock } from '../../src/collect/clock';

/**
 * A clock for tests: time moves only when `advance` is called, firing due timers in order, and
 * `settle` lets pending promise callbacks run between steps.
 */
export class ManualClock implements Clock {
  private at: number;
  private readonly timers: { due: number; seq: number; fire: () => void }[] = [];
  private seq = 0;

  constructor(start = 0) {
    this.at = start;
  }

  now(): number {
    return this.at;
  }

  timer(ms: number, fire: () => void): () => void {
    const entry = { due: this.at + Math.max(0, ms), seq: this.seq++, fire };
    this.timers.push(entry);
    return () => {
      const index = this.timers.indexOf(entry);
      if (index >= 0) this.timers.splice(index, 1);
    };
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer due on the way (and those they schedule). */
  async advance(ms: number): Promise<void> {
    const until = this.at + ms;
    for (;;) {
      await settle();
      this.timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.due > until) break;
      this.timers.shift();
      this.at = next.due;
      next.fire();
    }
    this.at = until;
    await settle();
  }

  /** Advances to each next timer until `done` says stop or no timer is left; returns the time spent. */
  async runUntil(done: () => boolean, limitMs = 24 * 3600 * 1000): Promise<number> {
    const start = this.at;
    await settle();
    while (!done() && this.timers.length > 0 && this.at - start < limitMs) {
      this.timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
      const next = this.timers[0];
      if (!next) break;
      await this.advance(Math.max(0, next.due - this.at));
    }
    return this.at - start;
  }
}

/** Lets queued promise callbacks (and the I/O callbacks they wait on) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
