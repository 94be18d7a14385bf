import { privateDnsZoneGroup } from '../../rules/private-dns-zone-group';
import * as arm from '../../src/fixtures/arm-factory';
import { HUB_SUB, SPOKE_SUB, VAULT_ZONE, healthyPath, modify, remove } from '../../src/fixtures/scenario';
import type { ArmResource } from '../../src/model/arm';
import { ruleTester } from '../support/rule-tester';

const path = healthyPath();
const {
  vault: vaultId,
  endpoint: endpointId,
  nic: nicId,
  zone: hubZoneId,
  zoneGroup: zoneGroupId,
  spokeSubnet,
} = path.ids;
const zoneIdNamed = (name: string) => arm.privateDnsZoneId(HUB_SUB, 'rg-hub-dns', name);

/** The endpoint's zone group rebuilt with these zone configs. */
const zoneGroupWith = (zones: { zoneId: string }[], resources: ArmResource[] = path.resources) =>
  modify(resources, zoneGroupId, () => arm.privateDnsZoneGroup(endpointId, 'default', zones));
const vaultWithUri = (vaultUri: string) =>
  modify(path.resources, vaultId, () =>
    arm.vault({
      subscriptionId: SPOKE_SUB,
      resourceGroup: 'rg-payments',
      name: 'kv-payments-prod',
      vaultUri,
      connections: [{ privateEndpointId: endpointId }],
    }),
  );

const hsm = arm.managedHsm({ subscriptionId: SPOKE_SUB, resourceGroup: 'rg-hsm', name: 'hsm-payments' });
const hsmEndpoint = arm.privateEndpoint({
  subscriptionId: SPOKE_SUB,
  resourceGroup: 'rg-hsm',
  name: 'pe-hsm-payments',
  subnetId: spokeSubnet,
  targetId: hsm.id,
  groupId: 'managedhsm',
  ipAddress: '10.1.1.7',
});
const hsmPath = (zoneName: string) => [
  arm.managedHsm({
    subscriptionId: SPOKE_SUB,
    resourceGroup: 'rg-hsm',
    name: 'hsm-payments',
    connections: [{ privateEndpointId: hsmEndpoint.endpoint.id }],
  }),
  hsmEndpoint.endpoint,
  hsmEndpoint.nic,
  arm.privateDnsZoneGroup(hsmEndpoint.endpoint.id, 'default', [{ zoneId: zoneIdNamed(zoneName) }]),
];
const noEndpoint = modify(remove(remove(remove(path.resources, endpointId), nicId), zoneGroupId), vaultId, () =>
  arm.vault({ subscriptionId: SPOKE_SUB, resourceGroup: 'rg-payments', name: 'kv-payments-prod' }),
);
const points = `private endpoint pe-kv-payments-prod has DNS zone group default pointing at ${VAULT_ZONE}`;

ruleTester(privateDnsZoneGroup, [
  {
    name: 'zone groups left out of a live read (--skip-reads): skipped, not a false fail',
    resources: path.resources,
    skippedReads: ['zone-groups'],
    expected: [
      {
        outcome: 'skipped',
        resourceId: path.ids.vault,
        message: 'kv-payments-prod: DNS zone groups were not read (--skip-reads zone-groups)',
      },
    ],
  },
  {
    name: 'hub zone in another subscription',
    resources: path.resources,
    expected: [{ outcome: 'pass', resourceId: endpointId, message: `${points} (${hubZoneId})` }],
  },
  {
    name: 'zone name in another casing',
    resources: zoneGroupWith([{ zoneId: zoneIdNamed('PrivateLink.VaultCore.Azure.Net') }]),
    expected: [
      {
        outcome: 'pass',
        resourceId: endpointId,
        message: `${points} (${zoneIdNamed('PrivateLink.VaultCore.Azure.Net')})`,
      },
    ],
  },
  {
    name: 'one right config among others',
    resources: zoneGroupWith([{ zoneId: zoneIdNamed('privatelink.blob.core.windows.net') }, { zoneId: hubZoneId }]),
    expected: [{ outcome: 'pass', resourceId: endpointId, message: `${points} (${hubZoneId})` }],
  },
  {
    name: 'zone group filed under an upper-cased endpoint id',
    resources: modify(path.resources, zoneGroupId, () =>
      arm.privateDnsZoneGroup(endpointId.toUpperCase(), 'default', [{ zoneId: hubZoneId }]),
    ),
    expected: [{ outcome: 'pass', resourceId: endpointId, message: `${points} (${hubZoneId})` }],
  },
  {
    name: 'managed HSM with privatelink.managedhsm.azure.net',
    resources: hsmPath('privatelink.managedhsm.azure.net'),
    expected: [
      {
        outcome: 'pass',
        resourceId: hsmEndpoint.endpoint.id,
        message: `private endpoint pe-hsm-payments has DNS zone group default pointing at privatelink.managedhsm.azure.net (${zoneIdNamed('privatelink.managedhsm.azure.net')})`,
      },
    ],
  },
  {
    name: 'no zone group',
    resources: remove(path.resources, zoneGroupId),
    expected: [
      {
        outcome: 'fail',
        resourceId: endpointId,
        message: `private endpoint pe-kv-payments-prod has no DNS zone group; expected one pointing at ${VAULT_ZONE}`,
      },
    ],
  },
  {
    name: 'zone group pointing at a differently named zone',
    resources: zoneGroupWith([{ zoneId: zoneIdNamed('privatelink.vault.azure.net') }]),
    expected: [
      {
        outcome: 'fail',
        resourceId: endpointId,
        message: `private endpoint pe-kv-payments-prod has DNS zone group default that points at privatelink.vault.azure.net; expected ${VAULT_ZONE}`,
      },
    ],
  },
  {
    name: 'zone group with no zone config',
    resources: zoneGroupWith([]),
    expected: [
      {
        outcome: 'fail',
        resourceId: endpointId,
        message: `private endpoint pe-kv-payments-prod has DNS zone group default that points at no zone; expected ${VAULT_ZONE}`,
      },
    ],
  },
  {
    name: 'managed HSM pointing at the vault zone',
    resources: hsmPath(VAULT_ZONE),
    expected: [
      {
        outcome: 'fail',
        resourceId: hsmEndpoint.endpoint.id,
        message: `private endpoint pe-hsm-payments has DNS zone group default that points at ${VAULT_ZONE}; expected privatelink.managedhsm.azure.net`,
      },
    ],
  },
  {
    name: 'US Government vault pointing at the public cloud zone',
    resources: vaultWithUri('https://kv-payments-prod.vault.usgovcloudapi.net/'),
    expected: [
      {
        outcome: 'fail',
        resourceId: endpointId,
        message: `private endpoint pe-kv-payments-prod has DNS zone group default that points at ${VAULT_ZONE}; expected privatelink.vaultcore.usgovcloudapi.net`,
      },
    ],
  },
  {
    name: 'vault URI of no known cloud',
    resources: vaultWithUri('https://kv-payments-prod.vault.example.com/'),
    expected: [
      {
        outcome: 'error',
        resourceId: vaultId,
        message:
          'kv-payments-prod: cannot tell which private DNS zone its endpoints need: vaultUri https://kv-payments-prod.vault.example.com/ matches no known Azure cloud',
      },
    ],
  },
  {
    name: 'endpoint outside the audited scope',
    resources: remove(remove(path.resources, endpointId), nicId),
    expected: [
      {
        // KV103 reports the missing endpoint (error naming the scope); its zone group is not judged here.
        outcome: 'skipped',
        resourceId: `${vaultId}/privateEndpointConnections/pe-kv-payments-prod-conn0`,
        message: `private endpoint ${endpointId} of connection pe-kv-payments-prod was not collected: it is not among the collected resources of subscription 22222222-2222-2222-2222-222222222222: collect its resource group too, or check whether it was deleted`,
      },
    ],
  },
  {
    name: 'DNS managed elsewhere',
    resources: remove(path.resources, zoneGroupId),
    options: { dnsManagedElsewhere: true },
    expected: [
      {
        outcome: 'skipped',
        resourceId: vaultId,
        message: 'kv-payments-prod: DNS for private endpoints is managed elsewhere (dnsManagedElsewhere is set)',
      },
    ],
  },
  {
    name: 'no private endpoint',
    resources: noEndpoint,
    expected: [{ outcome: 'skipped', resourceId: vaultId, message: 'kv-payments-prod has no private endpoint' }],
  },
]);
