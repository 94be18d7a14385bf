import { startEmulator } from '../../../src/emulator';
import { rawRequest, token } from '../support';
import { ROUTE_MODELS, modelsOf } from './models';
import { modelProblems, type ModelRef } from './sdk-model';

/** The conformance check itself: a served body that leaves its model is caught, each way it can leave it. */
const SUB = '00000000-0000-0000-0000-000000000001';
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1`;
const vaultModel = ROUTE_MODELS['microsoft.keyvault/vaults']?.item as ModelRef;
const roleModel = ROUTE_MODELS['microsoft.authorization/roleassignments']?.item as ModelRef;

const vault = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: VAULT,
  name: 'kv1',
  type: 'Microsoft.KeyVault/vaults',
  location: 'westeurope',
  ...extra,
  properties: {
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    sku: { family: 'A', name: 'standard' },
    ...properties,
  },
});

describe('the SDK-model conformance check', () => {
  test('a served vault that gains an undefined property fails the check (through the emulator)', async () => {
    const emulator = await startEmulator({
      seed: [vault({ enableRbacAuthorization: true, madeUpField: 1 }) as never],
      throttle: false,
    });
    try {
      const response = await rawRequest(emulator, `${VAULT}?api-version=2026-02-01`, { token: await token(emulator) });
      expect(response.status).toBe(200);
      expect(modelProblems(vaultModel, response.body)).toEqual(['/properties/madeUpField: not defined by the model']);
    } finally {
      await emulator.stop();
    }
  });

  test('a wrong casing, a wrong nesting, a wrong enum value, a wrong JSON type, a missing required field', () => {
    expect(modelProblems(vaultModel, vault({ EnableRbacAuthorization: true }))).toEqual([
      '/properties/EnableRbacAuthorization: not defined by the model',
    ]);
    expect(modelProblems(vaultModel, vault({}, { vaultUri: 'https://kv1.vault.azure.net/' }))).toEqual([
      '/vaultUri: not defined by the model',
    ]);
    expect(modelProblems(vaultModel, vault({ provisioningState: 'Done' }))).toEqual([
      "/properties/provisioningState: 'Done' is not one of Succeeded, RegisteringDns",
    ]);
    expect(modelProblems(vaultModel, vault({ softDeleteRetentionInDays: '90' }))).toEqual([
      '/properties/softDeleteRetentionInDays: expected number, got string',
    ]);
    const withoutSku = vault({});
    delete (withoutSku.properties as Record<string, unknown>).sku;
    // The SDK's own deserializer cannot read a vault without its required sku.
    expect(modelProblems(vaultModel, withoutSku)).toEqual([
      "the SDK's deserializer threw: TypeError: Cannot read properties of undefined (reading 'family')",
    ]);
    const withoutTenant = vault({});
    delete (withoutTenant.properties as Record<string, unknown>).tenantId;
    expect(modelProblems(vaultModel, withoutTenant)).toEqual(['/properties/tenantId: required by the model, missing']);
    expect(modelProblems(vaultModel, vault({ enableRbacAuthorization: true }))).toEqual([]);
  });

  test('classic mappers (arm-authorization): flattened properties nest on the wire; extra and mistyped fields fail', () => {
    const assignment = {
      id: `${VAULT}/providers/Microsoft.Authorization/roleAssignments/a1`,
      name: 'a1',
      type: 'Microsoft.Authorization/roleAssignments',
      properties: {
        roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/r1',
        principalId: '9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
        principalType: 'ServicePrincipal',
        scope: VAULT,
      },
    };
    expect(modelProblems(roleModel, assignment)).toEqual([]);
    expect(
      modelProblems(roleModel, {
        ...assignment,
        properties: { ...assignment.properties, principalId: 5, extra: true },
      }),
    ).toEqual(['/properties/principalId: expected string, got number', '/properties/extra: not defined by the model']);
  });
});

describe('models for a type no one listed (new routes from the topology work)', () => {
  test.each([
    ['Microsoft.Network/routeTables', 'RouteTable'],
    ['Microsoft.Network/networkSecurityGroups', 'NetworkSecurityGroup'],
    ['Microsoft.Network/azureFirewalls', 'AzureFirewall'],
    ['Microsoft.Network/firewallPolicies', 'FirewallPolicy'],
    ['Microsoft.Network/virtualWans', 'VirtualWAN'],
    ['Microsoft.Network/virtualHubs', 'VirtualHub'],
  ])('%s is judged by arm-network %s, found by the SDK naming', (type, model) => {
    const found = modelsOf(type);
    expect(found?.item?.model).toBe(model);
    expect(found?.list?.model).toMatch(/^_/);
  });
  test('a type no installed SDK models has none (the route test then fails for it)', () => {
    expect(modelsOf('Microsoft.Contoso/widgets')).toBeUndefined();
  });
});
