import type { CollectedEstate, LiveOptions } from '../../src/collect/types';
import { healthyPath } from '../../src/fixtures/scenario';
import { runCli } from '../support/run-cli';

/**
 * The live source as the audit command drives it: flags become LiveOptions, the collector's vault errors
 * and notices reach the run. The collector is replaced here; test/collect and the emulator tests cover it.
 */
const path0 = healthyPath();
const calls: LiveOptions[] = [];
let answer: () => Promise<CollectedEstate>;

jest.mock('../../src/collect/index', () => ({
  collectLive: (options: LiveOptions) => {
    calls.push(options);
    return answer();
  },
}));

function collected(resources = path0.resources, vaultErrors = new Map<string, string>()): CollectedEstate {
  return { resources, vaultErrors, notices: [], requests: {}, stats: { vaultsListed: 1, throttled: 0, retried: 0 } };
}

beforeEach(() => {
  calls.length = 0;
  answer = async () => collected();
});

const SUB = '22222222-2222-2222-2222-222222222222';
const HUB = '11111111-1111-1111-1111-111111111111';

test('flags become LiveOptions', async () => {
  const run = await runCli([
    'audit',
    '--subscription',
    SUB,
    '--subscription',
    `${HUB.toUpperCase()},${SUB}`,
    '--resource-group',
    'rg-payments',
    '--vault',
    'kv-payments-prod',
    '--cloud',
    'AzureUSGovernment',
    '--endpoint',
    'https://127.0.0.1:8443/',
    '--ca-cert',
    __filename,
    '--format',
    'json',
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(calls).toEqual([
    {
      subscriptions: [SUB, HUB],
      resourceGroup: 'rg-payments',
      vaultName: 'kv-payments-prod',
      cloud: 'AzureUSGovernment',
      endpoint: 'https://127.0.0.1:8443',
      caCertFile: __filename,
    },
  ]);
});

test("the caller's VNet (given, or of the caller's subnet) is read by id", async () => {
  await runCli(['audit', '--subscription', SUB, '--caller-subnet', path0.ids.workloadSubnet]);
  await runCli(['audit', '--subscription', SUB, '--caller-vnet', path0.ids.hubVnet]);
  expect(calls.map((c) => c.referencedIds)).toEqual([[path0.ids.spokeVnet], [path0.ids.hubVnet]]);
});

test('the cloud defaults to AzureCloud; --verbose hands the collector a log', async () => {
  await runCli(['audit', '--subscription', SUB]);
  expect(calls[0]).toEqual({ subscriptions: [SUB], cloud: 'AzureCloud' });
  const verbose = await runCli(['audit', '--subscription', SUB, '--verbose']);
  expect(verbose.code).toBe(0);
  expect(typeof calls[1]?.log).toBe('function');
});

test('a vault the collector could not read makes the run incomplete: exit 2, or 0/1 with --allow-partial', async () => {
  answer = async () =>
    collected(
      path0.resources,
      new Map([[path0.ids.vault.toLowerCase(), '403 AuthorizationFailed on Microsoft.KeyVault/vaults/read']]),
    );
  const run = await runCli(['audit', '--subscription', SUB, '--format', 'json']);
  expect(run.code).toBe(2);
  const report = JSON.parse(run.stdout) as {
    summary: { complete: boolean; error: number };
    findings: { outcome: string; message: string }[];
  };
  expect(report.summary.complete).toBe(false);
  expect(
    report.findings.every(
      (f) =>
        f.outcome === 'error' &&
        f.message ===
          'kv-payments-prod could not be evaluated: 403 AuthorizationFailed on Microsoft.KeyVault/vaults/read',
    ),
  ).toBe(true);
  const noun = report.summary.error === 1 ? 'finding' : 'findings';
  expect(run.stderr).toBe(
    `kvguard: incomplete run: ${report.summary.error} ${noun} could not be evaluated; first: kv-payments-prod could not be evaluated: 403 AuthorizationFailed on Microsoft.KeyVault/vaults/read (exit 2; --allow-partial gates on the rest)\n`,
  );
  // With --allow-partial the error findings still count against --fail-on (exit 1); they no longer stop the run.
  expect((await runCli(['audit', '--subscription', SUB, '--allow-partial', '--fail-on', 'note'])).code).toBe(1);
});

test('no vault in the subscriptions is an error, not a pass', async () => {
  answer = async () => collected(path0.resources.filter((r) => r.id !== path0.ids.vault));
  const run = await runCli(['audit', '--subscription', SUB, '--resource-group', 'rg-payments']);
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(
    `kvguard: no Key Vault or Managed HSM found in subscription ${SUB}, resource group rg-payments\n`,
  );
});

test('a collector failure is one line, exit 2', async () => {
  answer = async () => {
    throw new Error('CredentialUnavailableError: DefaultAzureCredential failed to retrieve a token\n  at ...');
  };
  const run = await runCli(['audit', '--subscription', SUB]);
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(
    'kvguard: live collection failed: CredentialUnavailableError: DefaultAzureCredential failed to retrieve a token\n',
  );
  expect(run.stdout).toBe('');
});

test('subscriptions can come from the config scope', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const pathModule = await import('node:path');
  const file = pathModule.join(fs.mkdtempSync(pathModule.join(os.tmpdir(), 'kvguard-live-')), 'kvguard.config.json');
  fs.writeFileSync(
    file,
    JSON.stringify({ scope: { subscriptions: [SUB], vaults: ['kv-payments-prod'] }, cloud: 'AzureChinaCloud' }),
  );
  const run = await runCli(['audit', '--config', file]);
  expect(run.code).toBe(0);
  expect(calls).toEqual([{ subscriptions: [SUB], vaultName: 'kv-payments-prod', cloud: 'AzureChinaCloud' }]);
});
