import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineClient } from './harness/engine-client';
import { startPack, type RunningPack } from './harness/pack-process';
import { freshPreview } from './harness/phases';
import { EXPECTED } from './expected-diagnostics';
import { PACK_DIR, PROJECT, line, readmeConfig } from './pack-support';

/**
 * The pack as it is published: `npm pack` of policy-pack/ (its compiled bin/, built by `npm run build`),
 * installed into an empty folder with npm (dependencies from its own package.json only, taken from npm's
 * cache when it has them), then started through the same harness as the CLI starts it and asked for a
 * preview. Its start is timed by the harness (reported, not asserted: no timed unit tests); what makes it
 * fast is asserted instead: JavaScript only, nothing compiled at start, nothing imported from outside.
 */
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let work: string;
let installed: string;
let pack: RunningPack | undefined;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kvguard-pack-'));
  const tarball = execFileSync(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: PACK_DIR,
    encoding: 'utf8',
  });
  const [{ filename }] = JSON.parse(tarball) as [{ filename: string }];
  const empty = path.join(work, 'empty');
  fs.mkdirSync(empty);
  execFileSync(
    NPM,
    ['install', path.join(work, filename), '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
    { cwd: empty, stdio: 'ignore' },
  );
  installed = path.join(empty, 'node_modules', 'kvguard-policy-pack');
}, 180_000);

afterAll(async () => {
  await pack?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

test('the package holds compiled JavaScript, its metadata, and imports nothing from outside its folder', () => {
  const all = files(installed).map((f) => path.relative(installed, f));
  expect(all.filter((f) => f.endsWith('.ts'))).toEqual([]);
  expect(all.filter((f) => !f.startsWith('bin/')).sort()).toEqual([
    'PulumiPolicy.yaml',
    'README.md',
    'config.example.json',
    'package.json',
  ]);
  const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as {
    main: string;
    dependencies: Record<string, string>;
  };
  expect(fs.existsSync(path.join(installed, manifest.main))).toBe(true);
  expect(Object.keys(manifest.dependencies).sort()).toEqual(['@pulumi/policy', '@pulumi/pulumi', 'ajv', 'ipaddr.js']);
  // Every relative require stays inside the package; every bare one is a declared dependency or node's own.
  for (const file of all.filter((f) => f.endsWith('.js'))) {
    const source = fs.readFileSync(path.join(installed, file), 'utf8');
    for (const [, spec = ''] of source.matchAll(/require\("([^"]+)"\)/g)) {
      if (spec.startsWith('.')) {
        const target = path.resolve(path.dirname(path.join(installed, file)), spec);
        expect([file, spec, target.startsWith(installed + path.sep)]).toEqual([file, spec, true]);
      } else if (!spec.startsWith('node:')) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec);
        expect([file, name, name in manifest.dependencies]).toEqual([file, name, true]);
      }
    }
  }
});

test('installed in an empty folder, it starts as the CLI starts it and answers a preview', async () => {
  pack = await startPack(installed, { project: PROJECT, stack: 'pending-approval', dryRun: true });
  // The start, for the record (the budget is 3 s; the benchmark of record is in docs/benchmarks.md).
  process.stdout.write(`kvguard policy pack started in ${Math.round(pack.startMs)} ms\n`);
  const client = new EngineClient(pack.port);
  try {
    await client.start({
      packDir: installed,
      project: PROJECT,
      stack: 'pending-approval',
      dryRun: true,
      config: readmeConfig,
    });
    const result = await client.run(await freshPreview('pending-approval'));
    expect(result.diagnostics.map(line)).toEqual(EXPECTED['pending-approval']?.preview);
  } finally {
    client.close();
  }
});
