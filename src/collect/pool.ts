/**
 * A small promise pool: at most `limit` tasks run at once, the rest wait in order. Every ARM call of a
 * collection goes through one pool, so concurrency stays bounded however many subscriptions, vaults
 * and zones there are (ARM throttles per subscription and principal).
 */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency must be a positive integer, got ${limit}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  const acquire = async (): Promise<void> => {
    if (active < limit) {
      active += 1;
      return;
    }
    // The releasing task hands its slot over directly, so `active` never exceeds the limit.
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const handOver = waiting.shift();
    if (handOver) handOver();
    else active -= 1;
  };
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
