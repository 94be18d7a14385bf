import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXPECTED_FAILS } from '../pulumi/support';
import { ROOT, runCli } from '../support/run-cli';
import { variantPlan } from '../fixtures/terraform/plans';

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

/**
 * The hub-firewall stacks audit from the app spoke (their output auditCallerSubnetId); their plans
 * (test/fixtures/terraform/plans.ts hubFirewallPlan) put that caller in spoke A's workload subnet, as
 * test/terraform/topology.test.ts does.
 */
const SPOKE_A_CALLER =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-spokes/providers/Microsoft.Network/virtualNetworks/vnet-spoke-a/subnets/snet-workload';
const CALLER_SUBNET: Record<string, string> = {
  'hub-firewall': SPOKE_A_CALLER,
  'hub-firewall-no-forwarding': SPOKE_A_CALLER,
};

/**
 * The plan of each stack is examples/terraform/<stack>.plan.json, except where one plan already shows the same
 * failure mode under the name of what it breaks: hub-firewall-no-forwarding (the vault spoke's peering to the hub
 * refuses forwarded traffic) is hub-firewall-spoke-refuses-forwarded.
 */
const PLAN_OF: Record<string, string> = { 'hub-firewall-no-forwarding': 'hub-firewall-spoke-refuses-forwarded' };
const planFile = (stack: string): string => `examples/terraform/${PLAN_OF[stack] ?? stack}.plan.json`;

async function audit(stack: string, plan = planFile(stack)): Promise<{ code: number; findings: JsonFinding[] }> {
  fs.mkdirSync(WORK, { recursive: true });
  const args = ['audit', '--terraform-plan', plan, '--format', 'json'];
  if (CALLER_IP[stack]) args.push('--caller-ip', CALLER_IP[stack]);
  if (CALLER_SUBNET[stack]) args.push('--caller-subnet', CALLER_SUBNET[stack]);
  if (DNS_MANAGED_ELSEWHERE.has(stack)) {
    const config = path.join(WORK, `${stack}.config.json`);
    fs.writeFileSync(config, JSON.stringify({ rules: { KV104: { options: { dnsManagedElsewhere: true } } } }));
    args.push('--config', config);
  }
  const run = await runCli(args, { cwd: ROOT });
  expect(run.stderr).toBe('');
  return { code: run.code, findings: (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings };
}

const STACKS = Object.keys(EXPECTED_FAILS);

test('every stack variant has a plan', () => {
  expect(STACKS.filter((stack) => !fs.existsSync(path.join(ROOT, planFile(stack))))).toEqual([]);
  expect(STACKS).toHaveLength(12);
});

describe('kvguard audit --terraform-plan: one plan per stack variant', () => {
  test.each(STACKS)('%s fails exactly its rules', async (stack) => {
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

describe('the topology stacks as plans: the hop at fault, at its Terraform address', () => {
  const accessPath = (findings: JsonFinding[], ruleId: string) =>
    findings
      .filter((f) => f.ruleId === ruleId)
      .map(({ outcome, resourceId, message, address }) => ({ outcome, resourceId, message, address }));

  test('ruleset-resolved-spoke: the spoke resolves through ruleset rs-hub to the Static inbound endpoint', async () => {
    const { findings } = await audit('ruleset-resolved-spoke');
    expect(accessPath(findings, 'KV203')).toEqual([
      {
        outcome: 'pass',
        resourceId: `${ZONE}/virtualNetworkLinks/link-vnet-hub`,
        message:
          'vnet-spoke-kvg-ruleset resolves privatelink.vaultcore.azure.net through ruleset rs-hub (privatelink.vaultcore.azure.net.) → inbound endpoint 10.0.0.4 (vnet-hub), which is linked (link link-vnet-hub)',
        address: 'azurerm_private_dns_zone_virtual_network_link.hub',
      },
    ]);
  });

  test('ruleset-rule-disabled: `enabled = false` on the rule fails KV203 on the spoke VNet, naming the rule', async () => {
    const { findings } = await audit('ruleset-rule-disabled');
    expect(accessPath(findings, 'KV203')).toEqual([
      {
        outcome: 'fail',
        resourceId: `${SPOKE}/providers/Microsoft.Network/virtualNetworks/vnet-spoke-kvg-ruleset-off`,
        message:
          'vnet-spoke-kvg-ruleset-off uses Azure-provided DNS and is not linked to privatelink.vaultcore.azure.net; it is peered to vnet-hub, which is linked, but peering does not carry private DNS zone links; rule privatelink-vaultcore (privatelink.vaultcore.azure.net.) of forwarding ruleset rs-hub, linked to it, is Disabled',
        address: 'azurerm_virtual_network.spoke',
      },
    ]);
  });

  test('hub-firewall-no-forwarding: KV301 fails on the vault, through the peering that refuses forwarded traffic', async () => {
    const { findings } = await audit('hub-firewall-no-forwarding');
    expect(accessPath(findings, 'KV301')).toEqual([
      {
        outcome: 'fail',
        resourceId:
          '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-spokes/providers/Microsoft.KeyVault/vaults/kv-spoke-b',
        message:
          'denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint (peering to-hub of vnet-spoke-b does not allow forwarded traffic (allowForwardedTraffic false), so it drops what the appliance in vnet-hub forwards)',
        address: 'azurerm_key_vault.kv',
      },
    ]);
  });

  /**
   * With Dynamic allocation (the azurerm default, and what stacks/program.ts deploys) Azure picks the inbound
   * endpoint's address, so a fresh plan has `ip_configurations[0].private_ip_address` unknown, and with it the
   * rule's `target_dns_servers[0].ip_address`: where the rule forwards is not known before apply.
   */
  const dynamicPlan = (stack: string, enabled: boolean): string => {
    fs.mkdirSync(WORK, { recursive: true });
    const file = path.join(WORK, `${stack}-dynamic.plan.json`);
    fs.writeFileSync(file, JSON.stringify(variantPlan(stack, { ruleset: { enabled, allocation: 'Dynamic' } })));
    return file;
  };

  test('Dynamic inbound endpoint: the plan leaves its address unknown (Terraform encoding)', () => {
    const plan = JSON.parse(fs.readFileSync(dynamicPlan('ruleset-resolved-spoke', true), 'utf8')) as {
      resource_changes: { address: string; change: { after_unknown: Record<string, unknown> } }[];
    };
    const unknownOf = (address: string) =>
      plan.resource_changes.find((r) => r.address === address)?.change.after_unknown;
    expect(unknownOf('azurerm_private_dns_resolver_inbound_endpoint.hub')).toEqual({
      id: true,
      private_dns_resolver_id: true,
      ip_configurations: [{ private_ip_address: true, subnet_id: true }],
    });
    expect(unknownOf('azurerm_private_dns_resolver_forwarding_rule.privatelink')).toEqual(
      expect.objectContaining({ target_dns_servers: [{ ip_address: true }] }),
    );
  });

  test('Dynamic inbound endpoint, rule enabled: KV203 is not decided before apply (never a pass or a fail)', async () => {
    const { code, findings } = await audit('ruleset-resolved-spoke', dynamicPlan('ruleset-resolved-spoke', true));
    // Reported on the rule whose target waits on apply, at its Terraform address.
    expect(accessPath(findings, 'KV203')).toEqual([
      {
        outcome: 'skipped',
        resourceId: `${HUB}/providers/Microsoft.Network/dnsForwardingRulesets/rs-hub/forwardingRules/privatelink-vaultcore`,
        message:
          'not decided before apply for kvg-ruleset (depends on values known only after apply in azurerm_private_dns_resolver_forwarding_rule.privatelink): vnet-spoke-kvg-ruleset gets no DNS answer for kvg-ruleset: rule privatelink-vaultcore of ruleset rs-hub forwards to no DNS server',
        address: 'azurerm_private_dns_resolver_forwarding_rule.privatelink',
      },
    ]);
    expect(
      findings.filter((f) => ACCESS_PATH_RULE.test(f.ruleId) && (f.outcome === 'fail' || f.outcome === 'error')),
    ).toEqual([]);
    expect(code).toBe(0);
  });

  test('Dynamic inbound endpoint, rule disabled: a disabled rule forwards nowhere, so KV203 still fails', async () => {
    const { findings } = await audit('ruleset-rule-disabled', dynamicPlan('ruleset-rule-disabled', false));
    expect(accessPath(findings, 'KV203').map((f) => f.outcome)).toEqual(['fail']);
  });
});
