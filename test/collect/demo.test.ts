import { main } from '../../src/cli/main';
import { captureOutput } from './live-support';

describe('kvguard demo', () => {
  it('audits the demo estate live through the emulator, prints the report, restores the environment and exits as the findings say', async () => {
    delete process.env.IDENTITY_ENDPOINT;
    const run = await captureOutput(() => main(['node', 'kvguard', 'demo', '--no-color']));
    expect(run.stderr).toMatch(/^kvguard demo: ARM emulator at https:\/\/127\.0\.0\.1:\d+ serving 42 resources from examples\/demo-estate\.json\n/);
    expect(run.stderr).toMatch(/kvguard demo: kvguard audit --endpoint https:\/\/127\.0\.0\.1:\d+ --ca-cert \S+ --subscription 11111111-1111-1111-1111-111111111111 /);
    // The demo estate has broken vaults: the same exit code a CI gate would get.
    expect(run.result).toBe(1);
    expect(run.stdout).toMatch(/fail/i);
    expect(process.env.IDENTITY_ENDPOINT).toBeUndefined();
  });
});
