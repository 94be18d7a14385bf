import type { LogRecord } from './log-record';

/**
 * Summarizes AuditEvent records in one pass with bounded memory: 401/403/429 grouped by caller IP, identity,
 * operation and vault (at most MAX_GROUPS groups; the rest are counted as "other"), and request rates per
 * vault and per subscription in 10-second windows compared with the documented limits. Windows are kept only
 * for the last WINDOW_HORIZON windows seen; older ones are folded into the statistics as the log advances.
 * Limits: https://learn.microsoft.com/azure/key-vault/general/service-limits
 * Remedies: https://learn.microsoft.com/azure/key-vault/general/overview-throttling
 */
export const WINDOW_MS = 10_000;
const WINDOW_HORIZON = 360;
const MAX_GROUPS = 20_000;

export interface Limit {
  name: string;
  /** Transactions allowed per 10 s window. */
  perWindow: number;
  matches(operation: string): boolean;
}

/** Per vault and region, per 10 s. Key types are not in the logs: the software RSA 2,048-bit figures apply. */
export const VAULT_LIMITS: readonly Limit[] = [
  { name: 'all transactions', perWindow: 4000, matches: () => true },
  { name: 'secret creations (SecretSet)', perWindow: 300, matches: (op) => op === 'secretset' },
  {
    name: 'key creations (KeyCreate, software keys; HSM keys allow 10)',
    perWindow: 20,
    matches: (op) => op === 'keycreate',
  },
];

/** The subscription allows five times a vault's limit across its vaults. */
export const SUBSCRIPTION_LIMIT: Limit = {
  name: 'all transactions across the subscription (5x a vault)',
  perWindow: 20000,
  matches: () => true,
};

export const THROTTLING_REMEDIES: readonly string[] = [
  'Cache secrets and keys in the application and refresh them on a timer, not per request.',
  'Use one client (and one credential) per vault per process, not one per request.',
  'Retry 429 with exponential backoff honouring Retry-After (1, 2, 4, 8, 16 s); the Azure SDKs do this by default.',
  'Encrypt with a local data key wrapped by Key Vault (wrap/unwrap once) instead of calling encrypt/decrypt per item.',
  'Split the load across several vaults (and subscriptions beyond five vaults), or ask Microsoft for a higher limit.',
];

export interface DeniedGroup {
  status: number;
  ip: string;
  identity: string;
  operation: string;
  vault: string;
  subscriptionId: string | undefined;
  count: number;
  firstMs: number | undefined;
  lastMs: number | undefined;
}

export interface LimitStats {
  limit: string;
  perWindow: number;
  peak: number;
  peakWindowStartMs: number | undefined;
  windowsOver: number;
}

export interface RateStats {
  key: string;
  requests: number;
  throttled: number;
  windows: number;
  limits: LimitStats[];
}

export interface LogSummary {
  records: number;
  /** Parsed records that are not Key Vault audit records (no operationName, a scalar). */
  skipped: number;
  /** Lines (JSON) or rows (CSV) holding text that is no record at all: counted and said, never dropped silently. */
  skippedLines: number;
  firstMs: number | undefined;
  lastMs: number | undefined;
  byStatus: Record<string, number>;
  denied: DeniedGroup[];
  deniedOther: number;
  vaults: RateStats[];
  subscriptions: RateStats[];
  /** Records older than the window horizon when they arrived (logs far out of order): counted, not windowed. */
  late: number;
}

class WindowedRates {
  private readonly windows = new Map<number, number[]>();
  private newest = Number.NEGATIVE_INFINITY;
  readonly stats: RateStats;

  constructor(
    key: string,
    private readonly limits: readonly Limit[],
    private readonly onLate: () => void,
  ) {
    this.stats = {
      key,
      requests: 0,
      throttled: 0,
      windows: 0,
      limits: limits.map((l) => ({
        limit: l.name,
        perWindow: l.perWindow,
        peak: 0,
        peakWindowStartMs: undefined,
        windowsOver: 0,
      })),
    };
  }

  add(record: LogRecord): void {
    this.stats.requests += 1;
    if (record.status === 429) this.stats.throttled += 1;
    if (record.timeMs === undefined) return;
    const window = Math.floor(record.timeMs / WINDOW_MS);
    if (window <= this.newest - WINDOW_HORIZON) {
      this.onLate();
      return;
    }
    let counts = this.windows.get(window);
    if (!counts) {
      counts = this.limits.map(() => 0);
      this.windows.set(window, counts);
    }
    const operation = record.operation.toLowerCase();
    this.limits.forEach((limit, i) => {
      if (limit.matches(operation)) counts[i] = (counts[i] ?? 0) + 1;
    });
    if (window > this.newest) {
      this.newest = window;
      for (const old of this.windows.keys()) if (old <= window - WINDOW_HORIZON) this.fold(old);
    }
  }

  finish(): RateStats {
    for (const window of [...this.windows.keys()]) this.fold(window);
    return this.stats;
  }

  private fold(window: number): void {
    const counts = this.windows.get(window);
    this.windows.delete(window);
    if (!counts) return;
    this.stats.windows += 1;
    this.stats.limits.forEach((s, i) => {
      const count = counts[i] ?? 0;
      if (
        count > s.peak ||
        (count === s.peak && count > 0 && s.peakWindowStartMs !== undefined && window * WINDOW_MS < s.peakWindowStartMs)
      ) {
        s.peak = count;
        s.peakWindowStartMs = window * WINDOW_MS;
      }
      if (count > s.perWindow) s.windowsOver += 1;
    });
  }
}

export class LogAnalyzer {
  private records = 0;
  private skipped = 0;
  private firstMs: number | undefined;
  private lastMs: number | undefined;
  private late = 0;
  private deniedOther = 0;
  private readonly byStatus: Record<string, number> = {};
  private readonly denied = new Map<string, DeniedGroup>();
  private readonly vaults = new Map<string, WindowedRates>();
  private readonly subscriptions = new Map<string, WindowedRates>();

  add(record: LogRecord | undefined): void {
    if (!record) {
      this.skipped += 1;
      return;
    }
    this.records += 1;
    if (record.timeMs !== undefined) {
      if (this.firstMs === undefined || record.timeMs < this.firstMs) this.firstMs = record.timeMs;
      if (this.lastMs === undefined || record.timeMs > this.lastMs) this.lastMs = record.timeMs;
    }
    const statusKey = record.status === undefined ? 'unknown' : String(record.status);
    this.byStatus[statusKey] = (this.byStatus[statusKey] ?? 0) + 1;
    if (record.status === 401 || record.status === 403 || record.status === 429) this.addDenied(record, record.status);
    this.rates(this.vaults, record.vault, VAULT_LIMITS).add(record);
    if (record.subscriptionId) this.rates(this.subscriptions, record.subscriptionId, [SUBSCRIPTION_LIMIT]).add(record);
  }

  summary(): LogSummary {
    const byCount = (a: { count: number }, b: { count: number }) => b.count - a.count;
    const finish = (map: Map<string, WindowedRates>) =>
      [...map.values()].map((r) => r.finish()).sort((a, b) => (a.key < b.key ? -1 : 1));
    return {
      records: this.records,
      skipped: this.skipped,
      skippedLines: 0,
      firstMs: this.firstMs,
      lastMs: this.lastMs,
      byStatus: this.byStatus,
      denied: [...this.denied.values()].sort(
        (a, b) => byCount(a, b) || a.status - b.status || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0),
      ),
      deniedOther: this.deniedOther,
      vaults: finish(this.vaults),
      subscriptions: finish(this.subscriptions),
      late: this.late,
    };
  }

  private addDenied(record: LogRecord, status: number): void {
    const ip = record.ip ?? '(no address)';
    const identity = record.identity ?? '(no identity)';
    const key = `${status}|${ip}|${identity}|${record.operation}|${record.vault}`;
    const group = this.denied.get(key);
    if (group) {
      group.count += 1;
      if (record.timeMs !== undefined) {
        if (group.firstMs === undefined || record.timeMs < group.firstMs) group.firstMs = record.timeMs;
        if (group.lastMs === undefined || record.timeMs > group.lastMs) group.lastMs = record.timeMs;
      }
      return;
    }
    if (this.denied.size >= MAX_GROUPS) {
      this.deniedOther += 1;
      return;
    }
    this.denied.set(key, {
      status,
      ip,
      identity,
      operation: record.operation,
      vault: record.vault,
      subscriptionId: record.subscriptionId,
      count: 1,
      firstMs: record.timeMs,
      lastMs: record.timeMs,
    });
  }

  private rates(map: Map<string, WindowedRates>, key: string, limits: readonly Limit[]): WindowedRates {
    let rates = map.get(key);
    if (!rates) {
      rates = new WindowedRates(key, limits, () => {
        this.late += 1;
      });
      map.set(key, rates);
    }
    return rates;
  }
}
