import type { RunningEmulator } from '../../src/emulator';
import { virtualNetwork, vnetId } from '../../src/fixtures/arm-factory';
import type { ArmResource } from '../../src/model/arm';
import { buildEstate } from '../../src/model/estate';
import { vnetsConnected } from '../../src/checks/access-path';
import { clientOptions, collect, credential, emulatorWithIdentity, rawRequest, token } from './support';

/**
 * VNet peerings as ARM keeps them: inside the VNet (`properties.virtualNetworkPeerings`) and as their own
 * resource; `Initiated` until the remote VNet peers back, then `Connected` on both sides; the other side
 * `Disconnected` when one side goes.
 */
const SUB = '55555555-5555-5555-5555-555555555555';
const RG = 'rg-net';
const NETWORK_API = '2026-01-01';
const HUB = vnetId(SUB, RG, 'vnet-hub');
const SPOKE = vnetId(SUB, RG, 'vnet-spoke');
const OVERLAPPING = vnetId(SUB, RG, 'vnet-overlap');

const seed: ArmResource[] = [
  virtualNetwork({
    subscriptionId: SUB,
    resourceGroup: RG,
    name: 'vnet-hub',
    addressPrefixes: ['10.0.0.0/16'],
    subnets: [],
  }),
  virtualNetwork({
    subscriptionId: SUB,
    resourceGroup: RG,
    name: 'vnet-spoke',
    addressPrefixes: ['10.1.0.0/16'],
    subnets: [{ name: 'default', addressPrefix: '10.1.0.0/24' }],
  }),
  virtualNetwork({
    subscriptionId: SUB,
    resourceGroup: RG,
    name: 'vnet-overlap',
    addressPrefixes: ['10.1.128.0/17'],
    subnets: [],
  }),
];

describe('virtual network peerings', () => {
  let emulator: RunningEmulator;
  let network: import('@azure/arm-network').NetworkManagementClient;
  let bearer: string;

  beforeAll(async () => {
    emulator = await emulatorWithIdentity(seed);
    const { NetworkManagementClient } = await import('@azure/arm-network');
    network = new NetworkManagementClient(await credential(), SUB, clientOptions(emulator));
    bearer = await token(emulator);
  });
  afterAll(() => emulator.stop());

  /** Each VNet's peerings as a VNet GET returns them: `name -> state`. */
  async function statesInVnets(): Promise<Record<string, Record<string, string | undefined>>> {
    const out: Record<string, Record<string, string | undefined>> = {};
    for (const name of ['vnet-hub', 'vnet-spoke']) {
      const vnet = await network.virtualNetworks.get(RG, name);
      out[name] = Object.fromEntries((vnet.virtualNetworkPeerings ?? []).map((p) => [p.name ?? '', p.peeringState]));
    }
    return out;
  }

  const connected = (): boolean => vnetsConnected(buildEstate(emulator.resources()), HUB, SPOKE);
  const put = (vnet: string, name: string, body: unknown) =>
    rawRequest(emulator, `${vnet}/virtualNetworkPeerings/${name}?api-version=${NETWORK_API}`, {
      method: 'PUT',
      token: bearer,
      body,
    });
  const errorCode = (response: { status: number; body: unknown }): [number, string] => [
    response.status,
    (response.body as { error?: { code: string } }).error?.code ?? 'ok',
  ];

  test('one side is Initiated; once the remote VNet peers back both sides are Connected', async () => {
    const first = await network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(RG, 'vnet-spoke', 'to-hub', {
      remoteVirtualNetwork: { id: HUB },
      allowVirtualNetworkAccess: true,
    });
    expect(first).toMatchObject({
      id: `${SPOKE}/virtualNetworkPeerings/to-hub`,
      name: 'to-hub',
      type: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
      peeringState: 'Initiated',
      peeringSyncLevel: 'FullyInSync',
      provisioningState: 'Succeeded',
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: false,
      remoteVirtualNetwork: { id: HUB },
      remoteAddressSpace: { addressPrefixes: ['10.0.0.0/16'] },
      remoteVirtualNetworkAddressSpace: { addressPrefixes: ['10.0.0.0/16'] },
    });
    expect(await statesInVnets()).toEqual({ 'vnet-hub': {}, 'vnet-spoke': { 'to-hub': 'Initiated' } });
    expect(connected()).toBe(false);

    const back = await network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(RG, 'vnet-hub', 'to-spoke', {
      remoteVirtualNetwork: { id: SPOKE },
      allowVirtualNetworkAccess: true,
    });
    expect(back.peeringState).toBe('Connected');
    expect((await network.virtualNetworkPeerings.get(RG, 'vnet-spoke', 'to-hub')).peeringState).toBe('Connected');
    expect(await statesInVnets()).toEqual({
      'vnet-hub': { 'to-spoke': 'Connected' },
      'vnet-spoke': { 'to-hub': 'Connected' },
    });
    expect((await collect(network.virtualNetworkPeerings.list(RG, 'vnet-hub'))).map((p) => p.id)).toEqual([
      `${HUB}/virtualNetworkPeerings/to-spoke`,
    ]);
    expect(connected()).toBe(true);
    // The subnet PUT that rewrites the VNet keeps its peerings.
    await network.subnets.beginCreateOrUpdateAndWait(RG, 'vnet-spoke', 'second', { addressPrefix: '10.1.1.0/24' });
    expect((await statesInVnets())['vnet-spoke']).toEqual({ 'to-hub': 'Connected' });
  });

  test("a re-PUT answers 200 and keeps the state; the answer has the properties of Microsoft's example", async () => {
    const response = await put(HUB, 'to-spoke', {
      properties: { remoteVirtualNetwork: { id: SPOKE }, allowForwardedTraffic: true },
    });
    expect(response.status).toBe(200);
    const properties = (response.body as { properties: Record<string, unknown> }).properties;
    expect(properties.peeringState).toBe('Connected');
    expect(properties.allowForwardedTraffic).toBe(true);
    // VirtualNetworkPeeringCreate.json (2026-01-01) answers these; remoteBgpCommunities is not modelled.
    for (const key of [
      'allowForwardedTraffic',
      'allowGatewayTransit',
      'allowVirtualNetworkAccess',
      'peeringState',
      'peeringSyncLevel',
      'provisioningState',
      'remoteAddressSpace',
      'remoteVirtualNetwork',
      'remoteVirtualNetworkAddressSpace',
      'useRemoteGateways',
    ]) {
      expect([key, key in properties]).toEqual([key, true]);
    }
  });

  test('nonsense is refused as ARM refuses it', async () => {
    expect(
      errorCode(
        await put(HUB, 'to-nowhere', { properties: { remoteVirtualNetwork: { id: vnetId(SUB, RG, 'vnet-missing') } } }),
      ),
    ).toEqual([400, 'InvalidGlobalResourceReference']);
    expect(
      (await put(HUB, 'to-nowhere', { properties: { remoteVirtualNetwork: { id: vnetId(SUB, RG, 'vnet-missing') } } }))
        .body,
    ).toEqual({
      error: {
        code: 'InvalidGlobalResourceReference',
        message: `Resource ${vnetId(SUB, RG, 'vnet-missing')} referenced by resource ${HUB}/virtualNetworkPeerings/to-nowhere was not found. Please make sure that the referenced resource exists.`,
      },
    });
    expect(errorCode(await put(HUB, 'to-nowhere', { properties: { allowVirtualNetworkAccess: true } }))).toEqual([
      400,
      'InvalidRequestContent',
    ]);
    expect(
      errorCode(await put(SPOKE, 'to-overlap', { properties: { remoteVirtualNetwork: { id: OVERLAPPING } } })),
    ).toEqual([400, 'VnetAddressSpacesOverlap']);
    expect(
      errorCode(
        await put(vnetId(SUB, RG, 'vnet-missing'), 'to-hub', { properties: { remoteVirtualNetwork: { id: HUB } } }),
      ),
    ).toEqual([404, 'ParentResourceNotFound']);
    expect(
      errorCode(
        await rawRequest(emulator, `${HUB}/virtualNetworkPeerings/to-nowhere?api-version=${NETWORK_API}`, {
          token: bearer,
        }),
      ),
    ).toEqual([404, 'ResourceNotFound']);
    expect(await statesInVnets()).toEqual({
      'vnet-hub': { 'to-spoke': 'Connected' },
      'vnet-spoke': { 'to-hub': 'Connected' },
    });
  });

  test('deleting one side leaves the other Disconnected until it is PUT again', async () => {
    await network.virtualNetworkPeerings.beginDeleteAndWait(RG, 'vnet-hub', 'to-spoke');
    expect(await statesInVnets()).toEqual({ 'vnet-hub': {}, 'vnet-spoke': { 'to-hub': 'Disconnected' } });
    expect(connected()).toBe(false);
    const again = await rawRequest(emulator, `${HUB}/virtualNetworkPeerings/to-spoke?api-version=${NETWORK_API}`, {
      method: 'DELETE',
      token: bearer,
    });
    expect(again.status).toBe(204);

    expect((await put(HUB, 'to-spoke', { properties: { remoteVirtualNetwork: { id: SPOKE } } })).status).toBe(201);
    expect(await statesInVnets()).toEqual({
      'vnet-hub': { 'to-spoke': 'Initiated' },
      'vnet-spoke': { 'to-hub': 'Disconnected' },
    });
    expect(connected()).toBe(false);
    await network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(RG, 'vnet-spoke', 'to-hub', {
      remoteVirtualNetwork: { id: HUB },
    });
    expect(await statesInVnets()).toEqual({
      'vnet-hub': { 'to-spoke': 'Connected' },
      'vnet-spoke': { 'to-hub': 'Connected' },
    });
    expect(connected()).toBe(true);
  });

  test('a VNet PUT peers inline, keeps its peerings when it leaves them out, drops them when it lists none; a deleted VNet disconnects its peers', async () => {
    const edge = vnetId(SUB, RG, 'vnet-edge');
    const putVnet = (properties: Record<string, unknown>) =>
      rawRequest(emulator, `${edge}?api-version=${NETWORK_API}`, {
        method: 'PUT',
        token: bearer,
        body: {
          location: 'westeurope',
          properties: { addressSpace: { addressPrefixes: ['10.2.0.0/16'] }, ...properties },
        },
      });
    const edgeStates = async (): Promise<Record<string, string | undefined>> =>
      Object.fromEntries(
        ((await network.virtualNetworks.get(RG, 'vnet-edge')).virtualNetworkPeerings ?? []).map((p) => [
          p.name ?? '',
          p.peeringState,
        ]),
      );

    expect(
      errorCode(
        await putVnet({
          virtualNetworkPeerings: [
            { name: 'to-spoke', properties: { remoteVirtualNetwork: { id: OVERLAPPING.replace('overlap', 'gone') } } },
          ],
        }),
      ),
    ).toEqual([400, 'InvalidGlobalResourceReference']);
    expect(
      (
        await putVnet({
          virtualNetworkPeerings: [{ name: 'to-hub', properties: { remoteVirtualNetwork: { id: HUB } } }],
        })
      ).status,
    ).toBe(201);
    expect(await edgeStates()).toEqual({ 'to-hub': 'Initiated' });
    await network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(RG, 'vnet-hub', 'to-edge', {
      remoteVirtualNetwork: { id: edge },
    });
    expect(await edgeStates()).toEqual({ 'to-hub': 'Connected' });

    expect((await putVnet({})).status).toBe(200);
    expect(await edgeStates()).toEqual({ 'to-hub': 'Connected' });
    expect((await putVnet({ virtualNetworkPeerings: [] })).status).toBe(200);
    expect(await edgeStates()).toEqual({});
    expect((await statesInVnets())['vnet-hub']).toEqual({ 'to-spoke': 'Connected', 'to-edge': 'Disconnected' });

    await putVnet({
      virtualNetworkPeerings: [{ name: 'to-spoke', properties: { remoteVirtualNetwork: { id: SPOKE } } }],
    });
    await network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(RG, 'vnet-spoke', 'to-edge', {
      remoteVirtualNetwork: { id: edge },
    });
    await network.virtualNetworkPeerings.beginCreateOrUpdateAndWait(RG, 'vnet-hub', 'to-edge', {
      remoteVirtualNetwork: { id: edge },
    });
    expect(await statesInVnets()).toEqual({
      'vnet-hub': { 'to-spoke': 'Connected', 'to-edge': 'Initiated' },
      'vnet-spoke': { 'to-hub': 'Connected', 'to-edge': 'Connected' },
    });
    await network.virtualNetworks.beginDeleteAndWait(RG, 'vnet-edge');
    expect(await statesInVnets()).toEqual({
      'vnet-hub': { 'to-spoke': 'Connected', 'to-edge': 'Disconnected' },
      'vnet-spoke': { 'to-hub': 'Connected', 'to-edge': 'Disconnected' },
    });
  });
});
