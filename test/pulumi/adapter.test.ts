import { adaptStack, estateOf, type PulumiResourceView } from '../../src/pulumi/adapter';

/**
 * The adapter on its own, for what the stacks do not declare. Shapes: azure-native's outputs for
 * network:RouteTable (`routes: RouteResponse[]`, flattened `addressPrefix`, `nextHopType`, `nextHopIpAddress`)
 * and network:Route (node_modules/@pulumi/azure-native/types/output.d.ts, network/route.d.ts).
 */
const SUB = '44444444-4444-4444-4444-444444444444';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-hub`;
const urn = (type: string, name: string): string => `urn:pulumi:s::p::pulumi:pulumi:Stack$${type}::${name}`;

test('a network:Route declared on its own lands in its route table, as ARM lists it', () => {
  const table: PulumiResourceView = {
    urn: urn('azure-native:network:RouteTable', 'udr'),
    type: 'azure-native:network:RouteTable',
    name: 'udr',
    props: {
      id: `${RG}/providers/Microsoft.Network/routeTables/udr-spoke`,
      name: 'udr-spoke',
      location: 'westeurope',
      provisioningState: 'Succeeded',
      disableBgpRoutePropagation: true,
      routes: [{ name: 'inline', addressPrefix: '10.9.0.0/16', nextHopType: 'None', provisioningState: 'Succeeded' }],
    },
  };
  const route: PulumiResourceView = {
    urn: urn('azure-native:network:Route', 'default'),
    type: 'azure-native:network:Route',
    name: 'default',
    props: {
      id: `${RG}/providers/Microsoft.Network/routeTables/udr-spoke/routes/to-firewall`,
      name: 'to-firewall',
      addressPrefix: '0.0.0.0/0',
      nextHopType: 'VirtualAppliance',
      nextHopIpAddress: '10.0.3.4',
      provisioningState: 'Succeeded',
    },
  };
  const estate = estateOf(adaptStack([table, route]));
  const routes = estate.routeTables.all()[0]?.routes.map((r) => [r.name, r.addressPrefix, r.nextHopType]);
  expect(routes).toEqual([
    ['inline', '10.9.0.0/16', 'None'],
    ['to-firewall', '0.0.0.0/0', 'VirtualAppliance'],
  ]);
});

/**
 * A VNet's outputs are its state when it was PUT: the first side of a peering pair reads `Initiated` (ARM's
 * answer until the remote VNet peers back; VirtualNetworkPeeringGet.json shows the `peeringState` field, and
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-peering#create-a-peering says both
 * sides turn Connected once the second exists). When the stack declares the way back, the estate reads Connected;
 * a peering nobody peers back stays Initiated. Shapes: azure-native's VirtualNetwork outputs
 * (`virtualNetworkPeerings: VirtualNetworkPeeringResponse[]`, flattened) and network:VirtualNetworkPeering.
 */
test('an inline peering still Initiated in the VNet outputs is Connected when the stack declares the peering back', () => {
  const vnet = (name: string, prefix: string, peerings: object[]): PulumiResourceView => ({
    urn: urn('azure-native:network:VirtualNetwork', name),
    type: 'azure-native:network:VirtualNetwork',
    name,
    props: {
      id: `${RG}/providers/Microsoft.Network/virtualNetworks/${name}`,
      name,
      location: 'westeurope',
      provisioningState: 'Succeeded',
      addressSpace: { addressPrefixes: [prefix] },
      virtualNetworkPeerings: peerings,
    },
  });
  const inline = (name: string, remote: string) => ({
    id: `${RG}/providers/Microsoft.Network/virtualNetworks/${name.split(':')[0]}/virtualNetworkPeerings/${name.split(':')[1]}`,
    name: name.split(':')[1],
    remoteVirtualNetwork: { id: `${RG}/providers/Microsoft.Network/virtualNetworks/${remote}` },
    allowVirtualNetworkAccess: true,
    peeringState: 'Initiated',
    provisioningState: 'Succeeded',
  });
  const back: PulumiResourceView = {
    urn: urn('azure-native:network:VirtualNetworkPeering', 'hub-to-app'),
    type: 'azure-native:network:VirtualNetworkPeering',
    name: 'hub-to-app',
    props: {
      id: `${RG}/providers/Microsoft.Network/virtualNetworks/vnet-hub/virtualNetworkPeerings/to-app`,
      name: 'to-app',
      remoteVirtualNetwork: { id: `${RG}/providers/Microsoft.Network/virtualNetworks/vnet-app` },
      allowVirtualNetworkAccess: true,
      peeringState: 'Connected',
      provisioningState: 'Succeeded',
    },
  };
  const estate = estateOf(
    adaptStack([
      vnet('vnet-hub', '10.0.0.0/16', []),
      vnet('vnet-app', '10.2.0.0/16', [inline('vnet-app:to-hub', 'vnet-hub')]),
      vnet('vnet-lonely', '10.3.0.0/16', [inline('vnet-lonely:to-hub', 'vnet-hub')]),
      back,
    ]),
  );
  const states = estate.virtualNetworks.all().map((v) => [v.name, v.peerings.map((p) => [p.name, p.peeringState])]);
  expect(states).toEqual([
    ['vnet-app', [['to-hub', 'Connected']]],
    ['vnet-hub', [['to-app', 'Connected']]],
    ['vnet-lonely', [['to-hub', 'Initiated']]],
  ]);
});
