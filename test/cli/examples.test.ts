import { OFFICE_IP } from '../../src/fixtures/examples';
import { example, runCli } from '../support/run-cli';

/**
 * Each example fails exactly the rules it was built to break (issue 2, "Done when"). Derived from the rule
 * catalogue (DESIGN 3): a broken link fails its own rule and what truly depends on it, nothing else.
 */
interface Finding {
  ruleId: string;
  outcome: string;
  vaultId: string;
}

async function auditJson(
  name: string,
  extra: string[] = [],
): Promise<{ code: number; failing: Map<string, string[]>; errors: Finding[] }> {
  const run = await runCli(['audit', '--snapshot', example(name), '--format', 'json', ...extra]);
  expect(run.stderr).toBe('');
  const findings = (JSON.parse(run.stdout) as { findings: Finding[] }).findings;
  const failing = new Map<string, string[]>();
  for (const f of findings.filter((x) => x.outcome === 'fail')) {
    const vault = f.vaultId.split('/').pop() ?? '';
    failing.set(vault, [...new Set([...(failing.get(vault) ?? []), f.ruleId])].sort());
  }
  return { code: run.code, failing, errors: findings.filter((f) => f.outcome === 'error') };
}

const VAULT = 'kv-payments-prod';

const BROKEN: [name: string, rules: string[], why: string][] = [
  // The connection is Pending on both sides; the caller then has no usable private path, and public access is Disabled.
  ['pending-approval', ['KV102'], 'unapproved connection'],
  // The zone group points at a misnamed zone, and no zone has the required name.
  ['wrong-zone-name', ['KV104', 'KV201'], 'privatelink.vault.azure.net'],
  ['zone-not-linked', ['KV203'], 'spoke VNet not linked (peering does not carry links)'],
  ['missing-a-record', ['KV204'], 'no A record for the vault'],
  ['stale-a-record', ['KV205'], 'A record at the old address'],
];

test('healthy.json: exit 0, no fail, no error', async () => {
  const run = await auditJson('healthy');
  expect(run.failing).toEqual(new Map());
  expect(run.errors).toEqual([]);
  expect(run.code).toBe(0);
});

test.each(BROKEN)('%s.json fails exactly %j (%s) and exits 1', async (name, rules) => {
  const run = await auditJson(name);
  expect(run.failing).toEqual(new Map([[VAULT, rules]]));
  expect(run.errors).toEqual([]);
  expect(run.code).toBe(1);
});

test('public-access-enabled.json fails KV302 (warning) and KV303 (error: public access open beside a private endpoint) and exits 1', async () => {
  const run = await auditJson('public-access-enabled');
  expect(run.failing).toEqual(new Map([[VAULT, ['KV302', 'KV303']]]));
  expect(run.errors).toEqual([]);
  expect(run.code).toBe(1);
});

test('firewall-blocks-caller.json: the office IP is refused (publicNetworkAccess Disabled overrides ipRules); a caller in the VNet passes', async () => {
  const office = await auditJson('firewall-blocks-caller', ['--caller-ip', OFFICE_IP]);
  expect(office.failing).toEqual(new Map([[VAULT, ['KV301']]]));
  expect(office.code).toBe(1);
  const inVnet = await auditJson('firewall-blocks-caller');
  expect(inVnet.failing).toEqual(new Map());
  expect(inVnet.code).toBe(0);
});

test('demo-estate.json: the healthy vault passes, each broken one fails its own link', async () => {
  const run = await auditJson('demo-estate');
  expect(run.failing).toEqual(
    new Map([
      ['kv-legacy-app', ['KV302', 'KV303']],
      ['kv-orders-prod', ['KV205']],
      ['kv-partner-share', ['KV102']], // KV301 skipped: the refused connection is the one cause
      ['kv-reports-dev', ['KV203']],
    ]),
  );
  expect(run.errors).toEqual([]);
  expect(run.code).toBe(1);
});

/**
 * Issue 11, "Done when: the demo shows a routed and a ruleset-resolved path", judged on the snapshot the demo
 * serves: kv-payments-prod's spoke resolves through ruleset rs-hub (no link of its own) for the default caller;
 * from the app spoke (DEMO_ROUTED_CALLER) its packets take the UDR to the hub firewall and enter the vault's
 * spoke through a peering that allows forwarded traffic.
 */
test('demo-estate.json: kv-payments-prod resolves through the ruleset, and is reached from the app spoke through the hub firewall', async () => {
  const { DEMO_ROUTED_CALLER } = await import('../../src/fixtures/demo-topology');
  const findings = async (extra: string[]) => {
    const run = await runCli([
      'audit',
      '--snapshot',
      example('demo-estate'),
      '--format',
      'json',
      '--vault',
      DEMO_ROUTED_CALLER.vault,
      ...extra,
    ]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const all = (JSON.parse(run.stdout) as { findings: (Finding & { message: string })[] }).findings;
    return all.filter((f) => f.ruleId === 'KV203' || f.ruleId === 'KV301').map((f) => [f.ruleId, f.outcome, f.message]);
  };
  expect(await findings([])).toEqual([
    [
      'KV203',
      'pass',
      'vnet-spoke-kv-payments-prod resolves privatelink.vaultcore.azure.net through ruleset rs-hub (privatelink.vaultcore.azure.net.) → inbound endpoint 10.0.0.4 (vnet-hub), which is linked (link link-vnet-hub)',
    ],
    [
      'KV301',
      'pass',
      'allowed: the caller reaches kv-payments-prod through private endpoint pe-kv-payments-prod (Approved); the firewall does not apply to private endpoint traffic',
    ],
  ]);
  expect(await findings(['--caller-subnet', DEMO_ROUTED_CALLER.subnet])).toEqual([
    [
      'KV203',
      'pass',
      'vnet-app resolves privatelink.vaultcore.azure.net through firewall DNS proxy 10.0.1.4 (vnet-hub), which is linked (link link-vnet-hub)',
    ],
    [
      'KV301',
      'pass',
      'allowed: the caller in vnet-app reaches kv-payments-prod through private endpoint pe-kv-payments-prod (Approved) via UDR 0.0.0.0/0 → peering app-to-hub → firewall 10.0.1.4 (vnet-hub) → peering hub-to-payments; the firewall does not apply to private endpoint traffic; assumes firewall fw-hub allows TCP 443 to 10.1.1.4: check its network and application rules (firewall policy fwp-hub)',
    ],
  ]);
});
