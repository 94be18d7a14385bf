import { buildEstate } from '../../src/model/estate';
import { actionMatches, grantsDataAction } from '../../src/checks/rbac-actions';
import { roleAssignment } from '../../src/fixtures/rbac-factory';
import { BUILT_IN_ROLES, builtInRoleResource } from '../../src/model/builtin-roles';
import { knownOperations, operationForDataAction, parseOperation } from '../../src/model/operations';
import { describeScope, scopeRelation } from '../../src/model/scope';

const SUB = '22222222-2222-2222-2222-222222222222';
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod`;

describe('actionMatches', () => {
  test.each([
    ['Microsoft.KeyVault/vaults/*', 'Microsoft.KeyVault/vaults/secrets/getSecret/action', true],
    ['microsoft.keyvault/VAULTS/secrets/*', 'Microsoft.KeyVault/vaults/secrets/getSecret/action', true],
    ['Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/vaults/keys/read', true],
    ['Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/vaults/secrets/getSecret/action', false],
    ['Microsoft.KeyVault/vaults/secrets/*', 'Microsoft.KeyVault/vaults/keys/read', false],
    ['*', 'Microsoft.KeyVault/vaults/keys/decrypt/action', true],
    ['Microsoft.KeyVault/vaults/keys/read', 'Microsoft.KeyVault/vaults/keys/read/action', false],
    ['Microsoft.KeyVault/vaults.secrets/*', 'Microsoft.KeyVault/vaultsXsecrets/x', false],
  ])('%s matches %s: %s', (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });

  test('notDataActions subtract only within their permission block', () => {
    const get = 'Microsoft.KeyVault/vaults/secrets/getSecret/action';
    const blocked = {
      actions: [],
      notActions: [],
      dataActions: ['Microsoft.KeyVault/vaults/secrets/*'],
      notDataActions: [get],
    };
    expect(grantsDataAction([blocked], get)).toEqual({
      granted: false,
      matchedBy: 'Microsoft.KeyVault/vaults/secrets/*',
      excludedBy: get,
    });
    const other = { actions: [], notActions: [], dataActions: [get], notDataActions: [] };
    expect(grantsDataAction([blocked, other], get)).toEqual({ granted: true, matchedBy: get });
    expect(grantsDataAction([], get)).toEqual({ granted: false });
  });
});

describe('built-in roles', () => {
  const grants = (roleName: string, operation: string) => {
    const role = BUILT_IN_ROLES.find((r) => r.roleName === roleName);
    const op = parseOperation(operation);
    if (!role || !op) throw new Error('bad test data');
    return grantsDataAction(
      [{ actions: [], notActions: [], dataActions: role.dataActions, notDataActions: role.notDataActions }],
      op.dataAction,
    ).granted;
  };
  test.each([
    ['Key Vault Administrator', 'secrets/get', true],
    ['Key Vault Administrator', 'keys/decrypt', true],
    ['Key Vault Secrets User', 'secrets/get', true],
    ['Key Vault Secrets User', 'secrets/list', true],
    ['Key Vault Secrets User', 'secrets/set', false],
    ['Key Vault Secrets Officer', 'secrets/set', true],
    ['Key Vault Secrets Officer', 'keys/get', false],
    ['Key Vault Reader', 'secrets/get', false],
    ['Key Vault Reader', 'keys/get', true],
    ['Key Vault Crypto User', 'keys/decrypt', true],
    ['Key Vault Crypto User', 'keys/create', false],
    ['Key Vault Crypto Officer', 'keys/create', true],
    ['Key Vault Crypto Officer', 'keys/setRotationPolicy', true],
    ['Key Vault Crypto Service Encryption User', 'keys/wrapKey', true],
    ['Key Vault Crypto Service Encryption User', 'keys/sign', false],
    ['Key Vault Certificates Officer', 'certificates/create', true],
    ['Key Vault Certificates Officer', 'certificates/manageIssuers', true],
    ['Key Vault Certificates Officer', 'secrets/get', false],
    ['Key Vault Contributor', 'secrets/get', false],
  ])('%s grants %s: %s', (roleName, operation, expected) => {
    expect(grants(roleName, operation)).toBe(expected);
  });

  test('the ids the brief and Microsoft publish', () => {
    const ids = Object.fromEntries(BUILT_IN_ROLES.map((r) => [r.roleName, r.id]));
    expect(ids).toMatchObject({
      'Key Vault Administrator': '00482a5a-887f-4fb3-b363-3b7fe8e74483',
      'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
      'Key Vault Secrets Officer': 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
      'Key Vault Crypto User': '12338af0-0e69-4776-bea7-57ae8d297424',
      'Key Vault Reader': '21090545-7ca7-4776-b22c-e363652d74d2',
      'Key Vault Crypto Officer': '14b46e9e-c2b7-41b4-b07b-48a6ebf60603',
      'Key Vault Certificates Officer': 'a4417e6f-fecd-4de8-b567-7b0420556985',
      'Key Vault Crypto Service Encryption User': 'e147488a-f6f5-4113-8e2d-b22465e65bf6',
    });
  });
});

describe('operations', () => {
  test('parse, aliases and case', () => {
    expect(parseOperation('secrets/get')).toEqual({
      name: 'secrets/get',
      area: 'secrets',
      permission: 'get',
      dataAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action',
    });
    expect(parseOperation('Keys/Unwrap')?.name).toBe('keys/unwrapKey');
    expect(parseOperation('keys/unwrapkey')?.dataAction).toBe('Microsoft.KeyVault/vaults/keys/unwrap/action');
    expect(parseOperation('secrets/steal')).toBeUndefined();
    expect(parseOperation('blobs/get')).toBeUndefined();
    expect(parseOperation('secrets/get/extra')).toBeUndefined();
    expect(knownOperations()).toContain('certificates/deleteIssuers');
  });
  test('data action back to operation', () => {
    expect(operationForDataAction('Microsoft.KeyVault/vaults/secrets/setSecret/action')?.name).toBe('secrets/set');
    expect(operationForDataAction('microsoft.keyvault/vaults/keys/read')?.name).toBe('keys/get');
    expect(operationForDataAction('Microsoft.Storage/x')).toBeUndefined();
  });
});

describe('scopes', () => {
  test.each([
    [VAULT, 'covers', 'the vault'],
    [VAULT.toUpperCase(), 'covers', 'the vault'],
    [`/subscriptions/${SUB}/resourceGroups/rg-payments`, 'covers', 'resource group rg-payments'],
    [`/subscriptions/${SUB}`, 'covers', `subscription ${SUB}`],
    ['/providers/Microsoft.Management/managementGroups/mg-root', 'covers', 'management group mg-root'],
    ['/', 'covers', 'the root scope (/)'],
    [`/subscriptions/${SUB}/resourceGroups/rg-pay`, 'unrelated', 'resource group rg-pay'],
    [`${VAULT}-2`, 'unrelated', `${VAULT}-2`],
    [`${VAULT}/secrets/db`, 'below', 'secret db'],
  ])('%s %s', (scope, relation, description) => {
    expect(scopeRelation(scope, VAULT)).toBe(relation);
    expect(describeScope(scope, VAULT)).toBe(description);
  });
});

describe('the estate reads role assignments and definitions', () => {
  test('assignment scope from properties, or from the id when absent', () => {
    const assignment = roleAssignment({
      scope: VAULT,
      principalId: 'p1',
      roleGuid: '4633458b-17de-408a-b874-0445c86b69e6',
    });
    const bare = {
      ...assignment,
      id: assignment.id.toUpperCase(),
      type: 'microsoft.authorization/roleassignments',
      properties: { ...assignment.properties },
    };
    delete bare.properties.scope;
    const estate = buildEstate([assignment, builtInRoleResource(SUB, BUILT_IN_ROLES[0]!)]);
    expect(estate.roleAssignments.all().map((a) => [a.scope, a.principalId, a.principalType])).toEqual([
      [VAULT, 'p1', 'ServicePrincipal'],
    ]);
    expect(estate.roleDefinitions.all().map((d) => [d.name, d.roleName, d.roleType])).toEqual([
      ['00482a5a-887f-4fb3-b363-3b7fe8e74483', 'Key Vault Administrator', 'BuiltInRole'],
    ]);
    expect(buildEstate([bare]).roleAssignments.all()[0]?.scope).toBe(VAULT.toUpperCase());
    expect(estate.ignoredTypes.size).toBe(0);
  });
});
