import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../../src/errors';
import { healthyPath } from '../../src/fixtures/scenario';
import type { ArmResource } from '../../src/model/arm';
import { buildEstate } from '../../src/model/estate';
import { parseSnapshot, readSnapshot } from '../../src/input/snapshot';

const path0 = healthyPath();
const resources = path0.resources;
const vaultIndex = resources.findIndex((r) => r.type === 'Microsoft.KeyVault/vaults');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvguard-snapshot-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeFile(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (thrown) {
    expect(thrown).toBeInstanceOf(UsageError);
    return (thrown as Error).message;
  }
  throw new Error('expected a UsageError');
}

const copy = (): ArmResource[] => JSON.parse(JSON.stringify(resources)) as ArmResource[];
const VM = {
  id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1',
  name: 'vm1',
  type: 'Microsoft.Compute/virtualMachines',
  location: 'westeurope',
  properties: {},
};

describe('accepted shapes', () => {
  test('a bare array of ARM resources', () => {
    const snapshot = parseSnapshot(resources, 'a.json');
    expect(snapshot.shape).toBe('array');
    expect(snapshot.resources).toEqual(resources);
    expect(snapshot.notices).toEqual([]);
  });

  test('{"resources": [...]} with other top-level fields (the examples carry a description)', () => {
    const snapshot = parseSnapshot({ description: 'x', resources }, 'r.json');
    expect(snapshot.shape).toBe('resources');
    expect(snapshot.resources).toHaveLength(resources.length);
  });

  test('a Resource Graph response: lower-cased types, extra columns, null fields', () => {
    const rows = resources.map((r) => ({
      ...r,
      type: r.type.toLowerCase(),
      tenantId: 't',
      subscriptionId: 's',
      managedBy: '',
      sku: r.sku ?? null,
      tags: null,
      plan: null,
      zones: null,
    }));
    const snapshot = parseSnapshot(
      { totalRecords: rows.length, count: rows.length, data: rows, facets: [], resultTruncated: 'false' },
      'arg.json',
    );
    expect(snapshot.shape).toBe('resource-graph');
    expect(snapshot.notices).toEqual([]);
    expect(snapshot.resources.every((r) => r.tags === undefined && r.plan === null)).toBe(true);
    const estate = buildEstate(snapshot.resources);
    expect(estate.allVaults().map((v) => v.id)).toEqual([path0.ids.vault]);
    expect(estate.endpointsOf(estate.allVaults()[0]!).endpoints.map((e) => e.id)).toEqual([path0.ids.endpoint]);
  });

  test('resources of types the model does not read are dropped with a count', () => {
    const vm2 = { ...VM, id: VM.id.replace('vm1', 'vm2'), name: 'vm2' };
    const disk = {
      ...VM,
      id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/d1',
      name: 'd1',
      type: 'microsoft.compute/disks',
    };
    const snapshot = parseSnapshot([...resources, VM, disk, vm2], 'a.json');
    expect(snapshot.resources).toHaveLength(resources.length);
    expect(snapshot.notices).toEqual([
      {
        level: 'info',
        message:
          'ignored 3 resources of types the model does not read: microsoft.compute/disks (1), microsoft.compute/virtualmachines (2)',
      },
    ]);
  });

  test('one page of a paged Resource Graph result is an error notice (the run is incomplete)', () => {
    const snapshot = parseSnapshot(
      { data: resources, skip_token: 'eyAibm8iOiAibHVjayIgfQ==', total_records: 900 },
      'page.json',
    );
    expect(snapshot.notices).toEqual([
      {
        level: 'error',
        message:
          'page.json is one page of a Resource Graph result (it carries a skip token or resultTruncated): resources on the other pages are not in this audit',
      },
    ]);
  });

  test('UTF-8 with a BOM and UTF-16 LE (PowerShell 5 redirection) read the same', () => {
    const text = JSON.stringify(resources);
    const utf8 = writeFile('bom8.json', `\uFEFF${text}`);
    const utf16 = writeFile('bom16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    expect(readSnapshot(utf8).resources).toEqual(resources);
    expect(readSnapshot(utf16).resources).toEqual(resources);
  });
});

describe('rejected files: one line naming file, pointer and what was expected', () => {
  test('missing file', () => {
    const file = path.join(dir, 'nope.json');
    expect(errorOf(() => readSnapshot(file))).toBe(`${file}: no such file`);
  });

  test('a folder', () => {
    expect(errorOf(() => readSnapshot(dir))).toBe(`${dir}: is a folder, expected a JSON file`);
  });

  test('empty file', () => {
    const file = writeFile('empty.json', '  \n');
    expect(errorOf(() => readSnapshot(file))).toBe(`${file}: is empty, expected JSON`);
  });

  test('invalid JSON names line and column', () => {
    const file = writeFile('bad.json', '[\n  {"id": "/x",\n   "name": kv1}\n]\n');
    expect(errorOf(() => readSnapshot(file))).toBe(`${file}: line 3, column 12: invalid JSON: unexpected token 'k'`);
  });

  test('JSON cut short', () => {
    const file = writeFile('short.json', '[{"id": "/x"');
    expect(errorOf(() => readSnapshot(file))).toBe(`${file}: line 1, column 13: invalid JSON: unexpected end of input`);
  });

  test('a trailing comma', () => {
    const file = writeFile('comma.json', '[1,\n]');
    expect(errorOf(() => readSnapshot(file))).toBe(`${file}: line 2, column 1: invalid JSON: unexpected token ']'`);
  });

  const ROOT =
    'a JSON array of ARM resources, {"resources": [...]}, a Resource Graph response {"data": [...]}, an ARM list page {"value": [...]}, one ARM resource, or `pulumi stack export` output';
  const cases: [string, unknown, string][] = [
    ['a number', 42, `/: expected ${ROOT}, found the number 42`],
    ['an object of none of those shapes', { rows: [] }, `/: expected ${ROOT}, found an object with fields rows`],
    [
      'an empty ARM list page',
      { value: [] },
      '/value: expected at least one Microsoft.KeyVault/vaults or Microsoft.KeyVault/managedHSMs resource, found an empty list',
    ],
    [
      'resources that is not an array',
      { resources: { a: 1 } },
      '/resources: expected an array of ARM resources, found an object',
    ],
    [
      'data that is a table (resultFormat table)',
      { data: { columns: [], rows: [] } },
      '/data: expected an array of ARM resources, found an object',
    ],
    [
      'an element that is not an object',
      [...resources, 'kv1'],
      `/${resources.length}: expected an ARM resource object {id, name, type, properties, ...}, found the string "kv1"`,
    ],
    [
      'a missing id',
      resources.map((r, i) => (i === 2 ? { ...r, id: undefined } : r)),
      '/2/id: expected an ARM resource id such as /subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{name}, found nothing',
    ],
    [
      'an id that is not an ARM id',
      resources.map((r, i) => (i === 1 ? { ...r, id: 'kv-payments-prod' } : r)),
      '/1/id: expected an ARM resource id such as /subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{name}, found the string "kv-payments-prod"',
    ],
    [
      'a type that is a number',
      resources.map((r, i) => (i === 3 ? { ...r, type: 42 } : r)),
      '/3/type: expected an ARM resource type such as Microsoft.KeyVault/vaults, found the number 42',
    ],
    [
      'a type without a namespace',
      resources.map((r, i) => (i === 3 ? { ...r, type: 'vaults' } : r)),
      '/3/type: expected an ARM resource type such as Microsoft.KeyVault/vaults, found the string "vaults"',
    ],
    [
      'an empty name',
      resources.map((r, i) => (i === 0 ? { ...r, name: '' } : r)),
      "/0/name: expected the resource's name, a non-empty string, found an empty string",
    ],
    [
      'properties that are a string',
      resources.map((r, i) => (i === vaultIndex ? { ...r, properties: 'x' } : r)),
      `/${vaultIndex}/properties: expected the resource's properties object, found the string "x"`,
    ],
    [
      'a tag value that is a number',
      resources.map((r, i) => (i === 0 ? { ...r, tags: { env: 1 } } : r)),
      '/0/tags/env: expected a tag value string, found the number 1',
    ],
  ];
  test.each(cases)('%s', (_name, data, expected) => {
    expect(errorOf(() => parseSnapshot(data, 'snap.json'))).toBe(`snap.json: ${expected}`);
  });

  test('the same id twice, differing in case', () => {
    const data = [...copy(), { ...resources[vaultIndex]!, id: path0.ids.vault.toUpperCase() }];
    expect(errorOf(() => parseSnapshot(data, 'snap.json'))).toBe(
      `snap.json: /${resources.length}/id: expected a unique resource id, found the id of /${vaultIndex} again (ARM ids are case-insensitive)`,
    );
  });

  test('a vault without properties (a Resource Graph query that did not project them)', () => {
    const data = { data: copy().map((r) => ({ id: r.id, name: r.name, type: r.type.toLowerCase() })) };
    expect(errorOf(() => parseSnapshot(data, 'arg.json'))).toBe(
      'arg.json: /data/0/properties: expected the microsoft.network/privatednszones properties object, found nothing (a Resource Graph query must project properties: kvguard snapshot --print-query)',
    );
  });

  test('no vault is an error, not a pass', () => {
    const noVault = resources.filter((r) => r.type !== 'Microsoft.KeyVault/vaults');
    expect(errorOf(() => parseSnapshot(noVault, 'snap.json'))).toBe(
      `snap.json: /: expected at least one Microsoft.KeyVault/vaults or Microsoft.KeyVault/managedHSMs resource, found none among ${noVault.length} resources`,
    );
    expect(errorOf(() => parseSnapshot({ data: [] }, 'arg.json'))).toBe(
      'arg.json: /data: expected at least one Microsoft.KeyVault/vaults or Microsoft.KeyVault/managedHSMs resource, found an empty list',
    );
    expect(errorOf(() => parseSnapshot({ resources: [VM] }, 'vm.json'))).toBe(
      'vm.json: /resources: expected at least one Microsoft.KeyVault/vaults or Microsoft.KeyVault/managedHSMs resource, found none among 1 resource',
    );
  });

  test('a managed HSM alone is a vault to audit', () => {
    const hsm = {
      id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/managedHSMs/hsm1',
      name: 'hsm1',
      type: 'Microsoft.KeyVault/managedHSMs',
      properties: { hsmUri: 'https://hsm1.managedhsm.azure.net/' },
    };
    expect(parseSnapshot([hsm], 'hsm.json').resources).toEqual([hsm]);
  });
});
