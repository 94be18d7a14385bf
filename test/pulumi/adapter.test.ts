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
