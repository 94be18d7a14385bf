import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXPECTED_FAILS } from '../pulumi/support';
import { ROOT, runCli } from '../support/run-cli';

/**
 * Every failure mode of stacks/ as a Terraform plan (examples/terraform/<stack>.plan.json, written by
 * test/fixtures/terraform/plans.ts in Terraform's JSON Output Format): `kvguard audit --terraform-plan` fails
 * exactly the stack's rules in KV1xx-KV3xx, on the resource at fault, pointing at its Terraform address; the
 * healthy plan fails none. What the plan leaves to apply is skipped, never failed.
 */
const ACCESS_PATH_RULE = /^KV[123]\d\d$/;
const WORK = path.join(ROOT, '.kvguard-tmp', 'terraform');
const HUB = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-kvguard-hub';
const SPOKE = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-kvguard-spoke';
const ZONE = `${HUB}/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net`;

interface JsonFinding {
  ruleId: string;
  outcome: string;
  resourceId: string;
  message: string;
  address?: string;
}

/** What the stacks' own test passes (stacks/Pulumi.<stack>.yaml): the caller IP and KV104's dnsManagedElsewhere. */
const CALLER_IP: Record<string, string> = { 'firewall-blocks-caller': '203.0.113.10' };
const DNS_MANAGED_ELSEWHERE = new Set(['missing-a-record', 'stale-a-record']);

async function audit(stack: string): Promise<{ code: number; findings: JsonFinding[] }> {
  fs.mkdirSync(WORK, { recursive: true });
  const args = ['audit', '--terraform-plan', `examples/terraform/${stack}.plan.json`, '--format', 'json'];
  if (CALLER_IP[stack]) args.push('--caller-ip', CALLER_IP[stack]);
  if (DNS_MANAGED_ELSEWHERE.has(stack)) {
    const config = path.join(WORK, `${stack}.config.json`);
    fs.writeFileSync(config, JSON.stringify({ rules: { KV104: { options: { dnsManagedElsewhere: true } } } }));
    args.push('--config', config);
  }
  const run = await runCli(args, { cwd: ROOT });
  expect(run.stderr).toBe('');
  return { code: run.code, findings: (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings };
}

/**
 * The variants of the single-spoke access path. The topology stacks (hub-firewall*, ruleset-*) have no plan of
 * their own: the hub-firewall path as a Terraform plan is test/terraform/topology.test.ts
 * (examples/terraform/hub-firewall*.plan.json).
 */
const PLANNED = Object.keys(EXPECTED_FAILS).filter((stack) => !/^(hub-firewall|ruleset-)/.test(stack));

test('every stack variant outside the topology stacks has a plan', () => {
  expect(
    PLANNED.filter((stack) => !fs.existsSync(path.join(ROOT, 'examples/terraform', `${stack}.plan.json`))),
  ).toEqual([]);
  expect(PLANNED).toHaveLength(8);
});

describe('kvguard audit --terraform-plan: one plan per stack variant', () => {
  test.each(PLANNED)('%s fails exactly its rules', async (stack) => {
    const { code, findings } = await audit(stack);
    const failing = [
      ...new Set(findings.filter((f) => f.outcome === 'fail' && ACCESS_PATH_RULE.test(f.ruleId)).map((f) => f.ruleId)),
    ].sort();
    expect({ stack, failing, errors: findings.filter((f) => f.outcome === 'error') }).toEqual({
      stack,
      failing: EXPECTED_FAILS[stack],
      errors: [],
    });
    // KV503 (no diagnostic setting) is a warning: only access-path errors fail the gate.
    expect(code).toBe(EXPECTED_FAILS[stack]?.length ? 1 : 0);
    // Unknown until apply is never a violation: every result that waited on apply is skipped.
    for (const f of findings.filter((x) => x.message.startsWith('not decided before apply')))
      expect(f.outcome).toBe('skipped');
  });

  test('stale-a-record: the record the plan writes against the endpoint address it fixes, at their addresses', async () => {
    const { findings } = await audit('stale-a-record');
    expect(findings.filter((f) => f.outcome === 'fail' && ACCESS_PATH_RULE.test(f.ruleId))).toEqual([
      expect.objectContaining({
        ruleId: 'KV205',
        resourceId: `${ZONE}/A/kvg-stale`,
        message: "A record kvg-stale points at 10.1.1.9; the private endpoint's NIC has 10.1.1.4",
        address: 'azurerm_private_dns_a_record.vault',
      }),
    ]);
  });

  test('pending-approval: a manual connection lands Pending, reported on the endpoint that asks for it', async () => {
    const { findings } = await audit('pending-approval');
    expect(findings.filter((f) => f.ruleId === 'KV102')).toEqual([
      expect.objectContaining({
        outcome: 'fail',
        resourceId: `${SPOKE}/providers/Microsoft.Network/privateEndpoints/pe-kvg-pending`,
        message:
          'connection pe-kvg-pending to kvg-pending is Pending ("Requested by the application team, please approve"): approve it on the vault',
        address: 'azurerm_private_endpoint.kv',
      }),
    ]);
  });

  test('healthy: the A record the zone group will write has an address known only after apply: KV205 is skipped', async () => {
    const { findings } = await audit('healthy');
    expect(findings.filter((f) => f.ruleId === 'KV205')).toEqual([
      expect.objectContaining({
        outcome: 'skipped',
        message:
          "not decided before apply for kvg-healthy (depends on values known only after apply in azurerm_private_endpoint.kv): cannot check A record kvg-healthy: the private endpoints' NICs have no private IP address",
      }),
    ]);
  });
});
