import { collectLive } from '../../src/collect';
import { runAudit } from '../../src/cli/pipeline';
import { exitCode } from '../../src/engine/gate';
import type { Finding } from '../../src/engine/types';
import type { ArmResource } from '../../src/model/arm';
import { idKey } from '../../src/model/arm';
import type { CallerProfile } from '../../src/model/caller';
import { DEFAULT_CALLER } from '../../src/model/caller';
import { rgId } from '../../src/fixtures/arm-factory';
import { HUB_SUB, SPOKE_SUB, healthyPath } from '../../src/fixtures/scenario';
import { roleAssignment } from '../../src/fixtures/rbac-factory';
import { BUILT_IN_ROLES, builtInRoleNamed, builtInRoleResource } from '../../src/model/builtin-roles';
import { runCli } from '../support/run-cli';
import { liveOptions, tempFile, withEmulator } from './live-support';

/** KV404 live: the SDK's role reads against the emulator give the findings the seed gives offline. */
const NOW = new Date('2026-03-01T00:00:00Z');
const CALLER = '3975aeed-7d08-453b-b6f4-445f32698091';
const OTHER = '5b0c7c71-0000-4000-8000-0000000000bb';
const MG = '/providers/Microsoft.Management/managementGroups/mg-platform';
const path = healthyPath();
const vaultId = path.ids.vault;
const rg = rgId(SPOKE_SUB, 'rg-payments');
const storage = `${rgId(SPOKE_SUB, 'rg-data')}/providers/Microsoft.Storage/storageAccounts/stdata`;
const assign = (scope: string, roleName: string, principalId = CALLER): ArmResource =>
  roleAssignment({
    scope,
    principalId,
    roleGuid: builtInRoleNamed(roleName).id,
    subscriptionId: SPOKE_SUB,
    principalType: principalId === CALLER ? 'User' : 'ServicePrincipal',
  });
const definitions = BUILT_IN_ROLES.map((role) => builtInRoleResource(SPOKE_SUB, role));
const assignments = [
  assign(vaultId, 'Key Vault Reader'),
  assign(rg, 'Key Vault Secrets User'),
  assign(MG, 'Key Vault Crypto User'),
  // Not the caller's, or on no audited vault: never read, or dropped.
  assign(`/subscriptions/${SPOKE_SUB}`, 'Key Vault Administrator', OTHER),
  assign(storage, 'Key Vault Contributor'),
];
const seed = [...path.resources, ...definitions, ...assignments];
const caller: CallerProfile = { ...DEFAULT_CALLER, identity: { objectId: CALLER } };
const SUBS = [SPOKE_SUB, HUB_SUB];

const kv404 = (findings: readonly Finding[]) => findings.filter((f) => f.ruleId === 'KV404');
const audit = async (
  source: Parameters<typeof runAudit>[0]['source'],
  operation: string,
  who: CallerProfile = caller,
) =>
  (await runAudit({ source, caller: who, now: NOW, config: { rules: { KV404: { options: { operation } } } } })).result;

describe('KV404 through a live read of role assignments and definitions', () => {
  it('reads one list per subscription holding an RBAC vault and one GET per role, and finds what the snapshot finds', async () => {
    await withEmulator(seed, {}, async (emulator) => {
      const collected = await collectLive(liveOptions(emulator, SUBS, { rbacPrincipal: { objectId: CALLER } }));
      expect(collected.requests['Authorization.roleAssignments.listForSubscription']).toBe(1);
      // Key Vault Reader, Secrets User and Crypto User: the Contributor assignment on the storage account is dropped.
      expect(collected.requests['Authorization.roleDefinitions.getById']).toBe(3);
      const rbacIds = collected.resources
        .filter((r) => r.type.startsWith('Microsoft.Authorization/'))
        .map((r) => idKey(r.id))
        .sort();
      expect(rbacIds).toEqual(
        [
          ...assignments.slice(0, 3),
          ...['Key Vault Reader', 'Key Vault Secrets User', 'Key Vault Crypto User'].map((name) =>
            builtInRoleResource(SPOKE_SUB, builtInRoleNamed(name)),
          ),
        ]
          .map((r) => idKey(r.id))
          .sort(),
      );
      expect(collected.notices).toEqual([]);
      expect(collected.roleReads).toEqual({
        principal: { objectId: CALLER },
        read: [SPOKE_SUB],
        failed: {},
        memberOf: [],
      });
      const snapshot = tempFile('seed.json', seed);
      for (const [operation, outcome] of [
        ['secrets/get', 'pass'],
        ['keys/decrypt', 'pass'],
        ['secrets/set', 'fail'],
      ] as const) {
        const live = kv404((await audit({ kind: 'live', options: liveOptions(emulator, SUBS) }, operation)).findings);
        const offline = kv404((await audit({ kind: 'snapshot', file: snapshot }, operation)).findings);
        expect(JSON.stringify(live)).toBe(JSON.stringify(offline));
        expect(live.map((f) => [f.outcome, f.resourceId])).toEqual([[outcome, vaultId]]);
      }
      const denied = kv404(
        (await audit({ kind: 'live', options: liveOptions(emulator, SUBS) }, 'secrets/set')).findings,
      )[0];
      expect(denied?.message).toBe(
        `object ${CALLER} holds Key Vault Reader at the vault, Key Vault Secrets User at resource group rg-payments, Key Vault Crypto User at management group mg-platform, none granting Microsoft.KeyVault/vaults/secrets/setSecret/action: secrets/set (Microsoft.KeyVault/vaults/secrets/setSecret/action) is denied (403 ForbiddenByRbac)`,
      );
    });
  });

  it("lists a group the caller profile names by principalId, so its assignments count as the snapshot's do", async () => {
    const GROUP = 'b1a2c3d4-0000-4000-8000-00000000000a';
    const groupSeed = [
      ...seed,
      roleAssignment({
        scope: `/subscriptions/${SPOKE_SUB}`,
        principalId: GROUP,
        principalType: 'Group',
        roleGuid: builtInRoleNamed('Key Vault Secrets Officer').id,
      }),
    ];
    const member: CallerProfile = { ...DEFAULT_CALLER, identity: { objectId: CALLER, groupIds: [GROUP] } };
    await withEmulator(groupSeed, {}, async (emulator) => {
      const live = await audit({ kind: 'live', options: liveOptions(emulator, SUBS) }, 'secrets/set', member);
      const offline = await audit({ kind: 'snapshot', file: tempFile('seed.json', groupSeed) }, 'secrets/set', member);
      expect(JSON.stringify(kv404(live.findings))).toBe(JSON.stringify(kv404(offline.findings)));
      expect(kv404(live.findings).map((f) => [f.outcome, f.message])).toEqual([
        [
          'pass',
          `Key Vault Secrets Officer assigned to group ${GROUP} at subscription ${SPOKE_SUB} grants Microsoft.KeyVault/vaults/secrets/setSecret/action on kv-payments-prod (RBAC model)`,
        ],
      ]);
      expect(live.collection?.requests['Authorization.roleAssignments.listForSubscription']).toBe(2);
      expect(live.collection?.requests['Authorization.roleDefinitions.getById']).toBe(4);
    });
  });

  it('reads them through ARM with --via resource-graph too (ARG holds no management-group assignment for a subscription query)', async () => {
    await withEmulator(seed, {}, async (emulator) => {
      const result = await audit(
        { kind: 'live', options: liveOptions(emulator, SUBS, { via: 'resource-graph' }) },
        'keys/decrypt',
      );
      expect(result.collection?.requests['ResourceGraph.resources']).toBeGreaterThan(0);
      expect(result.collection?.requests['Authorization.roleAssignments.listForSubscription']).toBe(1);
      expect(kv404(result.findings).map((f) => [f.outcome, f.message])).toEqual([
        [
          'pass',
          `Key Vault Crypto User assigned to object ${CALLER} at management group mg-platform grants Microsoft.KeyVault/vaults/keys/decrypt/action on kv-payments-prod (RBAC model)`,
        ],
      ]);
    });
  });

  it('reads no role data without a caller identity, nor for vaults with access policies', async () => {
    const accessPolicyVault = seed.map((r) =>
      idKey(r.id) === idKey(vaultId) ? { ...r, properties: { ...r.properties, enableRbacAuthorization: false } } : r,
    );
    await withEmulator(accessPolicyVault, {}, async (emulator) => {
      const noIdentity = await collectLive(liveOptions(emulator, SUBS));
      const accessPolicies = await collectLive(liveOptions(emulator, SUBS, { rbacPrincipal: { objectId: CALLER } }));
      for (const collected of [noIdentity, accessPolicies]) {
        expect(Object.keys(collected.requests).filter((op) => op.startsWith('Authorization.'))).toEqual([]);
        expect(collected.resources.filter((r) => r.type.startsWith('Microsoft.Authorization/'))).toEqual([]);
      }
      expect(noIdentity.roleReads).toBeUndefined();
      expect(accessPolicies.roleReads).toEqual({ principal: { objectId: CALLER }, read: [], failed: {}, memberOf: [] });
    });
  });

  it('an identity with no role assignment at all fails KV404 (ARM answered), not error', async () => {
    const stranger = 'aaaaaaaa-0000-4000-8000-000000000001';
    await withEmulator(seed, {}, async (emulator) => {
      const result = await audit({ kind: 'live', options: liveOptions(emulator, SUBS) }, 'secrets/get', {
        ...DEFAULT_CALLER,
        identity: { objectId: stranger },
      });
      expect(kv404(result.findings).map((f) => [f.outcome, f.resourceId, f.message])).toEqual([
        [
          'fail',
          vaultId,
          `ARM lists no role assignment for object ${stranger} nor any group it belongs to at kv-payments-prod, its resource group, subscription or management groups: secrets/get (Microsoft.KeyVault/vaults/secrets/getSecret/action) is denied (403 ForbiddenByRbac)`,
        ],
      ]);
      expect(result.collection?.requests['Authorization.roleAssignments.listForSubscription']).toBe(1);
      expect(result.collection?.requests['Authorization.roleDefinitions.getById']).toBeUndefined();
    });
  });

  it('a 403 on role assignments: a warning naming the permission, KV404 error, every other rule evaluated; exit 2, or 1 with --allow-partial', async () => {
    await withEmulator(seed, { faults: '403:type=microsoft.authorization/roleassignments' }, async (emulator) => {
      const collected = await collectLive(liveOptions(emulator, SUBS, { rbacPrincipal: { objectId: CALLER } }));
      expect(collected.vaultErrors.size).toBe(0);
      const reason = expect.stringMatching(
        new RegExp(
          `^the identity running kvguard lacks Microsoft\\.Authorization/roleAssignments/read on subscription ${SPOKE_SUB} \\(Reader has it\\): 403 AuthorizationFailed: The client '.+' with object id '.+' does not have authorization to perform action 'Microsoft\\.Authorization/roleAssignments/read'`,
        ),
      );
      expect(collected.roleReads).toEqual({
        principal: { objectId: CALLER },
        read: [],
        failed: { [SPOKE_SUB]: reason },
        memberOf: [],
      });
      expect(collected.notices).toEqual([
        {
          level: 'warning',
          resourceId: `/subscriptions/${SPOKE_SUB}`,
          message: expect.stringMatching(
            new RegExp(
              `^subscription ${SPOKE_SUB}: could not list the role assignments KV404 needs: the identity running kvguard lacks Microsoft\\.Authorization/roleAssignments/read`,
            ),
          ),
        },
      ]);
      expect(collected.requests['Authorization.roleDefinitions.getById']).toBeUndefined();
      const result = await audit({ kind: 'live', options: liveOptions(emulator, SUBS) }, 'secrets/get');
      const finding = kv404(result.findings)[0];
      expect(finding?.outcome).toBe('error');
      expect(finding?.message).toMatch(
        new RegExp(
          `^kv-payments-prod uses the RBAC permission model and its role assignments could not be read: the identity running kvguard lacks Microsoft\\.Authorization/roleAssignments/read on subscription ${SPOKE_SUB} \\(Reader has it\\): 403 AuthorizationFailed: `,
        ),
      );
      expect(result.findings.filter((f) => f.outcome === 'error')).toEqual([finding]);
      expect(result.findings.filter((f) => f.outcome === 'fail')).toEqual([]);
      expect(exitCode(result, 'error', false)).toBe(2);
      expect(exitCode(result, 'error', true)).toBe(1);
    });
  });

  it('kvguard audit --caller-object-id reads them from the command line', async () => {
    await withEmulator(seed, {}, async (emulator) => {
      const args = [
        'audit',
        '--endpoint',
        emulator.endpoint,
        '--ca-cert',
        emulator.caCertPath,
        '--subscription',
        SUBS.join(','),
        '--format',
        'json',
      ];
      const run = await runCli([...args, '--caller-object-id', CALLER, '--operation', 'keys/decrypt']);
      const report = JSON.parse(run.stdout) as {
        summary: { collection: { requests: Record<string, number> } };
        findings: Finding[];
      };
      expect(run.code).toBe(0);
      expect(kv404(report.findings).map((f) => [f.outcome, f.message])).toEqual([
        [
          'pass',
          `Key Vault Crypto User assigned to object ${CALLER} at management group mg-platform grants Microsoft.KeyVault/vaults/keys/decrypt/action on kv-payments-prod (RBAC model)`,
        ],
      ]);
      expect(report.summary.collection.requests['Authorization.roleAssignments.listForSubscription']).toBe(1);
    });
  });
});
