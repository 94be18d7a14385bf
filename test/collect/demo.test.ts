import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../support/run-cli';

describe('kvguard demo', () => {
  it('audits the demo estate live through the emulator, prints the report, restores the environment and exits as the findings say', async () => {
    delete process.env.IDENTITY_ENDPOINT;
    const run = await runCli(['demo', '--no-color']);
    expect(run.stderr).toMatch(
      /^kvguard demo: ARM emulator at https:\/\/127\.0\.0\.1:\d+ serving 51 resources from examples\/demo-estate\.json\n/,
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
    // Issue 11: the ruleset-resolved path (kv-payments-prod's spoke has no zone link; rs-hub forwards the zone to
    // the hub resolver's inbound endpoint) for the default caller, then the same vault from the app spoke, whose
    // route table sends 0.0.0.0/0 to the hub firewall (src/fixtures/demo-topology.ts).
    expect(run.stdout).toContain(
      '✓ kv-payments-prod  rg-payments · 22222222-2222-2222-2222-222222222222\n' +
        '  Caller ✓ → Firewall ✓ → DNS zone ✓ → VNet link ✓ → A record ✓ → Private endpoint ✓ → NIC ✓ → Vault ✓\n' +
        '  dns   vnet-spoke-kv-payments-prod → ruleset rs-hub (privatelink.vaultcore.azure.net.) → inbound endpoint 10.0.0.4 (vnet-hub) → zone privatelink.vaultcore.azure.net (vnet-hub) → 10.1.1.4\n\n' +
        '5 vaults (4 failing): 71 passed, 5 failed, 0 errors, 33 skipped, 0 suppressed\n',
    );
    expect(run.stdout).toMatch(
      /\n\nkvguard 0\.1\.0: 1 vault, caller: subnet snet-app of vnet-app\n\n✓ kv-payments-prod {2}rg-payments · 22222222-2222-2222-2222-222222222222\n/,
    );
    expect(
      run.stdout.endsWith(
        '  route Caller snet-app → UDR 0.0.0.0/0 → peering app-to-hub → firewall 10.0.1.4 (vnet-hub) → peering hub-to-payments → endpoint 10.1.1.4\n' +
          '  dns   vnet-app → firewall DNS proxy 10.0.1.4 (vnet-hub) → zone privatelink.vaultcore.azure.net (vnet-hub) → 10.1.1.4\n\n' +
          '1 vault (0 failing): 17 passed, 0 failed, 0 errors, 5 skipped, 0 suppressed\n',
      ),
    ).toBe(true);
    // README's Quick start quotes the demo: every report line it shows is a line the demo prints.
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Usage'));
    const quoted = [...quickStart.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].flatMap((m) => (m[1] ?? '').split('\n'));
    const reportLines = quoted.filter((l) => /^(✓|✗) |^ {2}(Caller|dns|route|A record)|^ {4}✗ /.test(l));
    expect(reportLines).toHaveLength(11);
    expect(reportLines.filter((l) => !run.stdout.split('\n').includes(l))).toEqual([]);
    expect(run.stderr).toMatch(
      /kvguard demo: the same vault from a caller in another spoke, routed through the hub firewall: kvguard audit --endpoint \S+ --ca-cert \S+ (--subscription \S+ ){3}--vault kv-payments-prod --caller-subnet \/subscriptions\/22222222-2222-2222-2222-222222222222\/resourceGroups\/rg-app\/providers\/Microsoft\.Network\/virtualNetworks\/vnet-app\/subnets\/snet-app\n/,
    );
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
    // One JSON document: the routed caller's audit is named on stderr, not appended.
    expect(run.stderr).toMatch(
      /kvguard demo: for the routed path through the hub firewall, run with --format text, or: kvguard audit .* --vault kv-payments-prod --caller-subnet \S+\/vnet-app\/subnets\/snet-app\n/,
    );
  });
});
