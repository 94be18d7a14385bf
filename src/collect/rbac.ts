import { ArmResource, idKey, parseId } from '../model/arm';
import type { Notice } from '../model/notice';
import type { Vault } from '../model/types';
import { roleAssignment, roleGuid } from '../model/rbac';
import { scopeRelation } from '../model/scope';
import { describeError, errorFacts } from './errors';
import type { ArmReader, RoleAssignmentFilter } from './reader';
import type { RbacPrincipal, RoleReads } from './types';

/**
 * KV404's inputs, read only for a caller identity and only in subscriptions that hold an audited vault with
 * the RBAC permission model (access policies and managed HSMs' local RBAC need none), in as few requests as
 * ARM allows:
 *  - one `GET /subscriptions/{id}/providers/Microsoft.Authorization/roleAssignments?$filter=assignedTo('{objectId}')`
 *    per subscription. With a principal filter ARM returns the assignments at, above AND below the scope
 *    (https://learn.microsoft.com/rest/api/authorization/role-assignments/list-for-subscription, `$filter`:
 *    "principalId eq {id} ... at, above or below the scope"; only `atScope()` cuts the ones below), so this one
 *    list holds those at the vaults and their resource groups, at the subscription, and those inherited from
 *    management groups and the root, whose ids start `/providers/Microsoft.Management/managementGroups/{mg}`
 *    (Azure/azure-cli#25078 and #30841 show a subscription's list returning them). `assignedTo` also returns the
 *    assignments of every group the user or service principal belongs to, transitively; it takes no group id
 *    (https://learn.microsoft.com/azure/role-based-access-control/role-assignments-list-rest#list-role-assignments).
 *  - one `principalId eq '{groupId}'` list per group the caller profile names (usually none): ARM expands only
 *    the groups the principal really is in, and a profile may name one it is about to join.
 *  - one GET per role definition those assignments name, deduplicated by role GUID (a built-in role has the
 *    same GUID under every subscription's id), so custom roles and the data actions of built-in ones are read
 *    as ARM has them.
 * Assignments that apply to no audited vault (other resources of the subscription) are dropped.
 *
 * Always through ARM, `--via resource-graph` included: ARG's `authorizationresources` table, queried by
 * subscriptions, leaves out management-group assignments (they belong to no subscription: microsoft/mcp#3579),
 * holds built-in role definitions only at tenant or management-group scope (KnudsenMorten/AzResourceGraphPS#3),
 * cannot expand group membership and follows changes with a delay, while the ARM list costs one request per
 * subscription anyway.
 */
export interface RoleReadContext {
  reader: ArmReader;
  /** Runs a read within the collector's concurrency limit and counts what it returned. */
  read: <T extends ArmResource | ArmResource[]>(task: () => Promise<T>) => Promise<T>;
  log: (line: string) => void;
}

export interface RoleData {
  resources: ArmResource[];
  roleReads: RoleReads;
  notices: Notice[];
}

export async function readRoleData(
  context: RoleReadContext,
  principal: RbacPrincipal,
  vaults: readonly Vault[],
): Promise<RoleData> {
  const rbacVaults = vaults.filter((v) => v.kind === 'vault' && v.enableRbacAuthorization === true);
  const subscriptions = new Map<string, string>();
  for (const vault of rbacVaults) {
    const sub = parseId(vault.id).subscriptionId;
    if (sub && !subscriptions.has(sub.toLowerCase())) subscriptions.set(sub.toLowerCase(), sub);
  }
  const objectId = principal.objectId.toLowerCase();
  const groups = [...new Set((principal.groupIds ?? []).map((g) => g.toLowerCase()))].filter((g) => g !== objectId);
  const filters: RoleAssignmentFilter[] = [
    { assignedTo: principal.objectId },
    ...groups.map((principalId) => ({ principalId })),
  ];
  const assignments = new Map<string, ArmResource>();
  const memberOf = new Set<string>();
  const roleReads: RoleReads = { principal, read: [], failed: {}, memberOf: [] };
  const notices: Notice[] = [];
  await Promise.all(
    [...subscriptions.values()].map(async (subscriptionId) => {
      let lists: ArmResource[][];
      try {
        lists = await Promise.all(
          filters.map((filter) => context.read(() => context.reader.listRoleAssignments(subscriptionId, filter))),
        );
      } catch (thrown) {
        const reason = assignmentsFailure(subscriptionId, thrown);
        roleReads.failed[subscriptionId.toLowerCase()] = reason;
        const message = `subscription ${subscriptionId}: could not list the role assignments KV404 needs: ${reason}`;
        notices.push({ level: 'warning', message, resourceId: `/subscriptions/${subscriptionId}` });
        context.log(message);
        return;
      }
      roleReads.read.push(subscriptionId.toLowerCase());
      lists.forEach((list, index) => {
        for (const resource of list) {
          const assignment = roleAssignment(resource);
          if (!rbacVaults.some((vault) => scopeRelation(assignment.scope, vault.id) !== 'unrelated')) continue;
          assignments.set(idKey(resource.id), resource);
          // Only assignedTo answers for groups nobody named: ARM returned them because the principal is a member.
          if (index === 0 && assignment.principalId.toLowerCase() !== objectId)
            memberOf.add(assignment.principalId.toLowerCase());
        }
      });
      context.log(
        `subscription ${subscriptionId}: role assignments of object ${principal.objectId}: ${lists.reduce((n, l) => n + l.length, 0)}`,
      );
    }),
  );
  const definitionIds = new Map<string, string>();
  for (const resource of assignments.values()) {
    const id = roleAssignment(resource).roleDefinitionId;
    if (id !== '' && !definitionIds.has(roleGuid(id))) definitionIds.set(roleGuid(id), id);
  }
  const definitions: ArmResource[] = [];
  await Promise.all(
    [...definitionIds.values()].map(async (id) => {
      try {
        definitions.push(await context.read(() => context.reader.getRoleDefinition(id)));
      } catch (thrown) {
        notices.push({ level: 'warning', message: definitionFailure(id, thrown), resourceId: id });
      }
    }),
  );
  roleReads.read.sort();
  roleReads.memberOf = [...memberOf].sort();
  return { resources: [...assignments.values(), ...definitions], roleReads, notices };
}

const ASSIGNMENTS_READ = 'Microsoft.Authorization/roleAssignments/read';
const DEFINITIONS_READ = 'Microsoft.Authorization/roleDefinitions/read';

function assignmentsFailure(subscriptionId: string, thrown: unknown): string {
  return errorFacts(thrown).statusCode === 403
    ? `the identity running kvguard lacks ${ASSIGNMENTS_READ} on subscription ${subscriptionId} (Reader has it): ${describeError(thrown)}`
    : describeError(thrown);
}

function definitionFailure(id: string, thrown: unknown): string {
  const status = errorFacts(thrown).statusCode;
  const why =
    status === 403
      ? ` (the identity running kvguard lacks ${DEFINITIONS_READ})`
      : status === 404
        ? ' (a deleted custom role?)'
        : '';
  return `could not read role definition ${id}${why}; KV404 knows only the built-in Key Vault roles without it: ${describeError(thrown)}`;
}
