import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../rules/index';
import { runRulesOnPlan } from '../../src/engine/undetermined';
import { terraformEstate } from '../../src/terraform/index';
import { ROOT, runCli } from '../support/run-cli';
import { AFTER_APPLY, buildPlan, ref, type ResourceSpec } from '../fixtures/terraform/plan-builder';
import { accessPathResources, VARIANTS } from '../fixtures/terraform/plans';

/**
 * Shapes a Terraform user hands kvguard beyond the stack variants: modules with input variables, the JSON of a
 * state (`terraform show -json` without a plan: every value known), azapi_resource bodies, values unknown until
 * apply, and files that are not a plan at all. Plans are written by test/fixtures/terraform/plan-builder.ts in
 * Terraform's JSON Output Format.
 */
const WORK = path.join(ROOT, '.kvguard-tmp', 'terraform-inputs');

function findingsOf(plan: unknown, callerIps: string[] = []) {
  const tf = terraformEstate(plan, 'plan.json');
  return runRulesOnPlan(
    {
      estate: tf.estate,
      vaults: tf.estate.allVaults(),
      rules: RULES,
      caller: { ips: callerIps, trustedService: false },
    },
    tf.planned,
  ).findings;
}

const healthy = (): ResourceSpec[] => accessPathResources(VARIANTS.healthy ?? { vaultName: 'kvg-healthy' });

describe('Terraform inputs', () => {
  test('values known only after apply are never violations: a vault whose firewall comes from another resource', () => {
    const resources = healthy().map((r) =>
      r.address === 'azurerm_key_vault.kv'
        ? {
            ...r,
            config: {
              ...r.config,
              public_network_access_enabled: ref('azurerm_resource_group.spoke', 'id'),
              network_acls: AFTER_APPLY,
            },
          }
        : r,
    );
    const findings = findingsOf(buildPlan({ resources, subscriptionId: '11111111-1111-1111-1111-111111111111' }));
    const firewall = findings.filter((f) => ['KV301', 'KV302', 'KV303'].includes(f.ruleId));
    expect(firewall.map((f) => [f.ruleId, f.outcome])).toEqual([
      ['KV301', 'pass'],
      ['KV302', 'skipped'],
      ['KV303', 'skipped'],
    ]);
    expect(firewall[1]?.message).toMatch(
      /^not decided before apply for kvg-healthy \(depends on values known only after apply in azurerm_key_vault\.kv\)/,
    );
    expect(findings.filter((f) => f.outcome === 'fail' && /^KV[123]/.test(f.ruleId))).toEqual([]);
  });

  test('a module: references through input variables resolve to the resources the root passes in', () => {
    const plan = buildPlan({ resources: healthy(), subscriptionId: '11111111-1111-1111-1111-111111111111' }) as {
      configuration: { root_module: { resources: { address: string }[]; module_calls?: unknown } };
      resource_changes: { address: string }[];
      planned_values: { root_module: { resources: { address: string }[]; child_modules?: unknown[] } };
    };
    // Move the endpoint into module "pe", whose subnet_id and vault id come in as variables (as a real plan writes
    // it: addresses prefixed with module.pe, expressions inside the module relative to it).
    const root = plan.configuration.root_module;
    const endpoint = root.resources.find((r) => r.address === 'azurerm_private_endpoint.kv') as {
      address: string;
      expressions: Record<string, unknown>;
    };
    root.resources = root.resources.filter((r) => r !== endpoint);
    const [connection] = endpoint.expressions.private_service_connection as Record<string, unknown>[];
    root.module_calls = {
      pe: {
        source: './modules/private-endpoint',
        expressions: {
          subnet_id: { references: ['azurerm_subnet.pe.id', 'azurerm_subnet.pe'] },
          vault_id: { references: ['azurerm_key_vault.kv.id', 'azurerm_key_vault.kv'] },
          zone_id: { references: ['azurerm_private_dns_zone.vault.id', 'azurerm_private_dns_zone.vault'] },
        },
        module: {
          resources: [
            {
              ...endpoint,
              expressions: {
                ...endpoint.expressions,
                subnet_id: { references: ['var.subnet_id'] },
                private_service_connection: [
                  { ...connection, private_connection_resource_id: { references: ['var.vault_id'] } },
                ],
                private_dns_zone_group: [
                  { name: { constant_value: 'default' }, private_dns_zone_ids: { references: ['var.zone_id'] } },
                ],
              },
            },
          ],
          variables: { subnet_id: {}, vault_id: {}, zone_id: {} },
        },
      },
    };
    for (const change of plan.resource_changes)
      if (change.address === 'azurerm_private_endpoint.kv') change.address = 'module.pe.azurerm_private_endpoint.kv';
    const findings = findingsOf(plan);
    expect(findings.filter((f) => f.outcome === 'fail' && /^KV[123]/.test(f.ruleId))).toEqual([]);
    const kv102 = findings.find((f) => f.ruleId === 'KV102');
    expect(kv102?.outcome).toBe('pass');
    expect(kv102?.message).toBe('connection pe-kvg-healthy to kvg-healthy is Approved ("Auto-Approved")');
  });

  test('azapi_resource: an ARM body straight through (a vault with public network access on fails KV302 and KV303)', () => {
    const resources = healthy().filter((r) => r.address !== 'azurerm_key_vault.kv');
    resources.push({
      address: 'azapi_resource.kv',
      config: {
        type: 'Microsoft.KeyVault/vaults@2024-11-01',
        name: 'kvg-healthy',
        parent_id: ref('azurerm_resource_group.spoke'),
        location: 'westeurope',
        body: {
          properties: {
            tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
            sku: { family: 'A', name: 'standard' },
            enableRbacAuthorization: true,
            publicNetworkAccess: 'Enabled',
            networkAcls: { bypass: 'AzureServices', defaultAction: 'Allow', ipRules: [], virtualNetworkRules: [] },
          },
        },
      },
      computed: { id: AFTER_APPLY, output: AFTER_APPLY },
    });
    for (const r of resources) {
      const connection = (r.config.private_service_connection as Record<string, unknown>[] | undefined)?.[0];
      if (connection) connection.private_connection_resource_id = ref('azapi_resource.kv');
    }
    // The resource group id is known only after apply: the vault's id comes from its name and the group's.
    const findings = findingsOf(buildPlan({ resources, subscriptionId: '11111111-1111-1111-1111-111111111111' }));
    expect(findings.filter((f) => f.outcome === 'fail' && /^KV[123]/.test(f.ruleId)).map((f) => f.message)).toEqual([
      'kvg-healthy accepts traffic from any public address: publicNetworkAccess is Enabled and networkAcls.defaultAction is Allow; expected publicNetworkAccess Disabled or defaultAction Deny',
      'kvg-healthy has private endpoint pe-kvg-healthy but publicNetworkAccess is Enabled; expected Disabled so traffic only comes through the endpoint',
    ]);
  });

  test('a state (terraform show -json without a plan): known values decide; the connections azurerm does not export do not', () => {
    const state = {
      format_version: '1.0',
      terraform_version: '1.9.8',
      values: {
        root_module: {
          resources: [
            {
              address: 'azurerm_key_vault.kv',
              mode: 'managed',
              type: 'azurerm_key_vault',
              name: 'kv',
              provider_name: 'registry.terraform.io/hashicorp/azurerm',
              schema_version: 2,
              values: {
                id: '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-app/providers/Microsoft.KeyVault/vaults/kv-state',
                name: 'kv-state',
                resource_group_name: 'rg-app',
                location: 'westeurope',
                tenant_id: '72f988bf-86f1-41af-91ab-2d7cd011db47',
                sku_name: 'standard',
                vault_uri: 'https://kv-state.vault.azure.net/',
                enable_rbac_authorization: true,
                purge_protection_enabled: false,
                public_network_access_enabled: true,
                soft_delete_retention_days: 90,
                access_policy: [],
                network_acls: [
                  { bypass: 'AzureServices', default_action: 'Allow', ip_rules: [], virtual_network_subnet_ids: [] },
                ],
              },
              sensitive_values: {},
            },
          ],
        },
      },
    };
    const findings = findingsOf(state);
    const outcomes = Object.fromEntries(
      findings.filter((f) => ['KV302', 'KV405', 'KV501', 'KV502'].includes(f.ruleId)).map((f) => [f.ruleId, f.outcome]),
    );
    expect(outcomes).toEqual({ KV302: 'fail', KV405: 'pass', KV501: 'pass', KV502: 'fail' });
    // azurerm does not export a vault's private endpoint connections: what depends on them is not decided.
    const undecided = findings.filter((f) => f.message.startsWith('not decided before apply'));
    expect(undecided.every((f) => f.outcome === 'skipped')).toBe(true);
    expect(undecided.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['KV101', 'KV102', 'KV103', 'KV303']));
    expect(undecided.map((f) => f.ruleId)).not.toEqual(expect.arrayContaining(['KV302']));
  });

  test.each([
    [
      { format_version: '2.0', planned_values: {} },
      'plan.json: /format_version: expected a 1.x JSON output format (terraform show -json of Terraform 1.x), found "2.0"',
    ],
    [
      { format_version: '1.2', resource_changes: {} },
      'plan.json: /resource_changes: expected an array of resource changes, found an object',
    ],
    [
      {
        format_version: '1.2',
        resource_changes: [
          { address: 'azurerm_key_vault.kv', type: 'azurerm_key_vault', name: 'kv', change: { actions: ['rename'] } },
        ],
      },
      'plan.json: /resource_changes/0/change/actions/0: expected one of no-op, create, read, update, delete, forget, found the string "rename"',
    ],
  ])('a malformed plan is one line naming the file and the field, exit 2 (%#)', async (plan, line) => {
    fs.mkdirSync(WORK, { recursive: true });
    fs.writeFileSync(path.join(WORK, 'plan.json'), JSON.stringify(plan));
    const run = await runCli(['audit', '--terraform-plan', 'plan.json'], { cwd: WORK });
    expect({ code: run.code, stderr: run.stderr, stdout: run.stdout }).toEqual({
      code: 2,
      stderr: `kvguard: ${line}\n`,
      stdout: '',
    });
  });

  test('a plan with no vault anywhere is an error, not a pass', async () => {
    fs.mkdirSync(WORK, { recursive: true });
    const plan = buildPlan({ resources: healthy().filter((r) => !r.address.startsWith('azurerm_key_vault')) });
    fs.writeFileSync(path.join(WORK, 'no-vault.json'), JSON.stringify(plan));
    const run = await runCli(['audit', '--terraform-plan', 'no-vault.json'], { cwd: WORK });
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 2,
      stderr:
        'kvguard: no-vault.json: the plan leaves no Microsoft.KeyVault/vaults or managedHSMs in the estate: nothing to audit\n',
    });
  });
});

/**
 * azurerm_virtual_network_dns_servers (https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/virtual_network_dns_servers:
 * `virtual_network_id`, `dns_servers`) sets the VNet's custom DNS servers from outside azurerm_virtual_network:
 * the caller's resolution follows it, as it follows the VNet's own `dns_servers`.
 */
describe('azurerm_virtual_network_dns_servers', () => {
  const withDnsServers = (servers: unknown): ResourceSpec[] => [
    ...healthy(),
    {
      address: 'azurerm_virtual_network_dns_servers.spoke',
      config: { virtual_network_id: ref('azurerm_virtual_network.spoke'), dns_servers: servers as string[] },
      computed: { id: AFTER_APPLY },
    },
  ];
  const kv203 = (resources: ResourceSpec[]) =>
    findingsOf(buildPlan({ resources, subscriptionId: '11111111-1111-1111-1111-111111111111' }))
      .filter((f) => f.ruleId === 'KV203')
      .map((f) => [f.outcome, f.message]);

  test('without it the spoke uses Azure-provided DNS and its own zone link: KV203 passes', () => {
    expect(kv203(healthy()).map(([outcome]) => outcome)).toEqual(['pass']);
  });

  test('a public resolver set by it answers with the public address: KV203 fails on the spoke', () => {
    expect(kv203(withDnsServers(['8.8.8.8']))).toEqual([
      [
        'fail',
        "vnet-spoke-kvg-healthy resolves through public resolver 8.8.8.8, which cannot see private DNS zones and answers with kvg-healthy's public address",
      ],
    ]);
  });

  test.each([
    ['the whole list', AFTER_APPLY],
    ['a server (a firewall or inbound endpoint address)', [AFTER_APPLY]],
  ])('%s left to apply: KV203 is not decided before apply, never a pass or a fail', (_what, servers) => {
    expect(kv203(withDnsServers(servers))).toEqual([
      [
        'skipped',
        // The unknown lands on the VNet the resource patches, so the VNet's address is the one named.
        'not decided before apply for kvg-healthy (depends on values known only after apply in azurerm_virtual_network.spoke): vnet-spoke-kvg-healthy is linked to privatelink.vaultcore.azure.net (link link-vnet-spoke-kvg-healthy)',
      ],
    ]);
  });
});
