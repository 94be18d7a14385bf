import { ArmResource, asArray, asObject, asString, asStrings, parseId } from './arm';

/**
 * Azure RBAC as ARM returns it: role assignments (`Microsoft.Authorization/roleAssignments`, at any scope:
 * resource, resource group, subscription, management group) and role definitions
 * (`Microsoft.Authorization/roleDefinitions`, built-in or custom).
 * https://learn.microsoft.com/rest/api/authorization/role-assignments/get
 * https://learn.microsoft.com/azure/role-based-access-control/role-definitions
 */
/**
 * What a live read of role assignments covered (the collector reads only the caller's, with ARM's
 * `assignedTo` filter). Without it, an estate with no role assignment means "not collected"; with it, a
 * covered subscription with none means ARM has none for the caller.
 */
export interface RoleCoverage {
  principal: { objectId: string; groupIds?: readonly string[] };
  /** Subscriptions (lower-cased) whose role assignments were read. */
  read: string[];
  /** Subscription (lower-cased) → why its role assignments could not be read. */
  failed: Record<string, string>;
  /** Groups (object ids, lower-cased) ARM's `assignedTo` showed the principal belongs to, transitively. */
  memberOf: string[];
}

export interface RoleAssignment {
  id: string;
  name: string;
  /** Where the assignment applies; it is inherited by everything below. */
  scope: string;
  /** The definition's ARM id; the same built-in role appears under every subscription's id. */
  roleDefinitionId: string;
  principalId: string;
  /** `User`, `Group`, `ServicePrincipal`, `ForeignGroup`, `Device`. */
  principalType: string | undefined;
  /** An ABAC condition, which kvguard reports but does not evaluate. */
  condition: string | undefined;
  resource: ArmResource;
}

export interface RolePermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface RoleDefinition {
  id: string;
  /** The role's GUID: what identifies it across scopes. */
  name: string;
  roleName: string;
  /** `BuiltInRole` or `CustomRole`. */
  roleType: string | undefined;
  permissions: RolePermission[];
  assignableScopes: string[];
  resource: ArmResource;
}

const ASSIGNMENT_SEGMENT = '/providers/microsoft.authorization/roleassignments/';

export function roleAssignment(resource: ArmResource): RoleAssignment {
  const p = resource.properties ?? {};
  const cut = resource.id.toLowerCase().lastIndexOf(ASSIGNMENT_SEGMENT);
  // ARM returns `properties.scope`; an id is the fallback for shapes that omit it (Pulumi inputs).
  const scopeFromId = cut > 0 ? resource.id.slice(0, cut) : cut === 0 ? '/' : '';
  return {
    id: resource.id,
    name: resource.name,
    scope: asString(p.scope) ?? scopeFromId,
    roleDefinitionId: asString(p.roleDefinitionId) ?? '',
    principalId: asString(p.principalId) ?? '',
    principalType: asString(p.principalType),
    condition: asString(p.condition) || undefined,
    resource,
  };
}

export function roleDefinition(resource: ArmResource): RoleDefinition {
  const p = resource.properties ?? {};
  return {
    id: resource.id,
    name: resource.name || parseId(resource.id).name,
    roleName: asString(p.roleName) ?? resource.name,
    roleType: asString(p.type),
    permissions: asArray(p.permissions).map((value) => {
      const permission = asObject(value) ?? {};
      return {
        actions: asStrings(permission.actions),
        notActions: asStrings(permission.notActions),
        dataActions: asStrings(permission.dataActions),
        notDataActions: asStrings(permission.notDataActions),
      };
    }),
    assignableScopes: asStrings(p.assignableScopes),
    resource,
  };
}

/** The GUID at the end of a role definition id, lower-cased: built-in roles share it across scopes. */
export function roleGuid(roleDefinitionId: string): string {
  return parseId(roleDefinitionId).name.toLowerCase();
}
