import { runCli } from '../support/run-cli';

describe('kvguard demo', () => {
  it('audits the demo estate live through the emulator, prints the report, restores the environment and exits as the findings say', async () => {
    delete process.env.IDENTITY_ENDPOINT;
    const run = await runCli(['demo', '--no-color']);
    expect(run.stderr).toMatch(
      /^kvguard demo: ARM emulator at https:\/\/127\.0\.0\.1:\d+ serving 42 resources from examples\/demo-estate\.json\n/,
    );
    expect(run.stderr).toMatch(
      /kvguard demo: kvguard audit --endpoint https:\/\/127\.0\.0\.1:\d+ --ca-cert \S+ --subscription 11111111-1111-1111-1111-111111111111 /,
    );
    // The demo estate has broken vaults: the exit code is the findings', as a CI gate on it would see.
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/fail/i);
    expect(run.stderr).toContain(
      'kvguard demo: exit 1: the demo estate is built with broken vaults, and the findings fail the gate as they would in CI\n',
    );
    expect(process.env.IDENTITY_ENDPOINT).toBeUndefined();
  });

  it('--format json carries what reading ARM cost in summary.collection', async () => {
    const run = await runCli(['demo', '--no-color', '--format', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      summary: {
        vaults: number;
        collection: { vaultsListed: number; vaultsEvaluated: number; requests: Record<string, number> };
      };
    };
    expect(report.summary.vaults).toBe(5);
    expect(report.summary.collection.vaultsListed).toBe(5);
    expect(report.summary.collection.vaultsEvaluated).toBe(5);
    expect(report.summary.collection.requests['KeyVault.vaults.listBySubscription']).toBe(3);
  });
});
