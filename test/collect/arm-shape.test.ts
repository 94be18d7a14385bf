import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSdkReader } from '../../src/collect/sdk-reader';
import { DEFAULT_BACKOFF, RequestLedger } from '../../src/collect/policies';
import { Scheduler } from '../../src/collect/scheduler';
import type { ArmReader } from '../../src/collect/reader';
import { ArmResource, idKey } from '../../src/model/arm';
import * as normalize from '../../src/model/normalize';
import { withEmulator } from './live-support';
import { ARM_EXAMPLES } from '../support/arm-examples';

/**
 * The collector emits resources in ARM GET shape: seeded with Microsoft's REST examples, what the SDK
 * path returns is the emulator's GET body byte for byte, and the model reads from it exactly what it
 * reads from the example (the SDK models would have lifted `properties` and dropped unknown fields).
 */
const EXAMPLES = ARM_EXAMPLES;
const example = (file: string): ArmResource =>
  (JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) as { responses: { 200: { body: ArmResource } } })
    .responses[200].body;

const CASES: {
  file: string;
  read: (reader: ArmReader, resource: ArmResource) => Promise<ArmResource[]>;
  model: (r: ArmResource) => object;
}[] = [
  {
    file: 'Microsoft.KeyVault/2026-02-01/updateVault.json',
    read: (r, x) => r.listVaults(sub(x)),
    model: normalize.vault,
  },
  {
    file: 'Microsoft.KeyVault/2025-05-01/ManagedHsm_Get.json',
    read: (r, x) => r.listManagedHsms(sub(x)),
    model: normalize.vault,
  },
  {
    file: 'Microsoft.Network/2025-05-01/PrivateEndpointGetForManualApproval.json',
    read: (r, x) => r.listPrivateEndpoints(sub(x)),
    model: normalize.privateEndpoint,
  },
  {
    file: 'Microsoft.Network/2025-05-01/PrivateEndpointGetForManualApproval.json',
    read: async (r, x) => [await r.getById(x.id)],
    model: normalize.privateEndpoint,
  },
  {
    file: 'Microsoft.Network/2026-01-01/NetworkInterfaceGet.json',
    read: (r, x) => r.listNetworkInterfaces(sub(x)),
    model: normalize.networkInterface,
  },
  {
    file: 'Microsoft.Network/2025-05-01/VirtualNetworkGet.json',
    read: async (r, x) => [await r.getById(x.id)],
    model: (x) => normalize.virtualNetwork(x),
  },
  {
    file: 'Microsoft.Network.PrivateDns/2024-06-01/PrivateZoneGet.json',
    read: (r, x) => r.listPrivateDnsZones(sub(x)),
    model: normalize.privateDnsZone,
  },
  {
    file: 'Microsoft.Network.PrivateDns/2024-06-01/VirtualNetworkLinkGet.json',
    read: (r, x) => r.listVirtualNetworkLinks(x.id.split('/virtualNetworkLinks/')[0] ?? ''),
    model: normalize.virtualNetworkLink,
  },
  {
    file: 'Microsoft.Network.PrivateDns/2024-06-01/RecordSetAGet.json',
    read: (r, x) => r.listARecordSets(x.id.split('/A/')[0] ?? ''),
    model: normalize.aRecordSet,
  },
];

function sub(resource: ArmResource): string {
  return resource.id.split('/')[2] ?? '';
}

/** The model's entity without its `resource` back-reference, through JSON (so undefined fields compare as absent). */
function modelOf(model: (r: ArmResource) => object, resource: ArmResource): unknown {
  return JSON.parse(JSON.stringify(model(resource), (key, value: unknown) => (key === 'resource' ? undefined : value)));
}

describe('ARM shape round trip (Microsoft examples → emulator → SDK → collector)', () => {
  it.each(CASES.map((c, i) => [`${c.file} #${i}`, c] as const))('%s', async (_name, c) => {
    const seed = example(c.file);
    const zone = seed.type.startsWith('Microsoft.Network/privateDnsZones/')
      ? [example('Microsoft.Network.PrivateDns/2024-06-01/PrivateZoneGet.json')]
      : [];
    await withEmulator([...zone, seed], {}, async (emulator) => {
      const { DefaultAzureCredential } = await import('@azure/identity');
      const reader = createSdkReader({
        credential: new DefaultAzureCredential(),
        endpoint: emulator.endpoint,
        scope: 'https://management.azure.com/.default',
        caCertFile: emulator.caCertPath,
        backoff: DEFAULT_BACKOFF,
        ledger: new RequestLedger(),
        scheduler: new Scheduler(),
      });
      const read = (await c.read(reader, seed)).find((r) => idKey(r.id) === idKey(seed.id));
      const served = emulator.resources().find((r) => idKey(r.id) === idKey(seed.id));
      expect(read).toEqual(served);
      expect(read && modelOf(c.model, read)).toEqual(modelOf(c.model, seed));
    });
  });
});
