import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, example } from '../support/run-cli';

/** The installed entry point, `node bin/kvguard.js`, on the build `npm test` makes first (npm run build). */
function kvguard(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'kvguard.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    ...(input === undefined ? {} : { input }),
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'cli', 'main.js')))
    throw new Error('dist/ is missing: run `npm run build` (npm test does) before this suite');
});

test('audit of the healthy example exits 0 with a JSON report on stdout', () => {
  const run = kvguard(['audit', '--snapshot', path.relative(ROOT, example('healthy')), '--format', 'json']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout).summary).toMatchObject({ vaults: 1, fail: 0, complete: true });
});

test('bad input: one line on stderr, exit 2', () => {
  const run = kvguard(['audit', '--snapshot', 'examples/no-such-file.json']);
  expect(run).toEqual({ code: 2, stdout: '', stderr: 'kvguard: examples/no-such-file.json: no such file\n' });
});

test("an unknown command is a usage error, with commander's suggestion", () => {
  const run = kvguard(['audti']);
  expect(run).toEqual({ code: 2, stdout: '', stderr: "error: unknown command 'audti'\n(Did you mean audit?)\n" });
});

test('--snapshot - reads a Resource Graph response from stdin (az graph query ... | kvguard audit --snapshot -)', () => {
  const resources = (JSON.parse(fs.readFileSync(example('healthy'), 'utf8')) as { resources: { type: string }[] })
    .resources;
  const response = {
    count: resources.length,
    data: resources.map((r) => ({ ...r, type: r.type.toLowerCase() })),
    skip_token: null,
    total_records: resources.length,
  };
  const run = kvguard(['audit', '--snapshot', '-', '--format', 'json'], JSON.stringify(response));
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout).summary).toMatchObject({ vaults: 1, fail: 0 });
  expect(kvguard(['audit', '--snapshot', '-'], '[')).toEqual({
    code: 2,
    stdout: '',
    stderr: 'kvguard: -: line 1, column 2: invalid JSON: unexpected end of input\n',
  });
});
