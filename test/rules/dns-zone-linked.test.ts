import { dnsZoneLinked } from '../../rules/dns-zone-linked';
import * as arm from '../../src/fixtures/arm-factory';
import { healthyPath, modify, remove } from '../../src/fixtures/scenario';
import { ruleTester } from '../support/rule-tester';
import {
  appVnet,
  managedHsmPath,
  secondSpoke,
  upperCased,
  usGovPath,
  withDnsServers,
  withoutEndpoint,
  withProperties,
} from '../support/dns-scenarios';

const path = healthyPath();
const { vault: vaultId, spokeVnet, spokeLink, hubLink, hubVnet, zone: zoneId } = path.ids;
const zone = 'privatelink.vaultcore.azure.net';
const spoke = 'vnet-spoke-kv-payments-prod';
const spokeLinked = {
  outcome: 'pass' as const,
  resourceId: spokeLink,
  message: `${spoke} is linked to ${zone} (link link-${spoke})`,
};
const unlinked = remove(path.resources, spokeLink);
const app = appVnet(hubVnet);
const gov = usGovPath();
const hsm = managedHsmPath();
const spoke2 = secondSpoke(path, false);
const missingEndpoint = arm.privateEndpointId('33333333-3333-3333-3333-333333333333', 'rg-other', 'pe-other-team');
const withMissingEndpoint = modify(path.resources, vaultId, (v) => {
  const connections = v.properties?.privateEndpointConnections;
  if (Array.isArray(connections))
    connections.push({
      id: `${vaultId}/privateEndpointConnections/other`,
      properties: { privateEndpoint: { id: missingEndpoint } },
    });
  return v;
});

ruleTester(dnsZoneLinked, [
  { name: "the endpoint's spoke is linked", resources: path.resources, expected: [spokeLinked] },
  {
    name: 'caller in the workload subnet of the spoke',
    resources: path.resources,
    caller: { subnetId: path.ids.workloadSubnet },
    expected: [spokeLinked],
  },
  {
    name: 'spoke resolves through a DNS server in the linked hub',
    resources: withDnsServers(unlinked, spokeVnet, ['10.0.0.4']),
    expected: [
      {
        outcome: 'pass',
        resourceId: hubLink,
        message: `${spoke} resolves ${zone} through DNS server 10.0.0.4 (vnet-hub), which is linked (link link-vnet-hub); assumes the DNS server at 10.0.0.4 in vnet-hub forwards to Azure DNS (168.63.129.16): kvguard cannot see its configuration`,
      },
    ],
  },
  {
    name: 'Azure-provided DNS listed explicitly counts as the spoke itself',
    resources: withDnsServers(path.resources, spokeVnet, ['168.63.129.16']),
    expected: [spokeLinked],
  },
  {
    name: 'spoke peered to the linked hub but not linked itself',
    resources: unlinked,
    expected: [
      {
        outcome: 'fail',
        resourceId: spokeVnet,
        message: `${spoke} uses Azure-provided DNS and is not linked to ${zone}; it is peered to vnet-hub, which is linked, but peering does not carry private DNS zone links`,
      },
    ],
  },
  {
    name: 'caller in another VNet peered to the hub, not linked',
    resources: [...path.resources, app.resource],
    caller: { vnetId: app.id },
    expected: [
      {
        outcome: 'fail',
        resourceId: app.id,
        message: `vnet-app uses Azure-provided DNS and is not linked to ${zone}; it is peered to vnet-hub, which is linked, but peering does not carry private DNS zone links`,
      },
    ],
  },
  {
    name: 'caller VNet neither linked nor peered',
    resources: [...path.resources, appVnet().resource],
    caller: { vnetId: app.id },
    expected: [
      {
        outcome: 'fail',
        resourceId: app.id,
        message: `vnet-app uses Azure-provided DNS and is not linked to ${zone}, so kv-payments-prod resolves to its public address there`,
      },
    ],
  },
  {
    name: 'link still in progress',
    resources: withProperties(path.resources, spokeLink, { virtualNetworkLinkState: 'InProgress' }),
    expected: [
      {
        outcome: 'fail',
        resourceId: spokeLink,
        message: `link link-${spoke} from ${spoke} to ${zone} is not active (virtualNetworkLinkState InProgress, provisioningState Succeeded)`,
      },
    ],
  },
  {
    name: 'link failed to provision',
    resources: withProperties(path.resources, spokeLink, { provisioningState: 'Failed' }),
    expected: [
      {
        outcome: 'fail',
        resourceId: spokeLink,
        message: `link link-${spoke} from ${spoke} to ${zone} is not active (virtualNetworkLinkState Completed, provisioningState Failed)`,
      },
    ],
  },
  {
    name: "the hub's link failed while the spoke resolves through the hub",
    resources: withProperties(withDnsServers(unlinked, spokeVnet, ['10.0.0.4']), hubLink, {
      provisioningState: 'Failed',
    }),
    expected: [
      {
        outcome: 'fail',
        resourceId: hubLink,
        message: `${spoke} resolves through DNS servers in vnet-hub, whose link link-vnet-hub to ${zone} is not active (virtualNetworkLinkState Completed, provisioningState Failed)`,
      },
    ],
  },
  {
    name: 'DNS server in the hub, hub not linked',
    resources: withDnsServers(remove(unlinked, hubLink), spokeVnet, ['10.0.0.4']),
    expected: [
      {
        outcome: 'fail',
        resourceId: spokeVnet,
        message: `${spoke} resolves through DNS server 10.0.0.4 (vnet-hub), and vnet-hub is not linked to ${zone}, so kv-payments-prod resolves to its public address`,
      },
    ],
  },
  {
    // The first server that answers decides (issue 11): kvguard cannot tell whether 192.168.10.4 does.
    name: 'on-premises DNS servers',
    resources: withDnsServers(path.resources, spokeVnet, ['192.168.10.4', '192.168.10.5']),
    expected: [
      {
        outcome: 'skipped',
        resourceId: spokeVnet,
        message: `${spoke} uses DNS server 192.168.10.4 outside every audited VNet: kvguard cannot see whether it forwards ${zone} to Azure DNS (168.63.129.16)`,
      },
    ],
  },
  {
    name: 'internet caller',
    resources: path.resources,
    caller: { ips: ['203.0.113.7'] },
    expected: [
      {
        outcome: 'skipped',
        resourceId: vaultId,
        message: 'the caller is not in a VNet (caller IP 203.0.113.7), so private DNS zone links do not apply',
      },
    ],
  },
  {
    name: 'two spokes, the second one not linked',
    resources: [...path.resources, ...remove(spoke2.resources, `${zoneId}/virtualNetworkLinks/link-vnet-spoke-2`)],
    // Ordered by endpoint id: rg-payments-spoke2 sorts before rg-payments/.
    expected: [
      {
        outcome: 'fail',
        resourceId: spoke2.vnetId,
        message: `vnet-spoke-2 uses Azure-provided DNS and is not linked to ${zone}; it is peered to vnet-hub, which is linked, but peering does not carry private DNS zone links`,
      },
      spokeLinked,
    ],
  },
  {
    name: 'caller VNet outside the audited scope',
    resources: path.resources,
    caller: { vnetId: app.id },
    expected: [
      {
        outcome: 'error',
        resourceId: app.id,
        message: `VNet vnet-app is not in the audited scope, so its DNS servers cannot be read; ${zone} has no link to it`,
      },
    ],
  },
  {
    name: 'a private endpoint outside the collected scope: its connection skipped, the collected one judged',
    resources: withMissingEndpoint,
    expected: [
      spokeLinked,
      {
        // Its VNet is unknown: skipped on the connection (KV103 reports the scope to add), not guessed.
        outcome: 'skipped',
        resourceId: `${vaultId}/privateEndpointConnections/other`,
        message: `private endpoint ${missingEndpoint} of connection pe-other-team was not collected: it is in subscription 33333333-3333-3333-3333-333333333333, outside the collected scope: add subscription 33333333-3333-3333-3333-333333333333 to the audit (--subscription, or to the snapshot)`,
      },
    ],
  },
  {
    name: 'US Government vault',
    resources: gov.resources,
    expected: [
      {
        outcome: 'pass',
        resourceId: gov.ids.spokeLink,
        message: `${spoke} is linked to privatelink.vaultcore.usgovcloudapi.net (link link-${spoke})`,
      },
    ],
  },
  {
    name: 'managed HSM spoke not linked',
    resources: remove(hsm.resources, hsm.ids.spokeLink),
    expected: [
      {
        outcome: 'fail',
        resourceId: hsm.ids.spokeVnet,
        message:
          'vnet-spoke-hsm-payments uses Azure-provided DNS and is not linked to privatelink.managedhsm.azure.net; it is peered to vnet-hub, which is linked, but peering does not carry private DNS zone links',
      },
    ],
  },
  {
    name: 'upper-cased link and VNet ids',
    resources: upperCased(upperCased(path.resources, spokeLink), spokeVnet),
    expected: [{ ...spokeLinked, resourceId: spokeLink.toUpperCase() }],
  },
  {
    name: 'no zone of the required name',
    resources: remove(path.resources, zoneId),
    expected: [
      {
        outcome: 'skipped',
        resourceId: vaultId,
        message: `no private DNS zone named ${zone} in the audited scope (KV202 reports it)`,
      },
    ],
  },
  {
    name: 'no private endpoint',
    resources: withoutEndpoint(path),
    expected: [
      {
        outcome: 'skipped',
        resourceId: vaultId,
        message: 'kv-payments-prod has no private endpoint, so private DNS does not apply',
      },
    ],
  },
]);
