import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { RunningEmulator } from '../../src/emulator';
import { TestClock } from '../support/clock';
import { HUB_SUB, SPOKE_SUB, VAULT_ZONE } from '../../src/fixtures/scenario';
import {
  ASSIGNEE,
  SECRETS_USER_ROLE,
  clientOptions,
  collect,
  credential,
  emulatorWithIdentity,
  testEstate,
} from './support';

/**
 * The real SDK clients, authenticated by DefaultAzureCredential through the emulator's managed-identity
 * endpoint, over HTTPS with the emulator's CA: every type listed and read, pages followed, errors typed.
 */
const HUB_RG = 'rg-hub-dns';
const SPOKE_RG = 'rg-payments';

describe('the Azure SDKs against the emulator', () => {
  let emulator: RunningEmulator;
  let estate: Awaited<ReturnType<typeof testEstate>>;
  let clients: {
    keyVault: import('@azure/arm-keyvault').KeyVaultManagementClient;
    network: import('@azure/arm-network').NetworkManagementClient;
    hubNetwork: import('@azure/arm-network').NetworkManagementClient;
    dns: import('@azure/arm-privatedns').PrivateDnsManagementClient;
    monitor: import('@azure/arm-monitor').MonitorClient;
    authorization: import('@azure/arm-authorization').AuthorizationManagementClient;
  };

  beforeAll(async () => {
    estate = await testEstate();
    emulator = await emulatorWithIdentity(estate.resources, { pageSize: 1 });
    const cred = await credential();
    const options = clientOptions(emulator);
    const { KeyVaultManagementClient } = await import('@azure/arm-keyvault');
    const { NetworkManagementClient } = await import('@azure/arm-network');
    const { PrivateDnsManagementClient } = await import('@azure/arm-privatedns');
    const { MonitorClient } = await import('@azure/arm-monitor');
    const { AuthorizationManagementClient } = await import('@azure/arm-authorization');
    clients = {
      keyVault: new KeyVaultManagementClient(cred, SPOKE_SUB, options),
      network: new NetworkManagementClient(cred, SPOKE_SUB, options),
      hubNetwork: new NetworkManagementClient(cred, HUB_SUB, options),
      dns: new PrivateDnsManagementClient(cred, HUB_SUB, options),
      monitor: new MonitorClient(cred, SPOKE_SUB, options),
      authorization: new AuthorizationManagementClient(cred, SPOKE_SUB, options),
    };
  });

  afterAll(async () => {
    await emulator.stop();
  });

  const names = (items: { name?: string }[]): string[] => items.map((i) => i.name ?? '').sort();

  test('vaults and managed HSMs: list by subscription and resource group (two pages each), get', async () => {
    expect(names(await collect(clients.keyVault.vaults.listBySubscription()))).toEqual([
      'kv-orders-prod',
      'kv-payments-prod',
    ]);
    expect(names(await collect(clients.keyVault.vaults.listByResourceGroup(SPOKE_RG)))).toEqual([
      'kv-orders-prod',
      'kv-payments-prod',
    ]);
    const vault = await clients.keyVault.vaults.get(SPOKE_RG, 'kv-payments-prod');
    expect(vault.id).toBe(estate.first.ids.vault);
    expect(vault.properties.privateEndpointConnections?.[0]?.privateEndpoint?.id).toBe(estate.first.ids.endpoint);
    expect(names(await collect(clients.keyVault.managedHsms.listBySubscription()))).toEqual(['hsm-payments']);
    expect(names(await collect(clients.keyVault.managedHsms.listByResourceGroup(SPOKE_RG)))).toEqual(['hsm-payments']);
    expect((await clients.keyVault.managedHsms.get(SPOKE_RG, 'hsm-payments')).properties?.hsmUri).toBe(
      'https://hsm-payments.managedhsm.azure.net/',
    );
    const connections = await collect(
      clients.keyVault.privateEndpointConnections.listByResource(SPOKE_RG, 'kv-payments-prod'),
    );
    expect(connections.map((c) => c.privateLinkServiceConnectionState?.status)).toEqual(['Approved']);
  });

  test('the vault list pages through absolute nextLinks, one vault per page', async () => {
    const pages = await collect(clients.keyVault.vaults.listBySubscription().byPage());
    expect(pages.map((p) => p.length)).toEqual([1, 1]);
    expect(emulator.requestCounts()['GET Microsoft.KeyVault/vaults (list)']).toBeGreaterThanOrEqual(2);
  });

  test('private endpoints, zone groups, NICs, VNets and subnets', async () => {
    const { network } = clients;
    expect(names(await collect(network.privateEndpoints.listBySubscription()))).toEqual([
      'pe-kv-orders-prod',
      'pe-kv-payments-prod',
    ]);
    expect(names(await collect(network.privateEndpoints.list(SPOKE_RG)))).toEqual([
      'pe-kv-orders-prod',
      'pe-kv-payments-prod',
    ]);
    const endpoint = await network.privateEndpoints.get(SPOKE_RG, 'pe-kv-payments-prod');
    expect(endpoint.networkInterfaces?.[0]?.id).toBe(estate.first.ids.nic);
    const groups = await collect(network.privateDnsZoneGroups.list(SPOKE_RG, 'pe-kv-payments-prod'));
    expect(groups.map((g) => g.privateDnsZoneConfigs?.[0]?.privateDnsZoneId)).toEqual([estate.first.ids.zone]);
    expect((await network.privateDnsZoneGroups.get(SPOKE_RG, 'pe-kv-payments-prod', 'default')).id).toBe(
      estate.first.ids.zoneGroup,
    );
    expect((await collect(network.networkInterfaces.listAll())).length).toBe(2);
    expect((await collect(network.networkInterfaces.list(SPOKE_RG))).length).toBe(2);
    const nic = await network.networkInterfaces.get(SPOKE_RG, estate.first.ids.nic.split('/').pop() ?? '');
    expect(nic.ipConfigurations?.[0]?.privateIPAddress).toBe('10.1.1.4');
    expect(names(await collect(network.virtualNetworks.listAll()))).toEqual([
      'vnet-spoke-kv-orders-prod',
      'vnet-spoke-kv-payments-prod',
    ]);
    expect(names(await collect(network.virtualNetworks.list(SPOKE_RG)))).toEqual([
      'vnet-spoke-kv-orders-prod',
      'vnet-spoke-kv-payments-prod',
    ]);
    expect((await network.virtualNetworks.get(SPOKE_RG, 'vnet-spoke-kv-payments-prod')).subnets?.length).toBe(2);
    expect(names(await collect(network.subnets.list(SPOKE_RG, 'vnet-spoke-kv-payments-prod')))).toEqual([
      'snet-private-endpoints',
      'snet-workload',
    ]);
    expect(
      (await network.subnets.get(SPOKE_RG, 'vnet-spoke-kv-payments-prod', 'snet-private-endpoints')).addressPrefix,
    ).toBe('10.1.1.0/24');
    expect(names(await collect(clients.hubNetwork.virtualNetworks.listAll()))).toEqual(['vnet-hub']);
  });

  test('private DNS zones, links and record sets', async () => {
    const { dns } = clients;
    expect(names(await collect(dns.privateZones.list()))).toEqual([VAULT_ZONE]);
    expect(names(await collect(dns.privateZones.listByResourceGroup(HUB_RG)))).toEqual([VAULT_ZONE]);
    expect((await dns.privateZones.get(HUB_RG, VAULT_ZONE)).id).toBe(estate.first.ids.zone);
    expect(names(await collect(dns.virtualNetworkLinks.list(HUB_RG, VAULT_ZONE)))).toEqual([
      'link-vnet-hub',
      'link-vnet-spoke-kv-orders-prod',
      'link-vnet-spoke-kv-payments-prod',
    ]);
    expect((await dns.virtualNetworkLinks.get(HUB_RG, VAULT_ZONE, 'link-vnet-hub')).virtualNetwork?.id).toBe(
      estate.first.ids.hubVnet,
    );
    const aRecords = await collect(dns.recordSets.listByType(HUB_RG, VAULT_ZONE, 'A'));
    expect(aRecords.map((r) => [r.name, r.aRecords?.map((a) => a.ipv4Address)])).toEqual([
      ['kv-payments-prod', ['10.1.1.4']],
      ['kv-orders-prod', ['10.2.1.4']],
    ]);
    // Every zone has its SOA record set `@` (RecordSetSOAGet.json).
    expect(names(await collect(dns.recordSets.list(HUB_RG, VAULT_ZONE)))).toEqual([
      '@',
      'kv-orders-prod',
      'kv-payments-prod',
    ]);
    expect((await dns.recordSets.get(HUB_RG, VAULT_ZONE, 'A', 'kv-payments-prod')).fqdn).toBe(
      `kv-payments-prod.${VAULT_ZONE}.`,
    );
  });

  test('diagnostic settings of a vault (list and get)', async () => {
    const settings = await collect(clients.monitor.diagnosticSettings.list(estate.first.ids.vault));
    expect(settings.map((s) => [s.name, s.logs?.[0]?.categoryGroup])).toEqual([['audit-to-law', 'audit']]);
    expect((await clients.monitor.diagnosticSettings.get(estate.first.ids.vault, 'audit-to-law')).id).toBe(
      estate.first.ids.diagnosticSetting,
    );
  });

  test('role assignments for a scope (with filters) and role definitions', async () => {
    const { authorization } = clients;
    const atVault = await collect(authorization.roleAssignments.listForScope(estate.first.ids.vault));
    expect(atVault.map((a) => a.principalId)).toEqual([ASSIGNEE]);
    expect(await collect(authorization.roleAssignments.listForScope(estate.second.ids.vault))).toEqual([]);
    const bySubscription = await collect(
      authorization.roleAssignments.listForScope(`/subscriptions/${SPOKE_SUB}`, {
        filter: `principalId eq '${ASSIGNEE}'`,
      }),
    );
    expect(bySubscription.length).toBe(1);
    expect(
      await collect(authorization.roleAssignments.listForScope(`/subscriptions/${SPOKE_SUB}`, { filter: 'atScope()' })),
    ).toEqual([]);
    const definition = await authorization.roleDefinitions.get(estate.first.ids.vault, SECRETS_USER_ROLE);
    expect(definition.roleName).toBe('Key Vault Secrets User');
    const byName = await collect(
      authorization.roleDefinitions.list(`/subscriptions/${SPOKE_SUB}`, {
        filter: "roleName eq 'Key Vault Secrets User'",
      }),
    );
    expect(byName.map((d) => d.name)).toEqual([SECRETS_USER_ROLE]);
  });

  test('a missing vault is a RestError 404 ResourceNotFound; a missing resource group ResourceGroupNotFound', async () => {
    await expect(clients.keyVault.vaults.get(SPOKE_RG, 'kv-nope')).rejects.toMatchObject({
      name: 'RestError',
      statusCode: 404,
      code: 'ResourceNotFound',
    });
    await expect(clients.keyVault.vaults.get('rg-nope', 'kv-payments-prod')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceGroupNotFound',
    });
    const { KeyVaultManagementClient } = await import('@azure/arm-keyvault');
    const stranger = new KeyVaultManagementClient(
      await credential(),
      '99999999-9999-9999-9999-999999999999',
      clientOptions(emulator),
    );
    await expect(collect(stranger.vaults.listBySubscription())).rejects.toMatchObject({
      statusCode: 404,
      code: 'SubscriptionNotFound',
    });
  });

  test('a credential the emulator did not issue gets 401 with a Bearer challenge', async () => {
    const { KeyVaultManagementClient } = await import('@azure/arm-keyvault');
    const forged = {
      getToken: async () => ({ token: 'not-a-token-it-issued', expiresOnTimestamp: Date.now() + 3600_000 }),
    };
    const client = new KeyVaultManagementClient(forged, SPOKE_SUB, clientOptions(emulator));
    await expect(client.vaults.get(SPOKE_RG, 'kv-payments-prod')).rejects.toMatchObject({
      statusCode: 401,
      code: 'InvalidAuthenticationToken',
    });
  });
});

describe('throttling seen through the SDK', () => {
  test('an empty bucket answers 429 with Retry-After; the SDK waits and recovers', async () => {
    const estate = await testEstate();
    // The emulator's clock stands still, so no token comes back between the three reads however slowly a busy
    // machine sends them; it moves on by exactly the Retry-After the SDK is told to wait (seen on the wire by
    // a per-retry policy), so the SDK's retry finds a token. The SDK's own wait is real.
    const clock = new TestClock();
    const retryAfters: string[] = [];
    const advanceOnThrottle: PipelinePolicy = {
      name: 'advance-emulator-clock-on-429',
      async sendRequest(request, next) {
        const response = await next(request);
        const retryAfter = response.headers.get('retry-after');
        if (response.status === 429 && retryAfter) {
          retryAfters.push(retryAfter);
          clock.advance(Number(retryAfter) * 1000);
        }
        return response;
      },
    };
    const emulator = await emulatorWithIdentity(estate.resources, {
      throttle: { bucketSize: 2, refillPerSecond: 2 },
      clock,
    });
    try {
      const { KeyVaultManagementClient } = await import('@azure/arm-keyvault');
      const client = new KeyVaultManagementClient(await credential(), SPOKE_SUB, {
        ...clientOptions(emulator),
        additionalPolicies: [{ policy: advanceOnThrottle, position: 'perRetry' }],
      });
      const started = Date.now();
      const vaults = await Promise.all([1, 2, 3].map(() => client.vaults.get(SPOKE_RG, 'kv-payments-prod')));
      expect(vaults.map((v) => v.name)).toEqual(['kv-payments-prod', 'kv-payments-prod', 'kv-payments-prod']);
      // Three reads, a bucket of two: one 429 with Retry-After: 1, retried by the SDK after a second.
      expect(retryAfters).toEqual(['1']);
      expect(emulator.requestCounts()['GET Microsoft.KeyVault/vaults (get)']).toBe(4);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await emulator.stop();
    }
  });
});
