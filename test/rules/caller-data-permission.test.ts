import { callerDataPermission } from '../../rules/caller-data-permission';
import type { ArmResource, JsonObject } from '../../src/model/arm';
import { TENANT, rgId } from '../../src/fixtures/arm-factory';
import { SPOKE_SUB, healthyPath, modify } from '../../src/fixtures/scenario';
import { customRole, roleAssignment } from '../../src/fixtures/rbac-factory';
import { builtInRoleNamed, builtInRoleResource } from '../../src/model/builtin-roles';
import { CALLER_APPID, CALLER_OID, OTHER_TENANT } from '../token/make-token';
import { ruleTester } from '../support/rule-tester';

const path = healthyPath();
const vaultId = path.ids.vault;
const rg = rgId(SPOKE_SUB, 'rg-payments');
const GROUP = 'b1a2c3d4-0000-4000-8000-00000000000a';
const caller = { identity: { objectId: CALLER_OID, appId: CALLER_APPID } };
const inGroup = { identity: { objectId: CALLER_OID, groupIds: [GROUP] } };
const role = (name: string) => builtInRoleNamed(name).id;
const assign = (scope: string, roleName: string, principalId = CALLER_OID) =>
  roleAssignment({ scope, principalId, roleGuid: role(roleName), subscriptionId: SPOKE_SUB });
const rbac = (...extra: ArmResource[]) => [...path.resources, ...extra];
const accessPolicies = (entries: JsonObject[]) =>
  modify(path.resources, vaultId, (v) => {
    if (v.properties) {
      v.properties.enableRbacAuthorization = false;
      v.properties.accessPolicies = entries;
    }
    return v;
  });
const policy = (secrets: string[], extra: JsonObject = {}): JsonObject => ({
  tenantId: TENANT,
  objectId: CALLER_OID,
  permissions: { keys: [], secrets, certificates: [] },
  ...extra,
});
const GET = 'Microsoft.KeyVault/vaults/secrets/getSecret/action';
const deniedRbac = `secrets/get (${GET}) is denied (403 ForbiddenByRbac)`;
const hint = "group membership is not visible through ARM: give the caller's group ids if access comes through a group";
const otherVault = `${rg}/providers/Microsoft.KeyVault/vaults/kv-other`;
const noDefinition = roleAssignment({
  scope: vaultId,
  principalId: CALLER_OID,
  roleGuid: '99999999-9999-4999-8999-999999999999',
  subscriptionId: SPOKE_SUB,
});

ruleTester(callerDataPermission, [
  {
    name: 'RBAC: Key Vault Secrets User at the vault (built-in definition not collected)',
    resources: rbac(assign(vaultId, 'Key Vault Secrets User')),
    caller,
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: `Key Vault Secrets User assigned to object ${CALLER_OID} at the vault grants ${GET} on kv-payments-prod (RBAC model)`,
      },
    ],
  },
  {
    name: 'RBAC: Key Vault Administrator at the resource group, definition collected',
    resources: rbac(
      assign(rg, 'Key Vault Administrator'),
      builtInRoleResource(SPOKE_SUB, builtInRoleNamed('Key Vault Administrator')),
    ),
    caller,
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: `Key Vault Administrator assigned to object ${CALLER_OID} at resource group rg-payments grants ${GET} on kv-payments-prod (RBAC model)`,
      },
    ],
  },
  {
    name: 'RBAC: a group the caller profile lists, at the subscription',
    resources: rbac(
      roleAssignment({
        scope: `/subscriptions/${SPOKE_SUB}`,
        principalId: GROUP,
        principalType: 'Group',
        roleGuid: role('Key Vault Secrets Officer'),
      }),
    ),
    caller: inGroup,
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: `Key Vault Secrets Officer assigned to group ${GROUP} at subscription ${SPOKE_SUB} grants ${GET} on kv-payments-prod (RBAC model)`,
      },
    ],
  },
  {
    name: 'RBAC: a management group assignment with an ABAC condition',
    resources: rbac(
      roleAssignment({
        scope: '/providers/Microsoft.Management/managementGroups/mg-platform',
        principalId: CALLER_OID,
        roleGuid: role('Key Vault Secrets User'),
        subscriptionId: SPOKE_SUB,
        condition: "@Resource[Microsoft.KeyVault/vaults/secrets:name] StringStartsWith 'app-'",
      }),
    ),
    caller,
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: `Key Vault Secrets User assigned to object ${CALLER_OID} at management group mg-platform grants ${GET} on kv-payments-prod (RBAC model) (the assignment has an ABAC condition kvguard does not evaluate)`,
      },
    ],
  },
  {
    name: 'RBAC: keys/unwrap with Key Vault Crypto Service Encryption User',
    resources: rbac(assign(vaultId, 'Key Vault Crypto Service Encryption User')),
    caller,
    options: { operation: 'keys/unwrap' },
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: `Key Vault Crypto Service Encryption User assigned to object ${CALLER_OID} at the vault grants Microsoft.KeyVault/vaults/keys/unwrap/action on kv-payments-prod (RBAC model)`,
      },
    ],
  },
  {
    name: 'RBAC: no assignment and no group ids',
    resources: rbac(assign(otherVault, 'Key Vault Secrets User')),
    caller,
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `object ${CALLER_OID} has no role assignment at kv-payments-prod, its resource group, subscription or management groups: ${deniedRbac}; ${hint}`,
      },
    ],
  },
  {
    name: 'RBAC: no assignment for the caller or its groups',
    resources: rbac(assign(vaultId, 'Key Vault Secrets User', 'c0ffee00-0000-4000-8000-000000000001')),
    caller: inGroup,
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `object ${CALLER_OID} and its groups ${GROUP} have no role assignment at kv-payments-prod, its resource group, subscription or management groups: ${deniedRbac}`,
      },
    ],
  },
  {
    name: 'RBAC: Key Vault Reader reads metadata, not values',
    resources: rbac(assign(vaultId, 'Key Vault Reader')),
    caller,
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `object ${CALLER_OID} holds Key Vault Reader at the vault, none granting ${GET}: ${deniedRbac}`,
      },
    ],
  },
  {
    name: 'RBAC: Key Vault Contributor manages the vault but grants no data action',
    resources: rbac(
      assign(`/subscriptions/${SPOKE_SUB}`, 'Key Vault Contributor'),
      assign(rg, 'Key Vault Crypto User'),
    ),
    caller,
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `object ${CALLER_OID} holds Key Vault Crypto User at resource group rg-payments, Key Vault Contributor at subscription ${SPOKE_SUB}, none granting ${GET}: ${deniedRbac}`,
      },
    ],
  },
  {
    name: 'RBAC: a custom role whose notDataActions remove getSecret',
    resources: rbac(
      customRole(
        SPOKE_SUB,
        '5e5e5e5e-0000-4000-8000-000000000005',
        'Secrets writer',
        ['Microsoft.KeyVault/vaults/secrets/*'],
        [GET],
      ),
      roleAssignment({ scope: vaultId, principalId: CALLER_OID, roleGuid: '5e5e5e5e-0000-4000-8000-000000000005' }),
    ),
    caller,
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `object ${CALLER_OID} holds Secrets writer at the vault (its notDataActions ${GET} remove it), none granting ${GET}: ${deniedRbac}`,
      },
    ],
  },
  {
    name: 'RBAC: a role on one secret only',
    resources: rbac(assign(`${vaultId}/secrets/db-password`, 'Key Vault Secrets User')),
    caller,
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `object ${CALLER_OID} has no role assignment at kv-payments-prod, its resource group, subscription or management groups; Key Vault Secrets User at secret db-password covers that object only: ${deniedRbac}; ${hint}`,
      },
    ],
  },
  {
    name: 'RBAC: keys/decrypt is not in Key Vault Crypto Service Encryption User',
    resources: rbac(assign(vaultId, 'Key Vault Crypto Service Encryption User')),
    caller,
    options: { operation: 'keys/decrypt' },
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `object ${CALLER_OID} holds Key Vault Crypto Service Encryption User at the vault, none granting Microsoft.KeyVault/vaults/keys/decrypt/action: keys/decrypt (Microsoft.KeyVault/vaults/keys/decrypt/action) is denied (403 ForbiddenByRbac)`,
      },
    ],
  },
  {
    name: 'RBAC: no role assignments collected at all',
    resources: path.resources,
    caller,
    expected: [
      {
        outcome: 'error',
        resourceId: vaultId,
        message:
          'kv-payments-prod uses the RBAC permission model and the estate holds no role assignments (Microsoft.Authorization/roleAssignments): collect them to evaluate secrets/get',
      },
    ],
  },
  {
    name: 'RBAC: an assignment of a role whose definition is unknown',
    resources: rbac(noDefinition),
    caller,
    expected: [
      {
        outcome: 'error',
        resourceId: vaultId,
        message: `the definition of role 99999999-9999-4999-8999-999999999999 at the vault is neither in the estate nor a built-in Key Vault role: cannot tell whether it grants ${GET}`,
      },
    ],
  },
  {
    name: 'access policies: get granted',
    resources: accessPolicies([policy(['get', 'list'])]),
    caller,
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: `kv-payments-prod (access policy model) has an access policy for object ${CALLER_OID} granting secrets get`,
      },
    ],
  },
  {
    name: 'access policies: "All" for a group the caller is in',
    resources: accessPolicies([{ ...policy(['All']), objectId: GROUP }]),
    caller: inGroup,
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: `kv-payments-prod (access policy model) has an access policy for group ${GROUP} granting all secrets permissions`,
      },
    ],
  },
  {
    name: 'access policies: list but not get',
    resources: accessPolicies([policy(['list'])]),
    caller,
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `kv-payments-prod (access policy model): the access policy for object ${CALLER_OID} grants secrets list but not get: secrets get is denied (403 ForbiddenByPolicy)`,
      },
    ],
  },
  {
    name: 'access policies: no entry',
    resources: accessPolicies([{ ...policy(['get']), objectId: 'c0ffee00-0000-4000-8000-000000000001' }]),
    caller,
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `kv-payments-prod (access policy model) has no access policy for object ${CALLER_OID}: secrets get is denied (403 ForbiddenByPolicy); ${hint}`,
      },
    ],
  },
  {
    name: 'access policies: the application id typed as objectId',
    resources: accessPolicies([{ ...policy(['get']), objectId: CALLER_APPID }]),
    caller,
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `kv-payments-prod (access policy model) has an access policy whose objectId ${CALLER_APPID} is the caller's application (client) id; access policies need the service principal's object id (${CALLER_OID}): secrets get is denied (403 ForbiddenByPolicy)`,
      },
    ],
  },
  {
    name: 'access policies: an entry for another tenant',
    resources: accessPolicies([policy(['get'], { tenantId: OTHER_TENANT })]),
    caller,
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `kv-payments-prod (access policy model): the access policy for object ${CALLER_OID} is for tenant ${OTHER_TENANT}, not the vault's tenant ${TENANT}: secrets get is denied (403 ForbiddenByPolicy)`,
      },
    ],
  },
  {
    name: 'access policies: a compound identity for another application',
    resources: accessPolicies([policy(['get'], { applicationId: 'a0a0a0a0-0000-4000-8000-000000000001' })]),
    caller,
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `kv-payments-prod (access policy model): the access policy for object ${CALLER_OID} applies only together with application a0a0a0a0-0000-4000-8000-000000000001 (compound identity), and the caller's application is ${CALLER_APPID}: secrets get is denied (403 ForbiddenByPolicy)`,
      },
    ],
  },
  {
    name: 'access policies: an RBAC role does not help',
    resources: [...accessPolicies([]), assign(vaultId, 'Key Vault Secrets User')],
    caller,
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `kv-payments-prod (access policy model) has no access policy for object ${CALLER_OID}: secrets get is denied (403 ForbiddenByPolicy); ${hint}`,
      },
    ],
  },
  {
    name: 'no caller identity',
    resources: rbac(assign(vaultId, 'Key Vault Secrets User')),
    expected: [
      {
        outcome: 'skipped',
        resourceId: vaultId,
        message: 'no caller identity given (object id of the user, group or service principal)',
      },
    ],
  },
  {
    name: 'an unknown operation',
    resources: rbac(assign(vaultId, 'Key Vault Secrets User')),
    caller,
    options: { operation: 'secrets/steal' },
    expected: [
      {
        outcome: 'error',
        resourceId: vaultId,
        message: expect.stringMatching(
          /^unknown operation secrets\/steal; known: secrets\/get, secrets\/list, /,
        ) as unknown as string,
      },
    ],
  },
]);
