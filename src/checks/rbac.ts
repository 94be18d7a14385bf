import { parseId } from '../model/arm';
import type { CallerIdentity } from '../model/caller';
import type { Estate } from '../model/estate';
import type { AccessPolicy, Vault } from '../model/types';
import { grantsDataAction } from './rbac-actions';
import { builtInRole } from '../model/builtin-roles';
import { RoleAssignment, RoleCoverage, RolePermission, roleGuid } from '../model/rbac';
import type { Operation } from '../model/operations';
import { describeScope, scopeRelation } from '../model/scope';

/**
 * Whether a caller identity holds a data permission on a vault, per the vault's permission model: the
 * vault's access policies, or Azure RBAC role assignments and definitions. Group membership is not visible
 * through ARM, so groups count only when the caller profile lists them.
 * https://learn.microsoft.com/azure/key-vault/general/rbac-access-policy
 */
export interface AccessDecision {
  outcome: 'pass' | 'fail' | 'error';
  message: string;
}

const GROUPS_HINT =
  "group membership is not visible through ARM: give the caller's group ids if access comes through a group";

function principalLabel(identity: CallerIdentity): string {
  const groups = identity.groupIds ?? [];
  const who = `object ${identity.objectId}`;
  return groups.length === 0 ? who : `${who} and its groups ${groups.join(', ')}`;
}

/** The caller's groups plus those ARM's `assignedTo` showed it belongs to (a live read for this principal). */
function withKnownGroups(identity: CallerIdentity, coverage: RoleCoverage | undefined): CallerIdentity {
  if (!coverage || coverage.principal.objectId.toLowerCase() !== identity.objectId?.toLowerCase()) return identity;
  const given = identity.groupIds ?? [];
  const added = coverage.memberOf.filter((g) => !given.some((known) => known.toLowerCase() === g));
  return added.length === 0 ? identity : { ...identity, groupIds: [...given, ...added] };
}

function principalsOf(identity: CallerIdentity): Set<string> {
  return new Set(
    [identity.objectId ?? '', ...(identity.groupIds ?? [])].filter((id) => id !== '').map((id) => id.toLowerCase()),
  );
}

function withGroupsHint(message: string, identity: CallerIdentity): string {
  return (identity.groupIds ?? []).length === 0 ? `${message}; ${GROUPS_HINT}` : message;
}

export function accessPolicyDecision(vault: Vault, identity: CallerIdentity, operation: Operation): AccessDecision {
  const principals = principalsOf(identity);
  const wanted = `${operation.area} ${operation.permission}`;
  const denied = `${wanted} is denied (403 ForbiddenByPolicy)`;
  const sameTenant = (p: AccessPolicy) =>
    !vault.tenantId || !p.tenantId || p.tenantId.toLowerCase() === vault.tenantId.toLowerCase();
  const entries = vault.accessPolicies.filter(
    (p) => p.objectId !== undefined && principals.has(p.objectId.toLowerCase()),
  );
  const notes: string[] = [];
  for (const entry of entries) {
    const whose =
      entry.objectId?.toLowerCase() === identity.objectId?.toLowerCase()
        ? `object ${entry.objectId}`
        : `group ${entry.objectId}`;
    if (!sameTenant(entry)) {
      notes.push(
        `the access policy for ${whose} is for tenant ${entry.tenantId}, not the vault's tenant ${vault.tenantId}`,
      );
      continue;
    }
    if (entry.applicationId && entry.applicationId.toLowerCase() !== identity.appId?.toLowerCase()) {
      notes.push(
        `the access policy for ${whose} applies only together with application ${entry.applicationId} (compound identity), and the caller's application is ${identity.appId ?? 'not given'}`,
      );
      continue;
    }
    const granted = entry.permissions[operation.area];
    const all = granted.some((p) => p.toLowerCase() === 'all');
    if (all || granted.some((p) => p.toLowerCase() === operation.permission.toLowerCase())) {
      const what = all ? `all ${operation.area} permissions` : wanted;
      return {
        outcome: 'pass',
        message: `${vault.name} (access policy model) has an access policy for ${whose} granting ${what}`,
      };
    }
    notes.push(
      `the access policy for ${whose} grants ${operation.area} ${granted.length > 0 ? granted.join(', ') : '(none)'} but not ${operation.permission}`,
    );
  }
  if (notes.length > 0)
    return { outcome: 'fail', message: `${vault.name} (access policy model): ${notes.join('; ')}: ${denied}` };
  // The classic mix-up: the application (client) id typed where the service principal's object id belongs.
  const appIdEntry = identity.appId
    ? vault.accessPolicies.find((p) => p.objectId?.toLowerCase() === identity.appId?.toLowerCase())
    : undefined;
  if (appIdEntry) {
    return {
      outcome: 'fail',
      message: `${vault.name} (access policy model) has an access policy whose objectId ${appIdEntry.objectId} is the caller's application (client) id; access policies need the service principal's object id (${identity.objectId}): ${denied}`,
    };
  }
  return {
    outcome: 'fail',
    message: withGroupsHint(
      `${vault.name} (access policy model) has no access policy for ${principalLabel(identity)}: ${denied}`,
      identity,
    ),
  };
}

interface ResolvedAssignment {
  assignment: RoleAssignment;
  roleName: string;
  permissions: RolePermission[] | undefined;
  where: string;
}

function resolve(estate: Estate, vault: Vault, assignment: RoleAssignment): ResolvedAssignment {
  const guid = roleGuid(assignment.roleDefinitionId);
  const defined =
    estate.roleDefinitions.get(assignment.roleDefinitionId) ??
    estate.roleDefinitions.all().find((d) => d.name.toLowerCase() === guid);
  const builtIn = builtInRole(guid);
  const permissions =
    defined?.permissions ??
    (builtIn
      ? [{ actions: [], notActions: [], dataActions: builtIn.dataActions, notDataActions: builtIn.notDataActions }]
      : undefined);
  return {
    assignment,
    roleName: defined?.roleName ?? builtIn?.roleName ?? `role ${guid}`,
    permissions,
    where: describeScope(assignment.scope, vault.id),
  };
}

/** Nearest scope first: the vault, its resource group, subscription, management groups, the root. */
function scopeDepth(scope: string): number {
  const parts = scope.split('/').filter((p) => p !== '');
  return parts[0]?.toLowerCase() === 'subscriptions' ? parts.length : parts.length === 0 ? -2 : -1;
}

export function rbacDecision(
  estate: Estate,
  vault: Vault,
  caller: CallerIdentity,
  operation: Operation,
): AccessDecision {
  const action = operation.dataAction;
  const denied = `${operation.name} (${action}) is denied (403 ForbiddenByRbac)`;
  const coverage = estate.roleCoverage;
  const subscription = (parseId(vault.id).subscriptionId ?? '').toLowerCase();
  const failure = coverage?.failed[subscription];
  if (failure !== undefined) {
    return {
      outcome: 'error',
      message: `${vault.name} uses the RBAC permission model and its role assignments could not be read: ${failure}`,
    };
  }
  if (estate.roleAssignments.size === 0 && !coverage?.read.includes(subscription)) {
    return {
      outcome: 'error',
      message: `${vault.name} uses the RBAC permission model and the estate holds no role assignments (Microsoft.Authorization/roleAssignments): collect them to evaluate ${operation.name}`,
    };
  }
  const identity = withKnownGroups(caller, coverage);
  // A live read for this principal used ARM's assignedTo filter, which already follows group membership.
  const groupsFollowed =
    coverage !== undefined && coverage.principal.objectId.toLowerCase() === caller.objectId?.toLowerCase();
  const principals = principalsOf(identity);
  const mine = estate.roleAssignments.all().filter((a) => principals.has(a.principalId.toLowerCase()));
  const covering = mine
    .filter((a) => scopeRelation(a.scope, vault.id) === 'covers')
    .sort((a, b) => scopeDepth(b.scope) - scopeDepth(a.scope))
    .map((a) => resolve(estate, vault, a));
  const grant = covering.find((r) => r.permissions !== undefined && grantsDataAction(r.permissions, action).granted);
  if (grant) {
    const holder =
      grant.assignment.principalId.toLowerCase() === identity.objectId?.toLowerCase()
        ? `object ${grant.assignment.principalId}`
        : `group ${grant.assignment.principalId}`;
    const condition = grant.assignment.condition
      ? ' (the assignment has an ABAC condition kvguard does not evaluate)'
      : '';
    return {
      outcome: 'pass',
      message: `${grant.roleName} assigned to ${holder} at ${grant.where} grants ${action} on ${vault.name} (RBAC model)${condition}`,
    };
  }
  const unknown = covering.filter((r) => r.permissions === undefined);
  if (unknown.length > 0) {
    const list = unknown.map((r) => `${r.roleName} at ${r.where}`).join(', ');
    return {
      outcome: 'error',
      message: `the definition of ${list} is neither in the estate nor a built-in Key Vault role: cannot tell whether it grants ${action}`,
    };
  }
  const held = covering.map((r) => {
    const exclusion = r.permissions ? grantsDataAction(r.permissions, action) : { granted: false };
    return exclusion.excludedBy
      ? `${r.roleName} at ${r.where} (its notDataActions ${exclusion.excludedBy} remove it)`
      : `${r.roleName} at ${r.where}`;
  });
  const below = mine.filter((a) => scopeRelation(a.scope, vault.id) === 'below').map((a) => resolve(estate, vault, a));
  const narrow = below.filter((r) => r.permissions !== undefined && grantsDataAction(r.permissions, action).granted);
  const narrowNote =
    narrow.length > 0 ? `; ${narrow.map((r) => `${r.roleName} at ${r.where}`).join(', ')} covers that object only` : '';
  if (held.length > 0) {
    return {
      outcome: 'fail',
      message: `${principalLabel(identity)} hold${(identity.groupIds ?? []).length === 0 ? 's' : ''} ${held.join(', ')}, none granting ${action}${narrowNote}: ${denied}`,
    };
  }
  return {
    outcome: 'fail',
    message: groupsFollowed
      ? `ARM lists no role assignment for ${principalLabel(identity)} nor any group it belongs to at ${vault.name}, its resource group, subscription or management groups${narrowNote}: ${denied}`
      : withGroupsHint(
          `${principalLabel(identity)} ha${(identity.groupIds ?? []).length === 0 ? 's' : 've'} no role assignment at ${vault.name}, its resource group, subscription or management groups${narrowNote}: ${denied}`,
          identity,
        ),
  };
}
