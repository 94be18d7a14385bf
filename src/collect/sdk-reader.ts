import { MODEL_TYPES } from '../model/estate';
import { readFileSync } from 'node:fs';
import type { TokenCredential } from '@azure/core-auth';
import { type HttpClient, type Pipeline, createDefaultHttpClient } from '@azure/core-rest-pipeline';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { NetworkManagementClient } from '@azure/arm-network';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { MonitorClient } from '@azure/arm-monitor';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { DnsResolverManagementClient } from '@azure/arm-dnsresolver';
import { ArmResource, JsonObject, parseId } from '../model/arm';
import { GraphReader, PROJECTION, armFromRow } from './graph';
import type { ArmReader, RoleAssignmentFilter, TopologyList } from './reader';
import { BackoffSettings, RequestLedger, graphQuotaPolicy, ledgerPolicy, schedulerPolicy } from './policies';
import type { Scheduler } from './scheduler';
import { FateContext, RETRY_STATUSES, attemptTimeoutPolicy, createFate, requestFatePolicy } from './request-fate';

/**
 * The ArmReader over the Azure SDK clients. Loaded only by `collectLive` (dynamic import), so commands
 * that do not call ARM never pay for the SDKs (arm-network alone takes ~365 ms to import).
 */
export interface SdkReaderSettings {
  credential: TokenCredential;
  /** ARM endpoint without trailing slash: the cloud's, or `--endpoint`. */
  endpoint: string;
  /** Token scope for every client (the cloud's ARM audience). */
  scope: string;
  caCertFile?: string;
  backoff: BackoffSettings;
  ledger: RequestLedger;
  /** When each request may go on the wire (per-quota adaptive concurrency). */
  scheduler: Scheduler;
  /** Timeout, retries, circuit breaker and deadline of every request (request-fate.ts); default: no deadline. */
  fate?: FateContext;
}

interface Clients {
  keyVault: KeyVaultManagementClient;
  network: NetworkManagementClient;
  privateDns: PrivateDnsManagementClient;
  monitor: MonitorClient;
  authorization: AuthorizationManagementClient;
  /** DNS Private Resolver: @azure/arm-dnsresolver 1.1.0, the only published major (api-version 2022-07-01). */
  dnsResolver: DnsResolverManagementClient;
}

export function createSdkReader(given: SdkReaderSettings): ArmReader {
  const settings = { ...given, fate: given.fate ?? createFate() };
  const options = clientOptions(settings);
  const bySubscription = new Map<string, Clients>();
  const clients = (subscriptionId: string): Clients => {
    const key = subscriptionId.toLowerCase();
    let found = bySubscription.get(key);
    if (!found) {
      found = {
        keyVault: new KeyVaultManagementClient(settings.credential, subscriptionId, options),
        network: new NetworkManagementClient(settings.credential, subscriptionId, options),
        privateDns: new PrivateDnsManagementClient(settings.credential, subscriptionId, options),
        monitor: new MonitorClient(settings.credential, subscriptionId, options),
        authorization: new AuthorizationManagementClient(settings.credential, subscriptionId, options),
        dnsResolver: new DnsResolverManagementClient(settings.credential, subscriptionId, options),
      };
      for (const client of Object.values(found) as { pipeline: Pipeline }[]) addPolicies(client.pipeline, settings);
      bySubscription.set(key, found);
    }
    return found;
  };
  const bodies = (items: readonly { id?: string }[]): ArmResource[] =>
    items.map((item) => armBody(settings.ledger, item.id));
  const drain = async (iterator: AsyncIterable<{ id?: string }>): Promise<ArmResource[]> => {
    // Each item swapped for ARM's body as its page arrives: the SDK's model of a page is garbage at once,
    // instead of living (and being promoted to the old generation) until the list's last page.
    const resources: ArmResource[] = [];
    for await (const item of iterator) resources.push(armBody(settings.ledger, item.id));
    return resources;
  };
  const locate = (id: string): { subscriptionId: string; resourceGroup: string; name: string; type: string } => {
    const parsed = parseId(id);
    if (!parsed.subscriptionId || !parsed.resourceGroup || !parsed.type)
      throw new Error(`not an ARM resource id: ${id}`);
    return {
      subscriptionId: parsed.subscriptionId,
      resourceGroup: parsed.resourceGroup,
      name: parsed.name,
      type: parsed.type.toLowerCase(),
    };
  };
  const parentOf = (id: string, segment: string): { subscriptionId: string; resourceGroup: string; name: string } => {
    const at = id.toLowerCase().indexOf(`/${segment}/`);
    return locate(at >= 0 ? id.slice(0, at) : id);
  };

  return {
    listVaults: (sub) => drain(clients(sub).keyVault.vaults.listBySubscription()),
    listManagedHsms: (sub) => drain(clients(sub).keyVault.managedHsms.listBySubscription()),
    listPrivateEndpoints: (sub) => drain(clients(sub).network.privateEndpoints.listBySubscription()),
    listNetworkInterfaces: (sub) => drain(clients(sub).network.networkInterfaces.listAll()),
    listVirtualNetworks: (sub) => drain(clients(sub).network.virtualNetworks.listAll()),
    listPrivateDnsZones: (sub) => drain(clients(sub).privateDns.privateZones.list()),
    listZoneGroups: (endpointId) => {
      const pe = locate(endpointId);
      return drain(clients(pe.subscriptionId).network.privateDnsZoneGroups.list(pe.resourceGroup, pe.name));
    },
    listVirtualNetworkLinks: (zoneId) => {
      const zone = locate(zoneId);
      return drain(clients(zone.subscriptionId).privateDns.virtualNetworkLinks.list(zone.resourceGroup, zone.name));
    },
    listARecordSets: (zoneId) => {
      const zone = locate(zoneId);
      // One list per zone, never one GET per record.
      return drain(clients(zone.subscriptionId).privateDns.recordSets.listByType(zone.resourceGroup, zone.name, 'A'));
    },
    listDiagnosticSettings: (resourceId) => {
      const target = parentOf(resourceId, 'providers/microsoft.insights');
      // The route template is `/{+resourceUri}/providers/...`: the id goes in without its leading slash.
      return drain(clients(target.subscriptionId).monitor.diagnosticSettings.list(resourceId.replace(/^\/+/, '')));
    },
    listRoleAssignments: (sub, filter) =>
      drain(clients(sub).authorization.roleAssignments.listForSubscription({ filter: odataFilter(filter) })),
    async getRoleDefinition(id) {
      const sub = parseId(id).subscriptionId;
      // Any subscription's client will do: the id is the whole path. The route is `/{roleId}`, without
      // encoding: the id goes in without its leading slash, as for diagnostic settings.
      const client = clients(
        sub ?? [...bySubscription.keys()][0] ?? '00000000-0000-0000-0000-000000000000',
      ).authorization;
      return bodies([await client.roleDefinitions.getById(id.replace(/^\/+/, ''))])[0] as ArmResource;
    },
    listTopology: (list, scopeId) => drain(topologyList(clients, locate, list, scopeId)),
    async getById(id) {
      const r = locate(id);
      const c = clients(r.subscriptionId);
      switch (r.type) {
        case MODEL_TYPES.privateEndpoint:
          return bodies([await c.network.privateEndpoints.get(r.resourceGroup, r.name)])[0] as ArmResource;
        case MODEL_TYPES.networkInterface:
          return bodies([await c.network.networkInterfaces.get(r.resourceGroup, r.name)])[0] as ArmResource;
        case MODEL_TYPES.virtualNetwork:
          return bodies([await c.network.virtualNetworks.get(r.resourceGroup, r.name)])[0] as ArmResource;
        case MODEL_TYPES.privateDnsZone:
          return bodies([await c.privateDns.privateZones.get(r.resourceGroup, r.name)])[0] as ArmResource;
        default:
          throw new Error(`kvguard does not read ${r.type} by id (${id})`);
      }
    },
  };
}

/** One topology list (issue 11) as the SDK pages it: by subscription, or under its parent resource. */
function topologyList(
  clients: (subscriptionId: string) => Clients,
  locate: (id: string) => { subscriptionId: string; resourceGroup: string; name: string },
  list: TopologyList,
  scopeId: string,
): AsyncIterable<{ id?: string }> {
  const parent = (): { c: Clients; rg: string; name: string } => {
    const p = locate(scopeId);
    return { c: clients(p.subscriptionId), rg: p.resourceGroup, name: p.name };
  };
  switch (list) {
    case 'routeTables':
      return clients(scopeId).network.routeTables.listAll();
    case 'networkSecurityGroups':
      return clients(scopeId).network.networkSecurityGroups.listAll();
    case 'azureFirewalls':
      return clients(scopeId).network.azureFirewalls.listAll();
    case 'firewallPolicies':
      return clients(scopeId).network.firewallPolicies.listAll();
    case 'virtualWans':
      return clients(scopeId).network.virtualWans.list();
    case 'virtualHubs':
      return clients(scopeId).network.virtualHubs.list();
    case 'dnsResolvers':
      return clients(scopeId).dnsResolver.dnsResolvers.list();
    case 'dnsForwardingRulesets':
      return clients(scopeId).dnsResolver.dnsForwardingRulesets.list();
    case 'hubVirtualNetworkConnections': {
      const { c, rg, name } = parent();
      return c.network.hubVirtualNetworkConnections.list(rg, name);
    }
    case 'hubRouteTables': {
      const { c, rg, name } = parent();
      return c.network.hubRouteTables.list(rg, name);
    }
    case 'inboundEndpoints': {
      const { c, rg, name } = parent();
      return c.dnsResolver.inboundEndpoints.list(rg, name);
    }
    case 'outboundEndpoints': {
      const { c, rg, name } = parent();
      return c.dnsResolver.outboundEndpoints.list(rg, name);
    }
    case 'forwardingRules': {
      const { c, rg, name } = parent();
      return c.dnsResolver.forwardingRules.list(rg, name);
    }
    case 'rulesetLinks': {
      const { c, rg, name } = parent();
      return c.dnsResolver.virtualNetworkLinks.list(rg, name);
    }
  }
}

/** The `$filter` of a role assignment list, as an OData string literal (a quote doubled). */
function odataFilter(filter: RoleAssignmentFilter): string {
  const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;
  return 'assignedTo' in filter
    ? `assignedTo(${literal(filter.assignedTo)})`
    : `principalId eq ${literal(filter.principalId)}`;
}

/** ARG's largest page. */
const GRAPH_PAGE_ROWS = 1000;

/**
 * Resource Graph through @azure/arm-resourcegraph: `POST /providers/Microsoft.ResourceGraph/resources`,
 * following `$skipToken` (in the body, not a nextLink) until the last page, within ARG's per-user quota.
 */
export function createGraphReader(given: SdkReaderSettings): GraphReader {
  const settings = { ...given, fate: given.fate ?? createFate() };
  const client = new ResourceGraphClient(settings.credential, clientOptions(settings));
  client.pipeline.addPolicy(graphQuotaPolicy(settings.backoff));
  // ARG's 429 carries no Retry-After but quota headers: graphQuotaPolicy waits those out, so not retried here too.
  const graphStatuses = new Set([...RETRY_STATUSES].filter((status) => status !== 429));
  const fate = { ...settings.fate, settings: { ...settings.fate.settings, retryStatuses: graphStatuses } };
  client.pipeline.addPolicy(requestFatePolicy(fate), { phase: 'Retry' });
  client.pipeline.addPolicy(schedulerPolicy(settings.scheduler), { afterPhase: 'Sign' });
  client.pipeline.addPolicy(attemptTimeoutPolicy(fate.settings.attemptTimeoutMs, fate.limits.clock), {
    afterPhase: 'Sign',
  });
  client.pipeline.addPolicy(ledgerPolicy(settings.ledger), { afterPhase: 'Sign' });
  return {
    async query(table, where, subscriptions) {
      const query = `${table} | where ${where} ${PROJECTION}`;
      const resources: ArmResource[] = [];
      let skipToken: string | undefined;
      do {
        const page = await client.resources({
          query,
          subscriptions: [...subscriptions],
          options: { top: GRAPH_PAGE_ROWS, resultFormat: 'objectArray', ...(skipToken ? { skipToken } : {}) },
        });
        const rows: unknown[] = Array.isArray(page.data) ? page.data : [];
        for (const row of rows) {
          const resource = row !== null && typeof row === 'object' ? armFromRow(row as JsonObject) : undefined;
          if (resource) resources.push(resource);
        }
        skipToken = page.skipToken;
      } while (skipToken);
      return resources;
    },
  };
}

/**
 * One HTTP client (so one keep-alive agent and one TLS session pool) for every SDK client of a collection.
 * Each SDK client otherwise makes its own, and a collection makes 5 per subscription: at 50 subscriptions
 * that is 250 connection pools, each paying its own TLS handshakes.
 */
const shared = new WeakMap<SdkReaderSettings, { httpClient: HttpClient; tlsOptions?: { ca: string } }>();

function clientOptions(settings: SdkReaderSettings) {
  let transport = shared.get(settings);
  if (!transport) {
    transport = {
      httpClient: createDefaultHttpClient(),
      ...(settings.caCertFile ? { tlsOptions: { ca: readFileSync(settings.caCertFile, 'utf8') } } : {}),
    };
    shared.set(settings, transport);
  }
  return {
    httpClient: transport.httpClient,
    endpoint: settings.endpoint,
    // One scope for every client (arm-keyvault defaults to `${endpoint}/.default`, the others to the
    // public cloud's https://management.azure.com/.default whatever the endpoint).
    credentials: { scopes: [settings.scope] },
    // arm-authorization 9 (core-client) reads `credentialScopes` instead and defaults to `${endpoint}/.default`,
    // a token ARM refuses (401 InvalidAuthenticationTokenAudience).
    credentialScopes: [settings.scope],
    ...(transport.tlsOptions ? { tlsOptions: transport.tlsOptions } : {}),
    // The SDK's own retry is off: requestFatePolicy decides every retry, within the run's budget and deadline
    // (the SDK's would retry 5xx and resets on its own clock, and never a 429 without Retry-After or a cut body).
    retryOptions: { maxRetries: 0 },
    userAgentOptions: { userAgentPrefix: 'kvguard' },
  };
}

function addPolicies(pipeline: Pipeline, settings: SdkReaderSettings & { fate: FateContext }): void {
  // Retry phase: retries, breaker and deadline, before signing (each attempt signed afresh).
  pipeline.addPolicy(requestFatePolicy(settings.fate), { phase: 'Retry' });
  // After signing: once per attempt on the wire, the scheduler's slot first, then the attempt's own timeout
  // (waiting for a slot is not the attempt's time).
  pipeline.addPolicy(schedulerPolicy(settings.scheduler), { afterPhase: 'Sign' });
  pipeline.addPolicy(attemptTimeoutPolicy(settings.fate.settings.attemptTimeoutMs, settings.fate.limits.clock), {
    afterPhase: 'Sign',
  });
  pipeline.addPolicy(ledgerPolicy(settings.ledger), { afterPhase: 'Sign' });
}

function armBody(ledger: RequestLedger, id: string | undefined): ArmResource {
  const body = id === undefined ? undefined : ledger.bodyOf(id);
  if (!body) throw new Error(`ARM returned a resource without a readable body (${id ?? 'no id'})`);
  return body;
}
