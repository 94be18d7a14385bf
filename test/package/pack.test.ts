import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The npm package as a user gets it (issue 10): the project is packed from a copy of its sources with no dist/
 * (as a fresh clone has), so `prepack` must build it; the tarball is installed into an empty folder with npm
 * (from the registry, as a user would), and the installed `kvguard` lists its rules, audits a snapshot with the
 * right exit codes, runs the emulator until stopped, and works as a library. The installed size (the CLI and
 * its dependencies) is measured and must stay within 200 MB (README states it); no Pulumi package comes along.
 * One file, its own temp folders, removed afterwards. Takes about a minute (npm pack builds, npm install).
 */
const ROOT = path.join(__dirname, '..', '..');
const SOURCES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md'];
const FOLDERS = ['bin', 'src', 'rules', 'schema', 'examples', 'bench'];
const MAX_INSTALLED_BYTES = 200 * 1024 * 1024;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kvguard-pack-'));
const clone = path.join(work, 'clone');
const app = path.join(work, 'app');
let tarball = '';
let packed: string[] = [];

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_fund: 'false' } });
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0)
    throw new Error(`${what} exited ${result.status}: ${result.stdout}${result.stderr}${result.error ?? ''}`);
  return result.stdout;
}

const kvguard = (...args: string[]) => run('npx', ['--no', 'kvguard', ...args], app);
const example = (name: string) => path.join(app, 'node_modules', 'kvguard', 'examples', name);

function du(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sum + du(full);
    return entry.isFile() ? sum + fs.statSync(full).size : sum;
  }, 0);
}

beforeAll(() => {
  fs.mkdirSync(clone);
  for (const file of SOURCES) fs.copyFileSync(path.join(ROOT, file), path.join(clone, file));
  for (const folder of FOLDERS) fs.cpSync(path.join(ROOT, folder), path.join(clone, folder), { recursive: true });
  // The clone's build tools (tsc): the repository's own node_modules, not a second install.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  const pack = JSON.parse(ok(run('npm', ['pack', '--json', '--pack-destination', work], clone), 'npm pack')) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = path.join(work, pack[0]?.filename ?? '');
  packed = (pack[0]?.files ?? []).map((file) => file.path).sort();
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  ok(run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], app), 'npm install <tarball>');
}, 600_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('the tarball carries the built CLI and library, schemas, rule docs and README; no tests, sources or benchmarks', () => {
  for (const file of [
    'bin/kvguard.js',
    'dist/src/cli/main.js',
    'dist/src/index.js',
    'dist/src/index.d.ts',
    'dist/rules/index.js',
    'dist/schema/snapshot.schema.json',
    'schema/kvguard.config.schema.json',
    'schema/snapshot.schema.json',
    'rules/dns-a-record-ip.md',
    'examples/missing-a-record.json',
    'README.md',
    'package.json',
  ])
    expect(packed).toContain(file);
  const unwanted = packed.filter(
    (file) =>
      /(^|\/)test\/|\.test\.|\.map$|^dist\/bench\/|^src\/|^bench\/|^stacks\/|^policy-pack\//.test(file) ||
      (file.endsWith('.ts') && !file.endsWith('.d.ts')),
  );
  expect(unwanted).toEqual([]);
});

test('npx kvguard rules lists every rule', () => {
  const result = kvguard('rules');
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^KV101\b/m);
  expect(result.stdout).toMatch(/^KV204\b.*dns-a-record-present/m);
});

test('npx kvguard audit --snapshot: exit 1 naming the broken link, 0 on a healthy path, 2 on a missing file', () => {
  const broken = kvguard('audit', '--snapshot', example('missing-a-record.json'));
  expect(broken.status).toBe(1);
  expect(broken.stdout).toContain(
    '✗ KV204 dns-a-record-present (error): private DNS zone privatelink.vaultcore.azure.net has no A record named kv-payments-prod',
  );
  expect(kvguard('audit', '--snapshot', example('healthy.json')).status).toBe(0);
  const missing = kvguard('audit', '--snapshot', path.join(work, 'no-such.json'));
  expect(missing.status).toBe(2);
  expect(missing.stderr).toContain('no-such.json');
});

test('npx kvguard emulator serves HTTPS until Ctrl-C, then stops cleanly', async () => {
  // Its own process group, so SIGINT reaches npx, its shell and kvguard together, as Ctrl-C in a terminal does.
  const child = spawn('npx', ['--no', 'kvguard', 'emulator', '--seed', example('healthy.json')], {
    cwd: app,
    detached: true,
  });
  let stdout = '';
  // The pipe closes once every process holding it (npx, sh, kvguard) has exited.
  const closed = new Promise<void>((resolve) => child.stdout.on('close', () => resolve()));
  const started = await new Promise<{ endpoint: string; ca: string }>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const endpoint = /^endpoint: (\S+)$/m.exec(stdout)?.[1];
      const ca = /^ca: (\S+)$/m.exec(stdout)?.[1];
      if (endpoint && ca) resolve({ endpoint, ca });
    });
    child.on('exit', (code) => reject(new Error(`emulator exited ${code} before it listened: ${stdout}`)));
  });
  try {
    // No token: ARM's 401, over TLS signed by the emulator's CA.
    const status = await new Promise<number | undefined>((resolve, reject) =>
      https
        .get(`${started.endpoint}/subscriptions?api-version=2022-12-01`, { ca: fs.readFileSync(started.ca) }, (res) => {
          res.resume();
          resolve(res.statusCode);
        })
        .on('error', reject),
    );
    expect(status).toBe(401);
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGINT');
  }
  await closed;
  // kvguard stopped itself (not killed): stopping the emulator removes its certificate folder.
  expect(fs.existsSync(path.dirname(started.ca))).toBe(false);
}, 120_000);

test('stack deploy says in one line that the package leaves the Pulumi stacks out (exit 2)', () => {
  const result = kvguard('stack', 'deploy', 'healthy');
  expect(result.status).toBe(2);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/^kvguard: stack: no Pulumi stacks in .*stacks: they ship with the kvguard repository/);
});

test('require("kvguard") gives the engine, rules and reporters; no Pulumi package is installed', () => {
  const script = [
    "const k = require('kvguard');",
    'const estate = k.buildEstate(k.readSnapshot(process.argv[1]).resources);',
    'const result = k.runRules({ estate, rules: k.RULES });',
    "const failed = result.findings.filter((f) => f.outcome === 'fail').map((f) => f.ruleId);",
    "const report = k.reporterFor('json')(result, { rules: k.RULES.map((r) => r.meta), tool: { name: 'kvguard', version: '0' } });",
    "console.log(JSON.stringify({ failed, exit: k.exitCode(result, 'error', false), json: JSON.parse(report).findings.length > 0 }));",
  ].join('\n');
  const result = run('node', ['-e', script, example('missing-a-record.json')], app);
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout)).toEqual({ failed: ['KV204'], exit: 1, json: true });
  expect(fs.existsSync(path.join(app, 'node_modules', '@pulumi'))).toBe(false);
});

test('installed size of the CLI with its dependencies stays within 200 MB', () => {
  const bytes = du(path.join(app, 'node_modules'));
  fs.mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true });
  fs.writeFileSync(
    path.join(ROOT, 'test-artifacts', 'package-size.txt'),
    `installed node_modules: ${(bytes / 1024 / 1024).toFixed(1)} MiB (${bytes} bytes)\n`,
  );
  expect(bytes).toBeLessThanOrEqual(MAX_INSTALLED_BYTES);
});

test("the stacks' own package.json pins the Pulumi versions the repository tests with", () => {
  const root = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const stacks = JSON.parse(fs.readFileSync(path.join(ROOT, 'stacks', 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  expect(Object.keys(root.dependencies).filter((name) => name.startsWith('@pulumi/'))).toEqual([]);
  for (const [name, version] of Object.entries(stacks.dependencies)) expect(root.devDependencies[name]).toBe(version);
});
