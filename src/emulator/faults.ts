/**
 * Fault injection for tests and benchmarks, chosen deterministically so a run can be repeated.
 *
 * Grammar (`--faults SPEC`):
 *
 *     spec    := clause ("," clause)*
 *     clause  := "seed=" INTEGER                    PRNG seed (default 1)
 *              | KIND ["@" PROBABILITY] (":" OPTION)*
 *     KIND    := "429"            429 SubscriptionRequestsThrottled with Retry-After (option retry=Ns, default 1s)
 *              | "429-noretry"    429 without Retry-After (the SDK does not retry it)
 *              | "500" | "502" | "503" | "504"   a 5xx with ARM's error body
 *              | "reset"          the connection is destroyed without an answer
 *              | "truncate"       full Content-Length announced, half the body sent, then the connection is cut
 *              | "slowpage"       a list page is answered late (option DURATION, e.g. 2000ms or 2s; default 1000ms)
 *              | "403"            403 AuthorizationFailed (use with sub=ID: one subscription the principal may not read)
 *              | "404-after-list" a resource seen in a list answer (as an item or referenced by id) is deleted
 *                                 right after that answer, so the client's next GET of it is 404 ResourceNotFound
 *     PROBABILITY := a number in [0, 1]; default 1
 *     OPTION  := "sub=" SUBSCRIPTION_ID  only requests to that subscription
 *              | "type=" ARM_TYPE        only requests on (404-after-list: only resources of) that type, e.g.
 *                                        microsoft.network/networkinterfaces (case-insensitive)
 *              | "method=" GET|PUT|DELETE
 *              | "retry=" DURATION       Retry-After of a 429 (whole seconds)
 *              | DURATION                 delay of a slowpage
 *
 * Example: `seed=42,429@0.05:retry=1s,500@0.02,reset@0.01,truncate@0.01,slowpage@0.02:2000ms,403:sub=2222...,404-after-list:type=microsoft.network/networkinterfaces`
 *
 * Determinism: whether a clause fires on a request is a hash of (seed, clause, method and path, how many
 * times that same request was seen), not a shared random stream, so concurrent requests do not change
 * each other's fate and a retry of a failed request draws again. 404-after-list draws once per resource id.
 */
export type FaultKind =
  '429' | '429-noretry' | '500' | '502' | '503' | '504' | 'reset' | 'truncate' | 'slowpage' | '403' | '404-after-list';

const KINDS: readonly FaultKind[] = [
  '429',
  '429-noretry',
  '500',
  '502',
  '503',
  '504',
  'reset',
  'truncate',
  'slowpage',
  '403',
  '404-after-list',
];

export interface FaultRule {
  kind: FaultKind;
  probability: number;
  subscriptionId?: string;
  type?: string;
  method?: string;
  retryAfterSeconds?: number;
  delayMs?: number;
}

export interface FaultSpec {
  seed: number;
  rules: FaultRule[];
}

/** A malformed spec: the message names the clause and what is wrong with it. */
export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

function parseDuration(text: string, clause: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  if (!Number.isFinite(value)) throw new FaultSpecError(`--faults: bad duration '${text}' in '${clause}'`);
  return match[2] === 's' ? value * 1000 : value;
}

function parseClause(clause: string): FaultRule {
  const [head = '', ...options] = clause.split(':');
  const [kindText = '', probabilityText] = head.split('@');
  const kind = KINDS.find((k) => k === kindText.toLowerCase());
  if (!kind)
    throw new FaultSpecError(
      `--faults: unknown fault '${kindText}' in '${clause}' (known: ${KINDS.join(', ')}, seed=N)`,
    );
  const rule: FaultRule = { kind, probability: 1 };
  if (probabilityText !== undefined) {
    const probability = Number(probabilityText);
    if (probabilityText === '' || !Number.isFinite(probability) || probability < 0 || probability > 1) {
      throw new FaultSpecError(
        `--faults: probability '${probabilityText}' in '${clause}' must be a number between 0 and 1`,
      );
    }
    rule.probability = probability;
  }
  for (const option of options) {
    const [key = '', ...rest] = option.split('=');
    const value = rest.join('=');
    const duration = parseDuration(option, clause);
    if (duration !== undefined && rest.length === 0) {
      if (kind !== 'slowpage')
        throw new FaultSpecError(`--faults: a bare duration only applies to slowpage, in '${clause}'`);
      rule.delayMs = duration;
    } else if (key === 'sub' && value) rule.subscriptionId = value.toLowerCase();
    else if (key === 'type' && value) rule.type = value.toLowerCase();
    else if (key === 'method' && /^(GET|PUT|DELETE)$/i.test(value)) rule.method = value.toUpperCase();
    else if (key === 'retry' && kind === '429') {
      const ms = parseDuration(value, clause);
      if (ms === undefined) throw new FaultSpecError(`--faults: retry needs a duration such as 2s, in '${clause}'`);
      rule.retryAfterSeconds = Math.ceil(ms / 1000);
    } else throw new FaultSpecError(`--faults: unknown option '${option}' in '${clause}'`);
  }
  return rule;
}

export function parseFaults(spec: string | undefined): FaultSpec {
  const result: FaultSpec = { seed: 1, rules: [] };
  for (const raw of (spec ?? '').split(',')) {
    const clause = raw.trim();
    if (!clause) continue;
    const seed = /^seed=(.*)$/i.exec(clause);
    if (seed) {
      if (!/^\d+$/.test(seed[1] ?? ''))
        throw new FaultSpecError(`--faults: seed must be a non-negative integer, got '${seed[1]}'`);
      result.seed = Number(seed[1]);
      continue;
    }
    result.rules.push(parseClause(clause));
  }
  return result;
}

/** FNV-1a over the text, then one mulberry32 round: a uniform draw in [0, 1) per (seed, text). */
export function draw(seed: number, text: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  let t = (hash + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export interface FaultRequest {
  method: string;
  /** Normalized path (case-insensitive key). */
  path: string;
  subscriptionId: string | undefined;
  /** ARM type of the target, lower-cased. */
  type: string;
  isList: boolean;
}

export class FaultPlan {
  private readonly seen = new Map<string, number>();
  private readonly vanished = new Map<string, boolean>();

  constructor(readonly spec: FaultSpec) {}

  private matches(rule: FaultRule, request: FaultRequest): boolean {
    if (rule.subscriptionId && rule.subscriptionId !== request.subscriptionId?.toLowerCase()) return false;
    if (rule.type && rule.type !== request.type) return false;
    if (rule.method && rule.method !== request.method) return false;
    return true;
  }

  /**
   * The fault (other than slowpage and 404-after-list, which act elsewhere) this request suffers, if any.
   * The first matching clause that fires wins; 403 clauses are checked before the random ones.
   */
  pick(request: FaultRequest): FaultRule | undefined {
    const key = `${request.method} ${request.path.toLowerCase()}`;
    const occurrence = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, occurrence);
    const ordered = this.spec.rules
      .map((rule, index) => ({ rule, index }))
      .sort((a, b) => Number(b.rule.kind === '403') - Number(a.rule.kind === '403'));
    for (const { rule, index } of ordered) {
      if (rule.kind === 'slowpage' || rule.kind === '404-after-list' || !this.matches(rule, request)) continue;
      if (rule.probability >= 1 || draw(this.spec.seed, `${index}|${key}|${occurrence}`) < rule.probability)
        return rule;
    }
    return undefined;
  }

  /** Milliseconds to hold this list page back (0 when no slowpage clause fires). */
  slowPageDelay(request: FaultRequest): number {
    if (!request.isList) return 0;
    const key = `${request.method} ${request.path.toLowerCase()}`;
    const occurrence = this.seen.get(key) ?? 1;
    for (const [index, rule] of this.spec.rules.entries()) {
      if (rule.kind !== 'slowpage' || !this.matches(rule, request)) continue;
      if (rule.probability >= 1 || draw(this.spec.seed, `slow|${index}|${key}|${occurrence}`) < rule.probability)
        return rule.delayMs ?? 1000;
    }
    return 0;
  }

  /** True when a resource (id, type) that a list answer exposed is to vanish before the client's GET. */
  vanishesAfterList(id: string, type: string, subscriptionId: string | undefined): boolean {
    const key = id.toLowerCase();
    const known = this.vanished.get(key);
    if (known !== undefined) return false;
    let vanishes = false;
    for (const [index, rule] of this.spec.rules.entries()) {
      if (rule.kind !== '404-after-list') continue;
      if (rule.type && rule.type !== type.toLowerCase()) continue;
      if (rule.subscriptionId && rule.subscriptionId !== subscriptionId?.toLowerCase()) continue;
      if (rule.probability >= 1 || draw(this.spec.seed, `vanish|${index}|${key}`) < rule.probability) vanishes = true;
    }
    this.vanished.set(key, vanishes);
    return vanishes;
  }

  get hasVanishing(): boolean {
    return this.spec.rules.some((rule) => rule.kind === '404-after-list');
  }
}
