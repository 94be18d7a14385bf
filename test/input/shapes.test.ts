import { parseId, type ArmResource, type JsonObject, type JsonValue } from '../../src/model/arm';
import { buildEstate } from '../../src/model/estate';
import { parseSnapshot, parseSnapshotDocuments } from '../../src/input/snapshot';
import { parseJsonDocuments } from '../../src/input/json-documents';
import { readArmExample } from '../support/arm-examples';

/**
 * One golden table per input shape a user already has, built from Microsoft's REST examples
 * (test/fixtures/arm-examples, copied from Azure/azure-rest-api-specs; see its README for each file's source):
 *
 * - ARM list pages `{value, nextLink}`: the List examples' 200 bodies, exactly what `az rest` prints;
 * - the az CLI's flattened `show` output: the Get examples' bodies put through what the CLI does to them. The
 *   CLI's generated network commands mark every `properties` `client_flatten` (Azure/azure-cli,
 *   src/azure-cli/azure/cli/command_modules/network/aaz/latest/network/private_endpoint/_show.py:
 *   `properties = AAZObjectType(flags={"client_flatten": True})`, on the resource and on each sub-resource),
 *   and every `show` adds `resourceGroup` (https://learn.microsoft.com/cli/azure/network/private-endpoint#az-network-private-endpoint-show);
 * - `az resource show --ids`: the ARM body plus `resourceGroup` (one object for one id, an array for several);
 * - `az resource list`: rows without properties (https://learn.microsoft.com/cli/azure/resource#az-resource-list), refused.
 *
 * The check is what the rules read: the model entities built from each shape equal those built from the ARM body.
 */
type Example = { responses: { '200': { body: JsonObject } } };
/** Example quirks real ARM would not produce, mended here (and only here): the zone group's id names its endpoint under privateLinkServices. */
const QUIRKS: Record<string, [string, string]> = {
  'Microsoft.Network/2026-01-01/PrivateEndpointDnsZoneGroupGet.json': [
    '/privateLinkServices/testPe/',
    '/privateEndpoints/testPe/',
  ],
};
const body = (file: string): JsonObject => {
  const text = JSON.stringify(readArmExample<Example>(file).responses['200'].body);
  const quirk = QUIRKS[file];
  return JSON.parse(quirk ? text.split(quirk[0]).join(quirk[1]) : text) as JsonObject;
};
/** The ARM body; Microsoft's sub-resource examples omit `type`, which the id names (`parseId`), as kvguard reads it. */
const resource = (file: string): ArmResource => {
  const arm = body(file) as unknown as ArmResource;
  return arm.type === undefined ? { ...arm, type: parseId(arm.id).type ?? '' } : arm;
};

/** What the az CLI prints for a GET body: every `properties` merged into its owner, `resourceGroup` added. */
function azCliShow(value: JsonObject, resourceGroup = 'rg1'): JsonObject {
  return { ...flatten(value), resourceGroup } as JsonObject;
}
function flatten(value: JsonValue): JsonObject {
  const object = value as JsonObject;
  const out: JsonObject = {};
  for (const [key, inner] of Object.entries(object)) {
    if (key === 'properties' && inner && typeof inner === 'object' && !Array.isArray(inner))
      Object.assign(out, flatten(inner));
    else out[key] = flattenValue(inner);
  }
  return out;
}
function flattenValue(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(flattenValue);
  if (value && typeof value === 'object') return flatten(value);
  return value;
}

/** The model's entities (without the raw resource) a list of resources yields, by kind. */
function entities(resources: readonly ArmResource[]): Record<string, unknown[]> {
  const estate = buildEstate(resources);
  const strip = <T extends { resource: unknown }>(items: T[]): Omit<T, 'resource'>[] =>
    items.map(({ resource: _resource, ...rest }) => rest);
  return {
    vaults: strip(estate.vaults.all()),
    endpoints: strip(estate.privateEndpoints.all()),
    nics: strip(estate.networkInterfaces.all()),
    zones: strip(estate.zones.all()),
    links: strip(estate.links.all()),
    records: strip(estate.aRecords.all()),
    vnets: strip(estate.virtualNetworks.all()),
    subnets: strip(estate.subnets.all()),
    groups: strip(estate.zoneGroups.all()),
  };
}

const vault = resource('Microsoft.KeyVault/2026-02-01/updateVault.json');
const withVault = (resources: ArmResource[]): ArmResource[] => [vault, ...resources];
/** Several JSON documents, one after the other, as a shell appends command outputs. */
const concatenated = (...documents: unknown[]): unknown[] =>
  parseJsonDocuments(documents.map((d) => JSON.stringify(d, null, 2)).join('\n'), 'in.json');

describe('ARM list pages ({value, nextLink}, as `az rest` prints them)', () => {
  const vaultPage = body('Microsoft.KeyVault/2026-02-01/listVaultBySubscription.json');
  const links = body('Microsoft.Network.PrivateDns/2024-06-01/VirtualNetworkLinkList.json');
  const records = body('Microsoft.Network.PrivateDns/2024-06-01/RecordSetAList.json');
  const cases: { name: string; documents: unknown[]; expected: ArmResource[]; notices: string[] }[] = [
    {
      name: 'one page with a nextLink: read, and the run says the other pages are missing',
      documents: [vaultPage],
      expected: vaultPage.value as unknown as ArmResource[],
      notices: [
        `in.json is one page of an ARM list (its nextLink is ${String(vaultPage.nextLink)}): resources on the other pages are not in this audit`,
      ],
    },
    {
      name: 'the pages of a list and other lists, concatenated: every resource; only an unfollowed nextLink is noticed',
      documents: [vaultPage, { value: [vault] }, links, records],
      expected: [
        ...(vaultPage.value as unknown as ArmResource[]),
        vault,
        ...(links.value as unknown as ArmResource[]),
        ...(records.value as unknown as ArmResource[]),
      ],
      // Microsoft's RecordSetAList example is itself one page of a longer list: its nextLink says so.
      notices: [
        `in.json (document 4) is one page of an ARM list (its nextLink is ${String(records.nextLink)}): resources on the other pages are not in this audit`,
      ],
    },
  ];
  test.each(cases)('$name', ({ documents, expected, notices }) => {
    const snapshot = parseSnapshotDocuments(concatenated(...documents), 'in.json');
    expect(snapshot.resources).toEqual(expected);
    expect(snapshot.notices.filter((n) => n.level === 'error').map((n) => n.message)).toEqual(notices);
    expect(snapshot.shapes.every((s) => s === 'arm-list')).toBe(true);
  });
});

describe("the az CLI's flattened show output, re-nested into ARM shape", () => {
  const cases: [string, string][] = [
    ['az network private-endpoint show', 'Microsoft.Network/2025-07-01/PrivateEndpointGet.json'],
    [
      'az network private-endpoint show (manual approval)',
      'Microsoft.Network/2025-05-01/PrivateEndpointGetForManualApproval.json',
    ],
    ['az network nic show', 'Microsoft.Network/2026-01-01/NetworkInterfaceGet.json'],
    ['az network vnet show', 'Microsoft.Network/2025-05-01/VirtualNetworkGet.json'],
    ['az network vnet subnet show', 'Microsoft.Network/2026-01-01/SubnetGet.json'],
    [
      'az network private-endpoint dns-zone-group show',
      'Microsoft.Network/2026-01-01/PrivateEndpointDnsZoneGroupGet.json',
    ],
    ['az network private-dns zone show', 'Microsoft.Network.PrivateDns/2024-06-01/PrivateZoneGet.json'],
    ['az network private-dns link vnet show', 'Microsoft.Network.PrivateDns/2024-06-01/VirtualNetworkLinkGet.json'],
    ['az network private-dns record-set a show', 'Microsoft.Network.PrivateDns/2024-06-01/RecordSetAGet.json'],
  ];
  test.each(cases)('%s (%s): the rules read what they read from the ARM body', (_command, file) => {
    const arm = resource(file);
    const flattened = azCliShow(body(file));
    expect(flattened.properties).toBeUndefined();
    const snapshot = parseSnapshotDocuments(concatenated([vault], flattened), 'in.json');
    expect(snapshot.shapes).toEqual(['array', 'resource']);
    expect(entities(snapshot.resources)).toEqual(entities(withVault([arm])));
  });

  test('several show outputs in one array (`az network private-endpoint list` prints the same flattened shape)', () => {
    const files = cases.map(([, file]) => file);
    const snapshot = parseSnapshot([vault, ...files.map((f) => azCliShow(body(f)))], 'in.json');
    const read = entities(snapshot.resources);
    expect(read).toEqual(entities(withVault(files.map(resource))));
    // Not an empty comparison: every kind the examples hold was read.
    expect(Object.fromEntries(Object.entries(read).map(([kind, items]) => [kind, items.length]))).toEqual({
      vaults: 1,
      endpoints: 2,
      nics: 1,
      zones: 1,
      links: 1,
      records: 1,
      vnets: 1,
      subnets: 2,
      groups: 1,
    });
  });

  test('a wrong field in flattened output is named where the CLI printed it', () => {
    const pe = azCliShow(body('Microsoft.Network/2025-07-01/PrivateEndpointGet.json'));
    pe.subnet = 'subnet1';
    expect(() => parseSnapshot([vault, pe], 'pe.json')).toThrow(
      'pe.json: /1/subnet: expected a reference object {"id": "/subscriptions/..."}, found the string "subnet1"',
    );
  });
});

describe('az resource show --ids', () => {
  test('one id: one ARM body with resourceGroup', () => {
    const shown = { ...body('Microsoft.KeyVault/2026-02-01/updateVault.json'), resourceGroup: 'sample-group' };
    const snapshot = parseSnapshot(shown, 'show.json');
    expect(snapshot.shape).toBe('resource');
    expect(snapshot.resources).toEqual([vault]);
  });

  test('several ids: an array of them', () => {
    const pe = { ...body('Microsoft.Network/2025-07-01/PrivateEndpointGet.json'), resourceGroup: 'rg1' };
    const shown = [{ ...body('Microsoft.KeyVault/2026-02-01/updateVault.json'), resourceGroup: 'sample-group' }, pe];
    expect(parseSnapshot(shown, 'show.json').resources).toEqual([
      vault,
      resource('Microsoft.Network/2025-07-01/PrivateEndpointGet.json'),
    ]);
  });
});

describe('az resource list is refused with the command that works', () => {
  // A row of `az resource list`: the generic resource envelope, no properties.
  const row = {
    changedTime: '2026-11-01T10:00:00+00:00',
    createdTime: '2026-10-01T10:00:00+00:00',
    extendedLocation: null,
    id: vault.id,
    identity: null,
    kind: null,
    location: 'westus',
    managedBy: null,
    name: vault.name,
    plan: null,
    properties: null,
    provisioningState: 'Succeeded',
    resourceGroup: 'sample-group',
    sku: null,
    tags: {},
    type: 'Microsoft.KeyVault/vaults',
  };
  test('one line naming the file, the pointer and the command', () => {
    expect(() => parseSnapshot([row], 'list.json')).toThrow(
      'list.json: /0/properties: expected the Microsoft.KeyVault/vaults properties object, found nothing: this is `az resource list` output, which carries no properties: use `az resource show --ids <ids>`, or `az graph query -q "$(kvguard snapshot --print-query resources)"`',
    );
  });
});

describe('every field the rules read is validated, with its pointer', () => {
  const cases: [string, (v: JsonObject) => void, string][] = [
    [
      'networkAcls that is a string',
      (p) => (p.networkAcls = 'Deny'),
      '/0/properties/networkAcls: expected a networkAcls object {bypass, defaultAction, ipRules, virtualNetworkRules}, found the string "Deny"',
    ],
    [
      'an IP rule that is a number',
      (p) => ((p.networkAcls as JsonObject).ipRules = [42]),
      '/0/properties/networkAcls/ipRules/0: expected an IP rule {"value": "203.0.113.0/24"} or an address string, found the number 42',
    ],
    [
      'a connection state that is a string',
      (p) => {
        const [first] = p.privateEndpointConnections as JsonObject[];
        (first!.properties as JsonObject).privateLinkServiceConnectionState = 'Approved';
      },
      '/0/properties/privateEndpointConnections/0/properties/privateLinkServiceConnectionState: expected a connection state object {status, description, actionsRequired}, found the string "Approved"',
    ],
    [
      'enableSoftDelete as a string',
      (p) => (p.enableSoftDelete = 'true'),
      '/0/properties/enableSoftDelete: expected true or false, found the string "true"',
    ],
  ];
  test.each(cases)('%s', (_name, mutate, expected) => {
    const broken = structuredClone(vault);
    mutate(broken.properties as JsonObject);
    expect(() => parseSnapshot([broken], 'v.json')).toThrow(`v.json: ${expected}`);
  });

  test('ipRules as plain strings (Terraform style) are read, not dropped', () => {
    const terraform = structuredClone(vault);
    (terraform.properties!.networkAcls as JsonObject).ipRules = ['203.0.113.7/32', '198.51.100.0/24'];
    const [read] = buildEstate(parseSnapshot([terraform], 'v.json').resources).allVaults();
    expect(read?.networkAcls?.ipRules).toEqual(['203.0.113.7/32', '198.51.100.0/24']);
  });
});

describe('{"resources": [...], "unreadable": [...]} (kvguard snapshot, when the live read could not see a reference)', () => {
  const vault = body('Microsoft.KeyVault/2026-02-01/updateVault.json');
  const managed =
    '/subscriptions/9f3c0a7e-5b1d-4e2a-8c6f-0d4b2e7a1c93/resourceGroups/vnet-adf-westeurope/providers/Microsoft.Network/privateEndpoints/adf.kv';

  test('the record is read with the resources', () => {
    const snapshot = parseSnapshot(
      { resources: [vault], unreadable: [{ id: managed, reason: '404 NotFound: managed' }] },
      's.json',
    );
    expect([snapshot.shape, [...snapshot.unreadable]]).toEqual(['resources', [[managed, '404 NotFound: managed']]]);
  });

  test.each([
    ['a string', 'all', 's.json: /unreadable: expected an array of {id, reason}, found the string "all"'],
    [
      'an entry without reason',
      [{ id: managed }],
      's.json: /unreadable/0/reason: expected a non-empty string, found nothing',
    ],
    [
      'an id that is a number',
      [{ id: 7, reason: 'x' }],
      's.json: /unreadable/0/id: expected a non-empty string, found the number 7',
    ],
  ])('%s is one line naming the field', (_what, unreadable, message) => {
    expect(() => parseSnapshot({ resources: [vault], unreadable }, 's.json')).toThrow(message);
  });
});
