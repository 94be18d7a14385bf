import type { ArmResource, JsonObject } from '../model/arm';
import { roleDefinitionId } from './builtin-roles';

/** Builders of role assignment and custom role definition resources, in ARM GET's shape, for tests and seeds. */
export interface AssignmentSpec {
  scope: string;
  principalId: string;
  roleGuid: string;
  /** The subscription under which the role definition id is written; defaults to the scope's. */
  subscriptionId?: string;
  principalType?: 'User' | 'Group' | 'ServicePrincipal';
  name?: string;
  condition?: string;
}

export function roleAssignment(spec: AssignmentSpec): ArmResource {
  const subscriptionId =
    spec.subscriptionId ?? /\/subscriptions\/([^/]+)/i.exec(spec.scope)?.[1] ?? '00000000-0000-0000-0000-000000000000';
  const name =
    spec.name ?? `${spec.principalId.slice(0, 8)}-${spec.roleGuid.slice(0, 4)}-4000-8000-${scopeHash(spec.scope)}`;
  const scope = spec.scope === '/' ? '' : spec.scope.replace(/\/+$/, '');
  const properties: JsonObject = {
    roleDefinitionId: roleDefinitionId(subscriptionId, spec.roleGuid),
    principalId: spec.principalId,
    principalType: spec.principalType ?? 'ServicePrincipal',
    scope: spec.scope,
    createdOn: '2026-01-05T10:00:00.0000000Z',
    updatedOn: '2026-01-05T10:00:00.0000000Z',
  };
  if (spec.condition) {
    properties.condition = spec.condition;
    properties.conditionVersion = '2.0';
  }
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties,
  };
}

export function customRole(
  subscriptionId: string,
  guid: string,
  roleName: string,
  dataActions: string[],
  notDataActions: string[] = [],
): ArmResource {
  return {
    id: roleDefinitionId(subscriptionId, guid),
    name: guid,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName,
      type: 'CustomRole',
      description: roleName,
      assignableScopes: [`/subscriptions/${subscriptionId}`],
      permissions: [{ actions: [], notActions: [], dataActions, notDataActions }],
    },
  };
}

function scopeHash(scope: string): string {
  let hash = 0;
  for (const c of scope.toLowerCase()) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return hash.toString(16).padStart(12, '0').slice(-12);
}
