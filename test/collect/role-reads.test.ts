import { callerDataPermission } from '../../rules/caller-data-permission';
import { collectEstate, CollectSettings } from '../../src/collect/collector';
import { createLimiter } from '../../src/collect/pool';
import type { RoleReads } from '../../src/collect/types';
import { runRules } from '../../src/engine/run';
import type { Rule } from '../../src/engine/types';
import type { ArmResource } from '../../src/model/arm';
import { buildEstate } from '../../src/model/estate';
import { rgId } from '../../src/fixtures/arm-factory';
import { HUB_SUB, SPOKE_SUB, healthyPath, spokePath } from '../../src/fixtures/scenario';
import { customRole, roleAssignment } from '../../src/fixtures/rbac-factory';
import { builtInRoleNamed, builtInRoleResource } from '../../src/model/builtin-roles';
import { ArmError, fakeReader } from './fake-reader';

/** The role reads' traversal (rbac.ts) over an in-memory reader, and KV404 over the estate they build (its role coverage). */
const CALLER = '3975aeed-7d08-453b-b6f4-445f32698091';
const GROUP = 'b1a2c3d4-0000-4000-8000-00000000000a';
const THIRD_SUB = '33333333-3333-3333-3333-333333333333';
const path = healthyPath();
const vaultId = path.ids.vault;
const role = (name: string) => builtInRoleNamed(name).id;
const settings = (extra: Partial<CollectSettings> = {}): CollectSettings => ({
  subscriptions: [SPOKE_SUB, HUB_SUB],
  cloud: 'AzureCloud',
  limiter: createLimiter(4),
  log: () => undefined,
  rbacPrincipal: { objectId: CALLER },
  ...extra,
});
const kv404 = async (
  resources: ArmResource[],
  roleReads: RoleReads | undefined,
  groupIds?: string[],
  operation = 'secrets/get',
) => {
  const rule = callerDataPermission as unknown as Rule<object>;
  const identity = groupIds ? { objectId: CALLER, groupIds } : { objectId: CALLER };
  const estate = buildEstate(resources, roleReads ? { roleCoverage: roleReads } : {});
  const run = runRules({
    estate,
    rules: [rule],
    caller: { ips: [], trustedService: false, identity },
    settings: { KV404: { options: { operation } } },
  });
  return run.findings.map((f) => [f.outcome, f.message]);
};

describe('role reads (traversal)', () => {
  it("counts a group's assignment that ARM's assignedTo returned as the caller's, though the profile names no group", async () => {
    const seed = [
      ...path.resources,
      roleAssignment({
        scope: vaultId,
        principalId: GROUP,
        principalType: 'Group',
        roleGuid: role('Key Vault Secrets User'),
        subscriptionId: SPOKE_SUB,
      }),
    ];
    const reader = fakeReader(seed, undefined, { [CALLER]: [GROUP] });
    const collected = await collectEstate(reader, settings());
    expect(collected.roleReads).toEqual({
      principal: { objectId: CALLER },
      read: [SPOKE_SUB],
      failed: {},
      memberOf: [GROUP],
    });
    expect(reader.calls).toMatchObject({ listRoleAssignments: 1, getRoleDefinition: 1 });
    // The built-in definition is not in the seed: a 404, a warning, and the rule falls back to the role it knows.
    expect(collected.notices).toEqual([
      {
        level: 'warning',
        resourceId: `/subscriptions/${SPOKE_SUB}/providers/Microsoft.Authorization/roleDefinitions/${role('Key Vault Secrets User')}`,
        message: `could not read role definition /subscriptions/${SPOKE_SUB}/providers/Microsoft.Authorization/roleDefinitions/${role('Key Vault Secrets User')} (a deleted custom role?); KV404 knows only the built-in Key Vault roles without it: 404 RoleDefinitionDoesNotExist: The specified role definition with ID '${role('Key Vault Secrets User')}' does not exist.`,
      },
    ]);
    expect(await kv404(collected.resources, collected.roleReads)).toEqual([
      [
        'pass',
        `Key Vault Secrets User assigned to group ${GROUP} at the vault grants Microsoft.KeyVault/vaults/secrets/getSecret/action on kv-payments-prod (RBAC model)`,
      ],
    ]);
    // Without what ARM said of the membership, the rule could not count the group.
    expect((await kv404(collected.resources, undefined))[0]?.[0]).toBe('fail');
  });

  it('reads each role definition once across subscriptions, keeps custom roles, and drops assignments on other resources', async () => {
    const b = spokePath({ vaultName: 'kv-b', spokeOctet: 2, subscriptionId: THIRD_SUB });
    const custom = customRole(SPOKE_SUB, 'cccccccc-0000-4000-8000-00000000000c', 'Secret Reader (custom)', [
      'Microsoft.KeyVault/vaults/secrets/getSecret/action',
    ]);
    const assignments = [
      roleAssignment({ scope: `/subscriptions/${SPOKE_SUB}`, principalId: CALLER, roleGuid: role('Key Vault Reader') }),
      roleAssignment({ scope: b.ids.vault, principalId: CALLER, roleGuid: role('Key Vault Reader') }),
      roleAssignment({
        scope: '/providers/Microsoft.Management/managementGroups/mg-platform',
        principalId: CALLER,
        roleGuid: custom.name,
        subscriptionId: SPOKE_SUB,
      }),
      roleAssignment({
        scope: `${rgId(SPOKE_SUB, 'rg-data')}/providers/Microsoft.Storage/storageAccounts/stdata`,
        principalId: CALLER,
        roleGuid: role('Key Vault Administrator'),
      }),
    ];
    const seed = [
      ...path.resources,
      ...b.resources,
      custom,
      builtInRoleResource(SPOKE_SUB, builtInRoleNamed('Key Vault Reader')),
      ...assignments,
    ];
    const reader = fakeReader(seed);
    const collected = await collectEstate(reader, settings({ subscriptions: [SPOKE_SUB, HUB_SUB, THIRD_SUB] }));
    expect(reader.calls).toMatchObject({ listRoleAssignments: 2, getRoleDefinition: 2 });
    const rbacIds = collected.resources.filter((r) => r.type.startsWith('Microsoft.Authorization/')).map((r) => r.id);
    expect(rbacIds.sort()).toEqual(
      [...assignments.slice(0, 3), custom, builtInRoleResource(SPOKE_SUB, builtInRoleNamed('Key Vault Reader'))]
        .map((r) => r.id)
        .sort(),
    );
    expect(collected.notices).toEqual([]);
    expect(collected.roleReads?.read).toEqual([SPOKE_SUB, THIRD_SUB]);
    expect(await kv404(collected.resources, collected.roleReads)).toEqual([
      [
        'pass',
        `Secret Reader (custom) assigned to object ${CALLER} at management group mg-platform grants Microsoft.KeyVault/vaults/secrets/getSecret/action on kv-payments-prod (RBAC model)`,
      ],
      [
        'pass',
        `Secret Reader (custom) assigned to object ${CALLER} at management group mg-platform grants Microsoft.KeyVault/vaults/secrets/getSecret/action on kv-b (RBAC model)`,
      ],
    ]);
  });

  it('a failed group list fails the subscription: a warning, and KV404 error on its RBAC vaults only', async () => {
    const b = spokePath({ vaultName: 'kv-b', spokeOctet: 2, subscriptionId: THIRD_SUB });
    const seed = [
      ...path.resources,
      ...b.resources,
      builtInRoleResource(THIRD_SUB, builtInRoleNamed('Key Vault Secrets User')),
      roleAssignment({ scope: b.ids.vault, principalId: CALLER, roleGuid: role('Key Vault Secrets User') }),
    ];
    const reader = fakeReader(seed, (call, arg) =>
      call === 'listRoleAssignments' && arg === SPOKE_SUB
        ? new ArmError(500, 'InternalServerError', 'Encountered internal server error.')
        : undefined,
    );
    const collected = await collectEstate(
      reader,
      settings({ subscriptions: [SPOKE_SUB, THIRD_SUB], rbacPrincipal: { objectId: CALLER, groupIds: [GROUP] } }),
    );
    expect(reader.calls.listRoleAssignments).toBe(4);
    expect(collected.roleReads?.failed).toEqual({
      [SPOKE_SUB]: '500 InternalServerError: Encountered internal server error.',
    });
    expect(collected.notices).toEqual([
      {
        level: 'warning',
        resourceId: `/subscriptions/${SPOKE_SUB}`,
        message: `subscription ${SPOKE_SUB}: could not list the role assignments KV404 needs: 500 InternalServerError: Encountered internal server error.`,
      },
    ]);
    expect(await kv404(collected.resources, collected.roleReads, [GROUP])).toEqual([
      [
        'error',
        'kv-payments-prod uses the RBAC permission model and its role assignments could not be read: 500 InternalServerError: Encountered internal server error.',
      ],
      [
        'pass',
        `Key Vault Secrets User assigned to object ${CALLER} at the vault grants Microsoft.KeyVault/vaults/secrets/getSecret/action on kv-b (RBAC model)`,
      ],
    ]);
  });

  it('reads nothing for access-policy vaults, or without a principal', async () => {
    const seed = path.resources.map((r) =>
      r.id === vaultId ? { ...r, properties: { ...r.properties, enableRbacAuthorization: false } } : r,
    );
    for (const extra of [{}, { rbacPrincipal: undefined }]) {
      const reader = fakeReader(seed);
      const collected = await collectEstate(reader, settings(extra));
      expect(reader.calls.listRoleAssignments).toBeUndefined();
      expect(reader.calls.getRoleDefinition).toBeUndefined();
      expect(collected.roleReads === undefined).toBe('rbacPrincipal' in extra);
    }
  });
});
