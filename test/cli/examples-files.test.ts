import * as fs from 'node:fs';
import * as path from 'node:path';
import { exampleText, examples } from '../../src/fixtures/examples';
import { readSnapshot } from '../../src/input/snapshot';
import { ROOT } from '../support/run-cli';

/** The committed examples are the generator's output: `npm run examples` rewrites them. */
describe('examples/*.json', () => {
  test.each(examples().map((e) => [e.name, e] as const))(
    '%s.json equals the generator output and is a valid snapshot',
    (name, example) => {
      const file = path.join(ROOT, 'examples', `${name}.json`);
      expect(fs.readFileSync(file, 'utf8')).toBe(exampleText(example));
      expect(readSnapshot(file).resources).toEqual(example.resources);
    },
  );

  test('no stray example without a generator entry', () => {
    const generated = new Set(examples().map((e) => `${e.name}.json`));
    const committed = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.json'));
    expect(committed.filter((f) => !generated.has(f))).toEqual([]);
  });
});
