import { idKey } from '../../src/model/arm';
import { collectEstate, CollectSettings } from '../../src/collect/collector';
import { createLimiter } from '../../src/collect/pool';
import { HUB_SUB, SPOKE_SUB, healthyPath, hub, spokePath } from '../../src/fixtures/scenario';
import * as arm from '../../src/fixtures/arm-factory';
import { ArmError, fakeReader } from './fake-reader';

const settings = (subscriptions: string[], extra: Partial<CollectSettings> = {}): CollectSettings => ({
  subscriptions,
  cloud: 'AzureCloud',
  limiter: createLimiter(4),
  log: () => undefined,
  ...extra,
});
const ids = (resources: readonly { id: string }[]): string[] => resources.map((r) => idKey(r.id)).sort();

describe('collectEstate (traversal over an in-memory reader)', () => {
  it('reads a healthy path with every subscription listed: lists only, plus the per-vault reads', async () => {
    const path = healthyPath();
    const reader = fakeReader(path.resources);
    const result = await collectEstate(reader, settings([SPOKE_SUB, HUB_SUB]));
    expect(ids(result.resources)).toEqual(ids(path.resources));
    expect(result.vaultErrors.size).toBe(0);
    expect(result.notices).toEqual([]);
    expect(result.vaultsListed).toBe(1);
    expect(reader.calls).toEqual({
      listVaults: 2,
      listManagedHsms: 2,
      listPrivateEndpoints: 2,
      listNetworkInterfaces: 2,
      listVirtualNetworks: 2,
      listPrivateDnsZones: 2,
      // Rulesets apply to the VNets linked to them, which name nothing: listed per subscription (issue 11).
      'listTopology dnsForwardingRulesets': 2,
      listDiagnosticSettings: 1,
      listZoneGroups: 1,
      listVirtualNetworkLinks: 1,
      listARecordSets: 1,
    });
  });

  it('reads the hub zone and VNet by id, once, when only the spoke subscription is audited', async () => {
    const a = spokePath({ vaultName: 'kv-a', spokeOctet: 1 });
    const b = spokePath({ vaultName: 'kv-b', spokeOctet: 2 });
    const seed = [...hub().resources, ...a.resources, ...b.resources];
    const reader = fakeReader(seed);
    const result = await collectEstate(reader, settings([SPOKE_SUB]));
    expect(ids(result.resources)).toEqual(ids(seed));
    // The zone (referenced by both zone groups) and the hub VNet (peered from both spokes): one GET each.
    expect(reader.calls.getById).toBe(2);
    expect(reader.calls.listVirtualNetworkLinks).toBe(1);
    expect(reader.calls.listARecordSets).toBe(1);
    expect(reader.calls.listZoneGroups).toBe(2);
    expect(result.vaultErrors.size).toBe(0);
  });

  it('audits only the vaults matching --vault and --resource-group, and says when none match', async () => {
    const a = spokePath({ vaultName: 'kv-a', spokeOctet: 1 });
    const b = spokePath({ vaultName: 'kv-b', spokeOctet: 2, resourceGroup: 'rg-b' });
    const seed = [...hub().resources, ...a.resources, ...b.resources];
    const onlyB = await collectEstate(fakeReader(seed), settings([SPOKE_SUB, HUB_SUB], { vaultName: 'KV-B' }));
    expect(onlyB.resources.filter((r) => r.type === 'Microsoft.KeyVault/vaults').map((r) => r.name)).toEqual(['kv-b']);
    expect(onlyB.resources.some((r) => idKey(r.id) === idKey(a.ids.endpoint))).toBe(false);
    const none = await collectEstate(fakeReader(seed), settings([SPOKE_SUB], { resourceGroup: 'rg-nowhere' }));
    expect(none.vaultsListed).toBe(0);
    expect(none.notices).toEqual([
      {
        level: 'error',
        message: `no key vault or managed HSM found in subscription(s) ${SPOKE_SUB} matching resource group rg-nowhere`,
      },
    ]);
  });

  it('marks the vaults of a subscription error when one of its lists is refused', async () => {
    const path = healthyPath();
    const denied = new ArmError(
      403,
      'AuthorizationFailed',
      'The client does not have authorization to perform action.',
    );
    const reader = fakeReader(path.resources, (call, arg) =>
      call === 'listPrivateEndpoints' && arg === SPOKE_SUB ? denied : undefined,
    );
    const result = await collectEstate(reader, settings([SPOKE_SUB, HUB_SUB]));
    expect([...result.vaultErrors]).toEqual([
      [
        idKey(path.ids.vault),
        `subscription ${SPOKE_SUB}: could not list private endpoints: 403 AuthorizationFailed: The client does not have authorization to perform action.`,
      ],
    ]);
  });

  it('adds an error notice when a subscription refuses to list its vaults (no vault can be named)', async () => {
    const path = healthyPath();
    const denied = new ArmError(403, 'AuthorizationFailed', 'denied');
    const reader = fakeReader(path.resources, (call, arg) =>
      arg === HUB_SUB || arg.includes(HUB_SUB) ? denied : undefined,
    );
    const result = await collectEstate(reader, settings([SPOKE_SUB, HUB_SUB]));
    expect(result.notices.map((n) => n.message)).toEqual(
      expect.arrayContaining([`subscription ${HUB_SUB}: could not list key vaults: 403 AuthorizationFailed: denied`]),
    );
    // The hub's zone could not be listed nor read: the spoke's vault depends on it.
    expect(result.vaultErrors.get(idKey(path.ids.vault))).toBe(
      `could not read ${path.ids.zone}: 403 AuthorizationFailed: denied`,
    );
  });

  it('marks the vault error when a child list under a listed parent returns 404', async () => {
    const path = healthyPath();
    const gone = new ArmError(404, 'ResourceNotFound', 'gone');
    const reader = fakeReader(path.resources, (call) => (call === 'listZoneGroups' ? gone : undefined));
    const result = await collectEstate(reader, settings([SPOKE_SUB, HUB_SUB]));
    expect(result.vaultErrors.get(idKey(path.ids.vault))).toBe(
      'DNS zone groups of private endpoint pe-kv-payments-prod returned 404 after the parent was listed (deleted during the audit?): 404 ResourceNotFound: gone',
    );
  });

  it("does not GET a Disconnected connection's endpoint, nor what a listed subscription did not return", async () => {
    const path = healthyPath();
    const deletedPe = arm.privateEndpointId('33333333-3333-3333-3333-333333333333', 'rg-x', 'pe-deleted');
    const missingInSpoke = arm.privateEndpointId(SPOKE_SUB, 'rg-payments', 'pe-missing');
    const vault = arm.vault({
      subscriptionId: SPOKE_SUB,
      resourceGroup: 'rg-payments',
      name: 'kv-payments-prod',
      connections: [
        { privateEndpointId: path.ids.endpoint },
        { privateEndpointId: deletedPe, status: 'Disconnected' },
        { privateEndpointId: missingInSpoke },
      ],
    });
    const seed = path.resources.map((r) => (idKey(r.id) === idKey(path.ids.vault) ? vault : r));
    const reader = fakeReader(seed);
    const result = await collectEstate(reader, settings([SPOKE_SUB, HUB_SUB]));
    expect(reader.calls.getById).toBeUndefined();
    expect(result.vaultErrors.size).toBe(0);
  });

  it('marks dependents error when a resource referenced from outside the listed subscriptions returns 404', async () => {
    const path = healthyPath();
    const seed = path.resources.filter((r) => idKey(r.id) !== idKey(path.ids.zone));
    const result = await collectEstate(fakeReader(seed), settings([SPOKE_SUB]));
    expect(result.vaultErrors.get(idKey(path.ids.vault))).toBe(
      `${path.ids.zone} is referenced by a resource kvguard read but returned 404 (deleted during the audit?): 404 ResourceNotFound: The Resource '${path.ids.zone}' was not found.`,
    );
  });
});
