import { existsSync } from 'node:fs';
import { CLOUDS } from '../model/cloud';
import { UsageError } from '../errors';
import type { CollectVia, CollectedEstate, LiveOptions } from './types';
import { collectEstate } from './collector';
import { DEFAULT_GLOBAL_CAP, Scheduler } from './scheduler';
import { Admission, admissionFor } from './admission';
import { HeapGovernor, processHeap } from './heap';
import { DEFAULT_BACKOFF, RequestLedger } from './policies';
import { SYSTEM_CLOCK } from './clock';
import { DEFAULT_FATE, FateContext, createFate } from './request-fate';
import { fateNotices } from './fate-notices';

export type { CollectedEstate, LiveOptions } from './types';

/** Requests in flight at most, all quotas together; each quota's own concurrency adapts below it (scheduler.ts). */
export const DEFAULT_CONCURRENCY = DEFAULT_GLOBAL_CAP;

/** `--timeout` default: long enough for thousands of vaults, short enough that a CI job never hangs. */
export const DEFAULT_RUN_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * ARM by default, Resource Graph on request (`--via resource-graph`). ARM GETs are the source of truth
 * and current; ARG is an index of them that follows changes with a delay
 * (https://learn.microsoft.com/azure/governance/resource-graph/overview#how-resource-graph-is-kept-current),
 * and kvguard is also the tool someone runs right after fixing a record. ARG cannot replace the reads
 * that cost per vault (DNS zone groups and diagnostic settings are in no ARG table), so it saves list
 * calls, not per-vault reads: worth it across many subscriptions (one query pages 1,000 rows across all
 * of them) or when the private DNS quota (500 GETs per 5 minutes per subscription) binds, since ARG
 * queries spend neither the subscriptions' read buckets nor that quota. docs/benchmarks.md has numbers.
 */
export const DEFAULT_VIA: CollectVia = 'arm';

/**
 * Reads the estate from ARM through the Azure SDKs, authenticated by DefaultAzureCredential (az login,
 * managed identity, workload identity, environment...). The SDKs and @azure/identity are loaded here,
 * on first use, so commands that never call ARM stay fast.
 */
export async function collectLive(options: LiveOptions): Promise<CollectedEstate> {
  if (options.subscriptions.length === 0)
    throw new UsageError('--subscription: at least one subscription id is needed for a live audit');
  if (options.caCertFile !== undefined && !existsSync(options.caCertFile))
    throw new UsageError(`--ca-cert: ${options.caCertFile}: no such file`);
  armEndpoint(options); // a bad --endpoint is a usage error before anything starts
  const backoff = { ...DEFAULT_BACKOFF, ...definedOnly(options.retry ?? {}) };
  const log = options.log ?? (() => undefined);
  const fate = createFate(options.clock ?? SYSTEM_CLOCK, options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS, {
    ...DEFAULT_FATE,
    ...definedOnly({ baseDelayMs: options.retry?.baseDelayMs, maxDelayMs: options.retry?.maxDelayMs }),
    ...definedOnly(options.fate ?? {}),
  });
  try {
    return await collectWithin(options, fate, backoff, log);
  } finally {
    fate.limits.dispose();
  }
}

async function collectWithin(
  options: LiveOptions,
  fate: FateContext,
  backoff: typeof DEFAULT_BACKOFF,
  log: (line: string) => void,
): Promise<CollectedEstate> {
  const endpoint = armEndpoint(options);
  const [{ DefaultAzureCredential }, { createSdkReader, createGraphReader }] = await Promise.all([
    import('@azure/identity'),
    import('./sdk-reader'),
  ]);
  const credential = new DefaultAzureCredential();
  // The token's audience is the cloud's ARM, whatever endpoint serves it (a proxy, the emulator), and the
  // same for every client: arm-keyvault alone would ask for `${endpoint}/.default`. A stable scope also
  // keeps MSAL's managed-identity token cache useful (it pins the identity endpoint per process).
  const scope = `${CLOUDS[options.cloud].resourceManager}/.default`;
  try {
    // Fail once, clearly, before fanning out requests that would all fail the same way.
    await withinDeadline(credential.getToken(scope), fate);
  } catch (thrown) {
    const cause = (thrown instanceof Error ? thrown.message : String(thrown)).replace(/\s+/g, ' ').slice(0, 400);
    throw new UsageError(
      `cannot get a token for ${scope} with DefaultAzureCredential (az login, managed identity or AZURE_* environment): ${cause}`,
    );
  }
  log(`ARM endpoint ${endpoint}; token scope ${scope}`);
  const ledger = new RequestLedger();
  const scheduler = new Scheduler({ globalCap: options.concurrency ?? DEFAULT_CONCURRENCY });
  const readerSettings = {
    credential,
    endpoint,
    scope,
    caCertFile: options.caCertFile,
    backoff,
    ledger,
    scheduler,
    fate,
  };
  const reader = createSdkReader(readerSettings);
  const heap = processHeap();
  const governor = heap ? new HeapGovernor(heap) : undefined;
  const admission = new Admission(admissionFor(scheduler.capacity), () => governor?.check());
  const via = options.via ?? DEFAULT_VIA;
  const collection = await collectEstate(reader, {
    subscriptions: unique(options.subscriptions),
    resourceGroup: options.resourceGroup,
    vaultName: options.vaultName,
    ...(options.referencedIds && options.referencedIds.length > 0 ? { referencedIds: options.referencedIds } : {}),
    cloud: options.cloud,
    log,
    admission,
    onProgress: options.onProgress,
    ...(via === 'resource-graph' ? { graph: createGraphReader(readerSettings) } : {}),
    ...(options.skipReads && options.skipReads.length > 0 ? { skipReads: new Set(options.skipReads) } : {}),
    ...(options.rbacPrincipal ? { rbacPrincipal: options.rbacPrincipal } : {}),
  });
  ledger.clearBodies();
  // What the collection left behind goes before the estate and the rules allocate theirs: V8 then sizes the
  // heap from what is really alive (10k arm audit: 591 → ~470 MB peak RSS; one full collection, ~100 ms).
  governor?.collectNow();
  const requests = Object.fromEntries(Object.entries(ledger.requests).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const collected: CollectedEstate = {
    resources: collection.resources,
    vaultErrors: collection.vaultErrors,
    notices: [...fateNotices(fate), ...collection.notices],
    requests,
    stats: {
      vaultsListed: collection.vaultsListed,
      throttled: ledger.throttled,
      retried: ledger.retried,
      scheduler: scheduler.stats(),
      admission: { ...admission.stats(), heapCollections: governor?.collections ?? 0 },
    },
    unreadable: collection.unreadable,
  };
  if (collection.roleReads) collected.roleReads = collection.roleReads;
  return collected;
}

export function armEndpoint(options: Pick<LiveOptions, 'endpoint' | 'cloud'>): string {
  const endpoint = options.endpoint ?? CLOUDS[options.cloud].resourceManager;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint: '${endpoint}' is not a URL`);
  }
  // The SDK's bearer-token policy refuses plain http, so an http endpoint would fail on every request.
  if (url.protocol !== 'https:')
    throw new UsageError(`--endpoint: '${endpoint}' must be https (bearer tokens are never sent over plain http)`);
  return endpoint.replace(/\/+$/, '');
}

function unique(values: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const v of values) if (!seen.has(v.toLowerCase())) seen.set(v.toLowerCase(), v);
  return [...seen.values()];
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The token request too ends at the deadline (a managed-identity endpoint that never answers). */
async function withinDeadline<T>(work: Promise<T>, fate: FateContext): Promise<T> {
  const { limits } = fate;
  if (limits.expired()) throw new Error(`the run's deadline (--timeout ${limits.timeoutText}) passed`);
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => reject(new Error(`no token before the run's deadline (--timeout ${limits.timeoutText})`));
    limits.signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => limits.signal.removeEventListener('abort', stop));
  });
}
