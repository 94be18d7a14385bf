import { readFileSync } from 'node:fs';
import type { TokenCredential } from '@azure/core-auth';
import type { Pipeline } from '@azure/core-rest-pipeline';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { parseId } from '../src/model/arm';
import { RequestLedger, ledgerPolicy } from '../src/collect/policies';
import { createLimiter } from '../src/collect/pool';

/**
 * The baseline kvguard is measured against: a collector as most scanners write one, through the same
 * SDK clients, with the SDK's own retry (Retry-After honoured, 3 retries... raised to 10 here so it is not
 * unfair) and the same number of requests in flight. It lists vaults per subscription, then GETs, for
 * each vault: the vault, each private endpoint, each endpoint's NIC, the private DNS zone, the A record
 * named after the vault; and once per zone lists the VNet links and GETs each. No caching across vaults,
 * no list where a GET per item is possible: one GET per vault, endpoint, NIC, zone, link and record.
 *
 * It runs on a time budget (the private DNS quota, 500 GETs per 5 minutes per subscription, makes a
 * 10,000-vault run take hours): when the budget is spent, requests in flight are aborted and the result
 * says how many vaults were done, so the caller can extrapolate.
 */
export interface NaiveOptions {
  credential: TokenCredential;
  endpoint: string;
  caCertFile: string;
  subscriptions: readonly string[];
  /** The hub zone the vaults resolve through (a naive scanner is told where the zone is). */
  zoneId: string;
  concurrency: number;
  budgetMs: number;
}

export interface NaiveResult {
  vaultsListed: number;
  vaultsDone: number;
  wallMs: number;
  /** The budget ran out before every vault was read. */
  timedOut: boolean;
  requests: Record<string, number>;
  throttled: number;
  /** Reads that failed for good with 429 (the SDK gave up on them). */
  unrecovered429: number;
  /** Private DNS GETs it made, and would make for every vault (for the quota-bound estimate). */
  privateDnsGets: number;
}

interface Clients {
  keyVault: KeyVaultManagementClient;
  network: NetworkManagementClient;
  privateDns: PrivateDnsManagementClient;
}

export async function collectNaively(options: NaiveOptions): Promise<NaiveResult> {
  const started = Date.now();
  const ledger = new RequestLedger();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.budgetMs);
  const clientOptions = {
    endpoint: options.endpoint,
    credentials: { scopes: ['https://management.azure.com/.default'] },
    tlsOptions: { ca: readFileSync(options.caCertFile, 'utf8') },
    retryOptions: { maxRetries: 10 },
  };
  const cache = new Map<string, Clients>();
  const clients = (subscriptionId: string): Clients => {
    let found = cache.get(subscriptionId.toLowerCase());
    if (!found) {
      found = {
        keyVault: new KeyVaultManagementClient(options.credential, subscriptionId, clientOptions),
        network: new NetworkManagementClient(options.credential, subscriptionId, clientOptions),
        privateDns: new PrivateDnsManagementClient(options.credential, subscriptionId, clientOptions),
      };
      for (const client of Object.values(found) as { pipeline: Pipeline }[])
        client.pipeline.addPolicy(ledgerPolicy(ledger), { afterPhase: 'Sign' });
      cache.set(subscriptionId.toLowerCase(), found);
    }
    return found;
  };
  const limiter = createLimiter(options.concurrency);
  const signal = { abortSignal: abort.signal };
  let unrecovered429 = 0;
  let privateDnsGets = 0;
  const attempt = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await limiter.run(read);
    } catch (thrown) {
      if ((thrown as { statusCode?: number }).statusCode === 429) unrecovered429 += 1;
      return undefined; // 404s and the like: a scanner moves on
    }
  };
  const zone = parseId(options.zoneId);
  const zoneRg = zone.resourceGroup ?? '';
  const zoneClients = clients(zone.subscriptionId ?? '');

  const vaults: { id: string; name: string; resourceGroup: string; subscriptionId: string }[] = [];
  let vaultsDone = 0;
  try {
    for (const subscriptionId of options.subscriptions) {
      if (abort.signal.aborted) break;
      await attempt(async () => {
        for await (const vault of clients(subscriptionId).keyVault.vaults.listBySubscription(signal)) {
          const parsed = parseId(vault.id ?? '');
          vaults.push({
            id: vault.id ?? '',
            name: vault.name ?? '',
            resourceGroup: parsed.resourceGroup ?? '',
            subscriptionId,
          });
        }
      });
    }
    // Links: listed once, then one GET each.
    const links: string[] = [];
    await attempt(async () => {
      privateDnsGets += 1;
      for await (const link of zoneClients.privateDns.virtualNetworkLinks.list(zoneRg, zone.name, signal))
        if (link.name) links.push(link.name);
    });
    await Promise.all(
      links.map((name) =>
        attempt(() => {
          privateDnsGets += 1;
          return zoneClients.privateDns.virtualNetworkLinks.get(zoneRg, zone.name, name, signal);
        }),
      ),
    );
    await Promise.all(
      vaults.map(async (v) => {
        if (abort.signal.aborted) return;
        const c = clients(v.subscriptionId);
        const vault = await attempt(() => c.keyVault.vaults.get(v.resourceGroup, v.name, signal));
        for (const connection of vault?.properties?.privateEndpointConnections ?? []) {
          const endpointId = connection.privateEndpoint?.id;
          if (!endpointId) continue;
          const pe = parseId(endpointId);
          const endpoint = await attempt(() =>
            clients(pe.subscriptionId ?? '').network.privateEndpoints.get(pe.resourceGroup ?? '', pe.name, signal),
          );
          for (const nic of endpoint?.networkInterfaces ?? []) {
            const n = parseId(nic.id ?? '');
            await attempt(() =>
              clients(n.subscriptionId ?? '').network.networkInterfaces.get(n.resourceGroup ?? '', n.name, signal),
            );
          }
          privateDnsGets += 2;
          await attempt(() => zoneClients.privateDns.privateZones.get(zoneRg, zone.name, signal));
          await attempt(() => zoneClients.privateDns.recordSets.get(zoneRg, zone.name, 'A', v.name, signal));
        }
        if (!abort.signal.aborted) vaultsDone += 1;
      }),
    );
  } finally {
    clearTimeout(timer);
  }
  return {
    vaultsListed: vaults.length,
    vaultsDone,
    wallMs: Date.now() - started,
    timedOut: abort.signal.aborted,
    requests: Object.fromEntries(Object.entries(ledger.requests).sort(([a], [b]) => (a < b ? -1 : 1))),
    throttled: ledger.throttled,
    unrecovered429,
    privateDnsGets,
  };
}
