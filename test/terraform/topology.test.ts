import { ROOT, runCli } from '../support/run-cli';

/**
 * A plan that adds two spokes to an existing hub with Azure Firewall (examples/terraform/hub-firewall*.plan.json,
 * test/fixtures/terraform/plans.ts hubFirewallPlan): spoke A's route table sends spoke B's range to the firewall,
 * whose address the plan reads from the existing azurerm_firewall. The path is judged hop by hop from the plan
 * alone; the hub VNet may have peerings the plan does not manage, which cannot change a path that enters spoke B
 * through spoke B's own peering.
 */
const CALLER =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-spokes/providers/Microsoft.Network/virtualNetworks/vnet-spoke-a/subnets/snet-workload';

interface JsonFinding {
  ruleId: string;
  outcome: string;
  message: string;
  address?: string;
}

async function audit(plan: string): Promise<{ code: number; findings: JsonFinding[] }> {
  const run = await runCli(
    [
      'audit',
      '--terraform-plan',
      `examples/terraform/${plan}.plan.json`,
      '--caller-subnet',
      CALLER,
      '--format',
      'json',
    ],
    { cwd: ROOT },
  );
  expect(run.stderr).toBe('');
  return { code: run.code, findings: (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings };
}

const kv301 = (findings: JsonFinding[]) =>
  findings.filter((f) => f.ruleId === 'KV301').map((f) => ({ outcome: f.outcome, message: f.message }));

describe('Terraform plan through a hub firewall', () => {
  test('spoke to spoke through the firewall: allowed, with the appliance assumption named', async () => {
    const { code, findings } = await audit('hub-firewall');
    expect(kv301(findings)).toEqual([
      {
        outcome: 'pass',
        message:
          'allowed: the caller in vnet-spoke-a reaches kv-spoke-b through private endpoint pe-kv-spoke-b (Approved) via UDR 10.2.0.0/16 → peering to-hub → firewall 10.0.1.4 (vnet-hub) → peering to-b; the firewall does not apply to private endpoint traffic; assumes firewall afw-hub allows TCP 443 to 10.2.1.4: check its network and application rules',
      },
    ]);
    expect(findings.find((f) => f.ruleId === 'KV205')?.outcome).toBe('pass');
    expect(code).toBe(0);
  });

  test("spoke B's peering refuses forwarded traffic: KV301 fails from the plan alone", async () => {
    const { code, findings } = await audit('hub-firewall-spoke-refuses-forwarded');
    expect(kv301(findings)).toEqual([
      {
        outcome: 'fail',
        message:
          'denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint (peering to-hub of vnet-spoke-b does not allow forwarded traffic (allowForwardedTraffic false), so it drops what the appliance in vnet-hub forwards)',
      },
    ]);
    expect(code).toBe(1);
  });
});
