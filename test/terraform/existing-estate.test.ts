import { ROOT, runCli } from '../support/run-cli';

/**
 * A plan laid over the estate as it is (examples/healthy.json, a snapshot in ARM's shapes): the plan adds the
 * orders spoke and reads the hub zone through a data source (test/fixtures/terraform/plans.ts,
 * existingEstatePlan). Alone, the plan cannot see the hub zone's links and records, so what their absence would
 * decide is skipped; over the snapshot the links are evidence.
 */
interface JsonFinding {
  ruleId: string;
  outcome: string;
  vaultId: string;
  resourceId: string;
  message: string;
  address?: string;
}

const ORDERS =
  '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-orders/providers/Microsoft.KeyVault/vaults/kv-orders-new';
const PAYMENTS =
  '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod';

async function audit(plan: string, overSnapshot: boolean): Promise<{ code: number; findings: JsonFinding[] }> {
  const args = ['audit', '--terraform-plan', `examples/terraform/orders-spoke-${plan}.plan.json`, '--format', 'json'];
  if (overSnapshot) args.push('--snapshot', 'examples/healthy.json');
  const run = await runCli(args, { cwd: ROOT });
  expect(run.stderr).toBe('');
  return { code: run.code, findings: (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings };
}

const kv203 = (findings: JsonFinding[], vaultId: string) =>
  findings
    .filter((f) => f.ruleId === 'KV203' && f.vaultId === vaultId)
    .map((f) => ({ outcome: f.outcome, message: f.message }));

describe('a plan against an existing estate', () => {
  test('forgets the spoke link: undecided from the plan alone (the hub zone may have one), a failure over the snapshot', async () => {
    const alone = await audit('forgets-link', false);
    expect(kv203(alone.findings, ORDERS)).toEqual([
      {
        outcome: 'skipped',
        message:
          'not decided before apply for kv-orders-new (depends on what the plan does not show): vnet-spoke-kv-orders-new uses Azure-provided DNS and is not linked to privatelink.vaultcore.azure.net, so kv-orders-new resolves to its public address there',
      },
    ]);
    expect(alone.code).toBe(0);
    const over = await audit('forgets-link', true);
    expect(kv203(over.findings, ORDERS)).toEqual([
      {
        outcome: 'fail',
        message:
          'vnet-spoke-kv-orders-new uses Azure-provided DNS and is not linked to privatelink.vaultcore.azure.net, so kv-orders-new resolves to its public address there',
      },
    ]);
    expect(over.code).toBe(1);
  });

  test('with the link, created through the hub provider: the new vault passes KV203 over the snapshot', async () => {
    const { code, findings } = await audit('with-link', true);
    expect(kv203(findings, ORDERS).map((f) => f.outcome)).toEqual(['pass']);
    expect(findings.filter((f) => f.outcome === 'fail' && /^KV[123]/.test(f.ruleId))).toEqual([]);
    expect(code).toBe(0);
  });

  test('destroying the payments spoke link breaks a vault the plan does not declare', async () => {
    const { code, findings } = await audit('removes-payments-link', true);
    expect(findings.filter((f) => f.outcome === 'fail' && /^KV[123]/.test(f.ruleId))).toEqual([
      expect.objectContaining({
        ruleId: 'KV203',
        vaultId: PAYMENTS,
        message:
          'vnet-spoke-kv-payments-prod uses Azure-provided DNS and is not linked to privatelink.vaultcore.azure.net; it is peered to vnet-hub, which is linked, but peering does not carry private DNS zone links',
      }),
    ]);
    expect(code).toBe(1);
  });

  test('the new endpoint and its zone-group record point at their Terraform address', async () => {
    const { findings } = await audit('with-link', true);
    const kv102 = findings.find((f) => f.ruleId === 'KV102' && f.vaultId === ORDERS);
    expect(kv102).toEqual(expect.objectContaining({ outcome: 'pass', address: 'azurerm_private_endpoint.orders' }));
    const kv204 = findings.find((f) => f.ruleId === 'KV204' && f.vaultId === ORDERS);
    expect(kv204).toEqual(
      expect.objectContaining({
        outcome: 'pass',
        resourceId:
          '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-hub-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/A/kv-orders-new',
        address: 'azurerm_private_endpoint.orders',
      }),
    );
  });
});
