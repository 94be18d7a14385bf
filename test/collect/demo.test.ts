import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAudit } from '../../src/cli/pipeline';
import type { Finding } from '../../src/engine/types';
import { DEMO_ROUTED_CALLER } from '../../src/fixtures/demo-topology';
import { HUB_SUB, SPOKE_SUB } from '../../src/fixtures/scenario';
import { readSnapshot } from '../../src/input/snapshot';
import { DEFAULT_CALLER } from '../../src/model/caller';
import { runCli } from '../support/run-cli';
import { liveOptions, withEmulator } from './live-support';

const THIRD_SUB = '33333333-3333-3333-3333-333333333333';

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

/**
 * What the demo shows live is what the snapshot says: the demo estate read through the Azure SDKs from the
 * emulator gives the findings the file gives, for the default caller and for the routed caller of the
 * demo's second report (ARM ids compared case-insensitively: the Private DNS service lower-cases child ids).
 */
describe('the demo estate, live and from the snapshot', () => {
  const NOW = new Date('2026-03-01T00:00:00Z');
  const file = path.join(__dirname, '..', '..', 'examples', 'demo-estate.json');
  const fold = (findings: readonly Finding[]) =>
    findings
      .map((f) =>
        [
          f.ruleId,
          f.outcome,
          f.resourceId.toLowerCase(),
          f.message.replace(/\/subscriptions\/\S+/g, (id) => id.toLowerCase()),
        ].join(' '),
      )
      .sort();

  test.each<[string, { subnetId?: string }]>([
    ['the default caller', {}],
    ['the app spoke, through the hub firewall', { subnetId: DEMO_ROUTED_CALLER.subnet }],
  ])('%s: the same findings', async (_label, where) => {
    const caller = { ...DEFAULT_CALLER, ...where };
    const snapshot = await runAudit({ source: { kind: 'snapshot', file }, caller, now: NOW });
    const seed = readSnapshot(file).resources;
    const live = await withEmulator(seed, {}, async (emulator) =>
      runAudit({
        source: { kind: 'live', options: liveOptions(emulator, [HUB_SUB, SPOKE_SUB, THIRD_SUB]) },
        caller,
        now: NOW,
      }),
    );
    expect(fold(live.result.findings)).toEqual(fold(snapshot.result.findings));
    expect(live.result.findings.filter((f) => f.outcome === 'error')).toEqual([]);
    // The paths the demo is there to show: the ruleset-resolved one, and the routed one from the app spoke.
    const kv = (id: string) =>
      live.result.findings.find((f) => f.ruleId === id && f.vaultId.endsWith(`/${DEMO_ROUTED_CALLER.vault}`));
    expect([kv('KV203')?.outcome, kv('KV301')?.outcome]).toEqual(['pass', 'pass']);
    expect(kv(where.subnetId ? 'KV301' : 'KV203')?.message).toContain(
      where.subnetId
        ? 'via UDR 0.0.0.0/0 → peering app-to-hub → firewall 10.0.1.4 (vnet-hub)'
        : 'through ruleset rs-hub',
    );
  });
});
