import { ArmResource, idKey, parentId, parseId } from '../../src/model/arm';
import { type ArmReader, TOPOLOGY_CHILD_LISTS, TOPOLOGY_TYPES } from '../../src/collect/reader';
import { roleAssignment, roleGuid } from '../../src/model/rbac';
import { scopeRelation } from '../../src/model/scope';

/**
 * An in-memory ArmReader over a seed, for the traversal's unit tests: counts calls by method and lets a
 * test make any call fail. The SDK path is tested against the emulator (live.test.ts).
 */
export class ArmError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `membership`: principal → the groups it belongs to, which `assignedTo` expands as ARM does. Role assignment
 * lists answer ARM's way for a principal filter: at, above (management groups, root) and below the subscription.
 */
export function fakeReader(
  seed: readonly ArmResource[],
  fail: (call: string, arg: string) => ArmError | undefined = () => undefined,
  membership: Record<string, string[]> = {},
): ArmReader & { calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const inSub = (sub: string, type: string): ArmResource[] =>
    seed.filter(
      (r) => r.type.toLowerCase() === type && (parseId(r.id).subscriptionId ?? '').toLowerCase() === sub.toLowerCase(),
    );
  const children = (parent: string, type: string): ArmResource[] =>
    seed.filter((r) => r.type.toLowerCase() === type && idKey(parentId(r.id)) === idKey(parent));
  const call = async <T>(name: string, arg: string, answer: () => T): Promise<T> => {
    calls[name] = (calls[name] ?? 0) + 1;
    const error = fail(name, arg);
    if (error) throw error;
    return JSON.parse(JSON.stringify(answer())) as T;
  };
  return {
    calls,
    listVaults: (s) => call('listVaults', s, () => inSub(s, 'microsoft.keyvault/vaults')),
    listManagedHsms: (s) => call('listManagedHsms', s, () => inSub(s, 'microsoft.keyvault/managedhsms')),
    listPrivateEndpoints: (s) => call('listPrivateEndpoints', s, () => inSub(s, 'microsoft.network/privateendpoints')),
    listNetworkInterfaces: (s) =>
      call('listNetworkInterfaces', s, () => inSub(s, 'microsoft.network/networkinterfaces')),
    listVirtualNetworks: (s) => call('listVirtualNetworks', s, () => inSub(s, 'microsoft.network/virtualnetworks')),
    listPrivateDnsZones: (s) => call('listPrivateDnsZones', s, () => inSub(s, 'microsoft.network/privatednszones')),
    listZoneGroups: (id) =>
      call('listZoneGroups', id, () => children(id, 'microsoft.network/privateendpoints/privatednszonegroups')),
    listVirtualNetworkLinks: (id) =>
      call('listVirtualNetworkLinks', id, () => children(id, 'microsoft.network/privatednszones/virtualnetworklinks')),
    listARecordSets: (id) => call('listARecordSets', id, () => children(id, 'microsoft.network/privatednszones/a')),
    listTopology: (list, scope) =>
      call(`listTopology ${list}`, scope, () => {
        const type = TOPOLOGY_TYPES[list];
        return list in TOPOLOGY_CHILD_LISTS ? children(scope, type) : inSub(scope, type);
      }),
    listDiagnosticSettings: (id) =>
      call('listDiagnosticSettings', id, () =>
        seed.filter(
          (r) =>
            r.type.toLowerCase() === 'microsoft.insights/diagnosticsettings' &&
            r.id.toLowerCase().startsWith(`${idKey(id)}/providers/`),
        ),
      ),
    listRoleAssignments: (s, filter) =>
      call('listRoleAssignments', s, () => {
        const principals =
          'assignedTo' in filter ? [filter.assignedTo, ...(membership[filter.assignedTo] ?? [])] : [filter.principalId];
        return seed
          .filter((r) => r.type.toLowerCase() === 'microsoft.authorization/roleassignments')
          .filter((r) => principals.some((p) => p.toLowerCase() === roleAssignment(r).principalId.toLowerCase()))
          .filter((r) => scopeRelation(roleAssignment(r).scope, `/subscriptions/${s}`) !== 'unrelated');
      }),
    getRoleDefinition: (id) =>
      call('getRoleDefinition', id, () => {
        const found = seed.find(
          (r) =>
            r.type.toLowerCase() === 'microsoft.authorization/roledefinitions' && r.name.toLowerCase() === roleGuid(id),
        );
        if (!found)
          throw new ArmError(
            404,
            'RoleDefinitionDoesNotExist',
            "The specified role definition with ID '" + roleGuid(id) + "' does not exist.",
          );
        return found;
      }),
    getById: (id) =>
      call('getById', id, () => {
        const found = seed.find((r) => idKey(r.id) === idKey(id));
        if (!found) throw new ArmError(404, 'ResourceNotFound', `The Resource '${id}' was not found.`);
        return found;
      }),
  };
}
