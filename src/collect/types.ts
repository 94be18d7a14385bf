import type { ArmResource } from '../model/arm';
import type { CloudName } from '../model/cloud';
import type { Notice } from '../model/notice';
import type { SkippableRead } from '../model/estate';
import type { RoleCoverage } from '../model/rbac';
import type { SchedulerStats } from './scheduler';
import type { AdmissionStats } from './admission';
import type { Clock } from './clock';
import type { FateSettings } from './request-fate';

/** How the collector reads: ARM's per-subscription lists, or Azure Resource Graph queries across subscriptions. */
export type CollectVia = 'arm' | 'resource-graph';
export const COLLECT_VIA: readonly CollectVia[] = ['arm', 'resource-graph'];

/** Per-resource ARM reads neither ARM lists nor Resource Graph can replace, which a run may leave out. */
export { SKIPPABLE_READS, type SkippableRead } from '../model/estate';

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
  /** ARM calls in flight at most, all quotas together (default 128); each quota's concurrency adapts below it. */
  concurrency?: number;
  /** Backoff of 429s the SDK does not retry, and the SDK's own retry delays (tests shorten them). */
  retry?: { maxRetries?: number; baseDelayMs?: number; maxDelayMs?: number };
  /**
   * The run's deadline (`--timeout`, default 15 minutes): then every request in flight is cancelled, what
   * was not read is marked `error`, and the run ends incomplete.
   */
  timeoutMs?: number;
  /** Per-request timeout, attempts, run retry budget and circuit breaker (request-fate.ts; tests shorten them). */
  fate?: Partial<Omit<FateSettings, 'retryStatuses'>>;
  /** Time for timeouts, backoff and the deadline (tests inject a manual clock). */
  clock?: Clock;
  /** Default `arm` (see collect/index.ts for why). */
  via?: CollectVia;
  /**
   * VNets (or subnets: their VNet is read) every vault's path depends on, such as the caller's, read by id
   * when the listed subscriptions do not hold them, together with their peered VNets.
   */
  referencedIds?: string[];
  /** Per-resource reads to leave out; the estate records them and the rules that need them report skipped. */
  skipReads?: SkippableRead[];
  /**
   * The principal KV404 checks (the caller profile's identity): when given, the role assignments that apply
   * to it on the audited RBAC-model vaults, and their role definitions, are read too (role-reads.ts).
   * Without it nothing is read for RBAC: no request, no cost.
   */
  rbacPrincipal?: RbacPrincipal;
  /** Progress callbacks for the CLI's TTY progress bar. */
  onProgress?: (event: { resourcesRead: number; vaultsFound: number }) => void;
  /** Verbose log lines (never tokens or Authorization headers). */
  log?: (line: string) => void;
}

/** A user or service principal, and the groups the caller profile says it belongs to. */
export interface RbacPrincipal {
  objectId: string;
  groupIds?: readonly string[];
}

/** What became of the role reads (only when `rbacPrincipal` was given): the model's role coverage. */
export type RoleReads = RoleCoverage;

/** The collector's answer: the ARM resources read, plus what could not be read. */
export interface CollectedEstate {
  resources: ArmResource[];
  /** Vaults that could not be (fully) read: id → reason. Their rules report `error`. */
  vaultErrors: Map<string, string>;
  notices: Notice[];
  /** ARM requests by operation (e.g. `Vaults.listBySubscription`: 3). */
  requests: Record<string, number>;
  stats: {
    vaultsListed: number;
    throttled: number;
    retried: number;
    scheduler?: SchedulerStats;
    /** Reads admitted, and full heap collections the collection asked for (heap.ts). */
    admission?: AdmissionStats & { heapCollections: number };
  };
  /** Present when `rbacPrincipal` was given: KV404 reads it (role-reads.ts). */
  roleReads?: RoleReads;
  /** Referenced private endpoints that could not be read (idKey → reason): their connections are skipped. */
  unreadable?: Map<string, string>;
}
