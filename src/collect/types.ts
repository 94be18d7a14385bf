import type { ArmResource } from '../model/arm';
import type { CloudName } from '../model/cloud';
import type { Notice } from '../engine/types';

/** What `kvguard audit --subscription ...` and `kvguard snapshot` ask the live collector for. */
export interface LiveOptions {
  subscriptions: string[];
  resourceGroup?: string;
  vaultName?: string;
  cloud: CloudName;
  /** Any ARM-compatible endpoint (the emulator); overrides the cloud's ARM endpoint. */
  endpoint?: string;
  /** PEM file of the CA that signed `endpoint`'s certificate. */
  caCertFile?: string;
  /** ARM calls in flight at once (default 8). */
  concurrency?: number;
  /** Backoff of 429s the SDK does not retry, and the SDK's own retry delays (tests shorten them). */
  retry?: { maxRetries?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Progress callbacks for the CLI's TTY progress bar. */
  onProgress?: (event: { resourcesRead: number; vaultsFound: number }) => void;
  /** Verbose log lines (never tokens or Authorization headers). */
  log?: (line: string) => void;
}

/** The collector's answer: the ARM resources read, plus what could not be read. */
export interface CollectedEstate {
  resources: ArmResource[];
  /** Vaults that could not be (fully) read: id → reason. Their rules report `error`. */
  vaultErrors: Map<string, string>;
  notices: Notice[];
  /** ARM requests by operation (e.g. `Vaults.listBySubscription`: 3). */
  requests: Record<string, number>;
  stats: { vaultsListed: number; throttled: number; retried: number };
}
