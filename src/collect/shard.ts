import { UsageError } from '../errors';

/**
 * `--shard I/N`: this run audits the subscriptions whose hash falls in bucket I of N, so N CI jobs (a
 * matrix) split an estate without talking to each other. The bucket depends only on the subscription id
 * (FNV-1a of its lower-cased form, modulo N): stable across runs, machines and the order or number of the
 * other subscriptions given, and the N shards cover every subscription exactly once. Hashing does not
 * balance small lists perfectly; `kvguard merge` joins the N reports whatever their sizes.
 */
export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count || count > 1000) {
    throw new UsageError(`--shard: expected I/N with 1 <= I <= N <= 1000 (e.g. 2/5), found ${JSON.stringify(text)}`);
  }
  return { index, count };
}

/** The 1-based shard a subscription belongs to among `count`. */
export function shardOf(subscriptionId: string, count: number): number {
  let hash = 0x811c9dc5;
  for (const c of subscriptionId.trim().toLowerCase()) hash = Math.imul(hash ^ c.charCodeAt(0), 0x01000193);
  return ((hash >>> 0) % count) + 1;
}

/** The subscriptions of this shard, in the order given. */
export function inShard(subscriptions: readonly string[], shard: Shard): string[] {
  return subscriptions.filter((id) => shardOf(id, shard.count) === shard.index);
}
