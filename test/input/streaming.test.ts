import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../../src/errors';
import { readSnapshot } from '../../src/input/snapshot';
import { healthyPath } from '../../src/fixtures/scenario';
import { example, runCli } from '../support/run-cli';
import { tempDir } from '../support/temp-dir';

/**
 * Issue 16: large snapshots are streamed (no whole-file string) and bad input is one line naming the file
 * and where. The streamed path is forced here with a 0-byte threshold; bench/large-snapshot.ts measures a
 * 2 GiB file in bounded memory (docs/reliability.md).
 */
const { dir, writeJson } = tempDir('kvguard-stream');
const resources = healthyPath().resources;
const vm = (i: number) => ({
  id: `/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm${i}`,
  name: `vm${i}`,
  type: 'Microsoft.Compute/virtualMachines',
  properties: { big: 'x'.repeat(2000), nested: { a: [1, 2, 3] } },
});

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('streamed snapshots read exactly what the whole-file reader reads', () => {
  test.each([
    ['a bare array', () => resources],
    ['{"resources": [...]}', () => ({ resources })],
    ['a Resource Graph page with a skip token', () => ({ data: resources, $skipToken: 'next' })],
    ['an ARM list page', () => ({ value: resources, nextLink: 'https://management.azure.com/next' })],
    ['an array with resources the model does not read', () => [...resources, vm(1), vm(2)]],
  ])('%s', (_name, make) => {
    const file = writeJson(`s-${Math.random()}.json`, make());
    const { resourceLines: _lines, ...whole } = readSnapshot(file);
    expect(readSnapshot(file, 0)).toEqual(whole);
  });

  test('the examples', () => {
    for (const name of ['healthy', 'stale-a-record', 'demo-estate']) {
      const { resourceLines: _lines, ...whole } = readSnapshot(example(name));
      expect(readSnapshot(example(name), 0)).toEqual(whole);
    }
  });

  test('invalid JSON: one line with line and column, no excerpt of the input', () => {
    const file = write('broken.json', '[\n  {"id": "/a", "name": "a",\n   "type": nope}\n]');
    expect(() => readSnapshot(file, 0)).toThrow(
      new UsageError(`${file}: line 3, column 13: invalid JSON: unexpected character`),
    );
  });

  test('a file that stops early', () => {
    const file = write('short.json', JSON.stringify(resources).slice(0, 500));
    expect(() => readSnapshot(file, 0)).toThrow(
      /^.*short\.json: line 1, column \d+: invalid JSON: unexpected end of input$/,
    );
  });

  test('a schema problem in a streamed file names its JSON pointer', () => {
    const bad = resources.map((r, i) => (i === 3 ? { ...r, name: 42 } : r));
    const file = writeJson('bad-name.json', { resources: bad });
    expect(() => readSnapshot(file, 0)).toThrow(
      new UsageError(
        `${file}: /resources/3/name: expected the resource's name, a non-empty string, found the number 42`,
      ),
    );
  });
});

describe('depth', () => {
  test('10,000 levels inside properties: exit 2, one line with the pointer, whole-file and streamed', async () => {
    const vault = resources.find((r) => r.type === 'Microsoft.KeyVault/vaults');
    const index = resources.indexOf(vault as (typeof resources)[number]);
    // Written by hand: JSON.stringify itself cannot write 10,000 levels.
    const marker = '"__deep__"';
    const text = JSON.stringify(
      resources.map((r) => (r === vault ? { ...r, properties: { ...r.properties, tags2: '__deep__' } } : r)),
    ).replace(marker, `${'{"x":'.repeat(10_000)}1${'}'.repeat(10_000)}`);
    const file = write('deep.json', text);
    const expected = `${file}: /${index}/properties/tags2/x/x/x/x/x/x/… (64 levels): nested deeper than 64 levels, no ARM resource does`;
    expect(() => readSnapshot(file)).toThrow(new UsageError(expected));
    expect(() => readSnapshot(file, 0)).toThrow(new UsageError(expected));
    const run = await runCli(['audit', '--snapshot', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`kvguard: ${expected}\n`);
  });
});
