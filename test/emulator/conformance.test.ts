import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { typeSpec } from '../../src/emulator/catalog';
import { parseTarget } from '../../src/emulator/target';
import { parentId, type ArmResource } from '../../src/model/arm';
import { rawRequest, token } from './support';
import { shapeDifferences } from './shape';
import { ARM_EXAMPLES } from '../support/arm-examples';

/**
 * Microsoft's REST examples (test/fixtures/arm-examples, copied from Azure/azure-rest-api-specs): seeded with an
 * example's response resource, a GET through the emulator, at the api-version the SDK sends, answers the
 * same property names with the same JSON types; list examples page the same way ({value, nextLink}).
 */
const EXAMPLES = ARM_EXAMPLES;

interface Example {
  responses: Record<string, { body?: Record<string, unknown> }>;
}

function example(file: string): Record<string, unknown> {
  const parsed = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Example;
  const body = parsed.responses['200']?.body;
  if (!body) throw new Error(`${file}: no 200 body`);
  return body;
}

/**
 * Example quirks real ARM would not produce (README): PrivateEndpointDnsZoneGroupGet's id says
 * privateLinkServices; some examples omit `type`, which the emulator always answers (as ARM does).
 */
function asSeed(body: Record<string, unknown>): ArmResource {
  const id = String(body.id).replace('/privateLinkServices/', '/privateEndpoints/');
  return {
    ...body,
    id,
    type: typeof body.type === 'string' ? body.type : (parseTarget(id).spec?.type ?? ''),
  } as ArmResource;
}

/** Minimal parents for child resources, so the emulator's parent checks pass. */
function parentsOf(resource: ArmResource): ArmResource[] {
  const target = parseTarget(resource.id);
  if (target.spec?.kind !== 'child' && target.spec?.kind !== 'embedded') return [];
  const id = parentId(resource.id);
  const type = parseTarget(id).spec?.type ?? '';
  return [{ id, name: parseTarget(id).name ?? '', type, location: 'westus', properties: {} }];
}

function apiVersion(type: string): string {
  return typeSpec(type)?.apiVersions[0] ?? 'unknown';
}

const tolerateType =
  (omitsType: boolean) =>
  (path: string): boolean =>
    omitsType && /^(\/value\/\d+)?\/type$/.test(path);

async function serve(
  seed: ArmResource[],
  pageSize: number,
  body: (emulator: RunningEmulator, bearer: string) => Promise<void>,
): Promise<void> {
  const emulator = await startEmulator({ seed, throttle: false, pageSize });
  try {
    await body(emulator, await token(emulator));
  } finally {
    await emulator.stop();
  }
}

const GETS = [
  'Microsoft.KeyVault/2025-05-01/getVault.json',
  'Microsoft.KeyVault/2025-05-01/ManagedHsm_Get.json',
  'Microsoft.KeyVault/2026-02-01/createVaultWithNetworkAcls.json',
  'Microsoft.KeyVault/2026-02-01/updateVault.json',
  'Microsoft.KeyVault/2026-02-01/getPrivateEndpointConnection.json',
  'Microsoft.Network/2025-05-01/PrivateEndpointGetForManualApproval.json',
  'Microsoft.Network/2025-05-01/VirtualNetworkGet.json',
  'Microsoft.Network/2025-07-01/PrivateEndpointGet.json',
  'Microsoft.Network/2026-01-01/NetworkInterfaceGet.json',
  'Microsoft.Network/2026-01-01/PrivateEndpointDnsZoneGroupGet.json',
  'Microsoft.Network/2026-01-01/SubnetGet.json',
  'Microsoft.Network.PrivateDns/2024-06-01/PrivateZoneGet.json',
  'Microsoft.Network.PrivateDns/2024-06-01/RecordSetAGet.json',
  'Microsoft.Network.PrivateDns/2024-06-01/VirtualNetworkLinkGet.json',
];

describe("conformance with Microsoft's examples", () => {
  test.each(GETS)('GET %s answers the example shape', async (file) => {
    const body = example(file);
    const resource = asSeed(body);
    await serve([...parentsOf(resource), resource], 100, async (emulator, bearer) => {
      const response = await rawRequest(emulator, `${resource.id}?api-version=${apiVersion(resource.type)}`, {
        token: bearer,
      });
      expect(response.status).toBe(200);
      expect(shapeDifferences(body, response.body, '', tolerateType(typeof body.type !== 'string'))).toEqual([]);
    });
  });

  const LISTS = [
    'Microsoft.KeyVault/2026-02-01/listVaultBySubscription.json',
    'Microsoft.Network.PrivateDns/2024-06-01/RecordSetAList.json',
    'Microsoft.Network.PrivateDns/2024-06-01/VirtualNetworkLinkList.json',
  ];

  test.each(LISTS)('list %s pages the same way ({value, nextLink})', async (file) => {
    const body = example(file) as { value: Record<string, unknown>[]; nextLink?: string };
    const items = body.value.map(asSeed);
    const first = items[0] as ArmResource;
    // One more item than the example's page, so the emulator's first page also needs a nextLink.
    const extra = { ...structuredClone(first), id: `${first.id}-extra`, name: `${first.name}-extra` };
    const target = parseTarget(first.id);
    const collection =
      target.spec?.kind === 'child'
        ? `${target.scope}/${first.type.split('/').pop()}`
        : `/subscriptions/${target.subscriptionId}/providers/${first.type}`;
    await serve([...parentsOf(first), ...items, extra], body.value.length, async (emulator, bearer) => {
      const response = await rawRequest(emulator, `${collection}?api-version=${apiVersion(first.type)}`, {
        token: bearer,
      });
      const page = response.body as { value: unknown[]; nextLink?: string };
      expect(Object.keys(page).sort()).toEqual(Object.keys(body).sort());
      expect(
        shapeDifferences(body, page, '', tolerateType(body.value.some((v) => typeof v.type !== 'string'))),
      ).toEqual([]);
      expect(page.nextLink?.startsWith(`${emulator.endpoint}/`)).toBe(true);
      const next = (await rawRequest(emulator, page.nextLink ?? '', { token: bearer })).body as {
        value: { name: string }[];
        nextLink?: string;
      };
      expect(next.value.map((v) => v.name)).toEqual([extra.name]);
      expect(next.nextLink).toBeUndefined();
    });
  });
});

describe("the emulator's PUT normalises as the service does", () => {
  test('createVaultWithNetworkAcls: an address becomes /32, subnet ids are lower-cased', async () => {
    const file = JSON.parse(
      readFileSync(join(EXAMPLES, 'Microsoft.KeyVault/2026-02-01/createVaultWithNetworkAcls.json'), 'utf8'),
    ) as { parameters: { parameters: { properties: { networkAcls: { ipRules: { value: string }[] } } } } };
    const request = structuredClone(file.parameters.parameters);
    // The example quotes one range ("'10.91.4.0/24'"), which the service would refuse: unquoted here.
    request.properties.networkAcls.ipRules = request.properties.networkAcls.ipRules.map((r) => ({
      value: r.value.replace(/'/g, ''),
    }));
    const expected = example('Microsoft.KeyVault/2026-02-01/createVaultWithNetworkAcls.json') as {
      properties: { networkAcls: { ipRules: { value: string }[]; virtualNetworkRules: { id: string }[] } };
    };
    const vaultId =
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sample-resource-group/providers/Microsoft.KeyVault/vaults/sample-vault';
    const anchor: ArmResource = {
      id: `${vaultId}-anchor`,
      name: 'sample-vault-anchor',
      type: 'Microsoft.KeyVault/vaults',
      location: 'westus',
      properties: {},
    };
    await serve([anchor], 100, async (emulator, bearer) => {
      const response = await rawRequest(emulator, `${vaultId}?api-version=2026-02-01`, {
        method: 'PUT',
        token: bearer,
        body: request,
      });
      const acls = (
        response.body as {
          properties: { networkAcls: { ipRules: { value: string }[]; virtualNetworkRules: { id: string }[] } };
        }
      ).properties.networkAcls;
      expect(response.status).toBe(201);
      expect(acls.ipRules.map((r) => r.value)).toEqual(
        expected.properties.networkAcls.ipRules.map((r) => r.value.replace(/'/g, '')),
      );
      expect(acls.virtualNetworkRules.map((r) => r.id)).toEqual(
        expected.properties.networkAcls.virtualNetworkRules.map((r) => r.id),
      );
    });
  });
});

describe('the shape comparison itself', () => {
  test('finds renamed, retyped, missing and extra properties', () => {
    expect(shapeDifferences({ a: 1, b: { c: 'x' }, d: [true] }, { a: '1', b: {}, d: [true, false], e: null })).toEqual([
      '/a: expected number, got string',
      '/b/c: missing',
      '/d: expected 1 elements, got 2',
      '/e: not in the example',
    ]);
    expect(shapeDifferences({ a: [{ b: 1 }] }, { a: [{ b: 2 }] })).toEqual([]);
  });
});
