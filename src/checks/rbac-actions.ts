import type { RolePermission } from '../model/rbac';

/**
 * Azure RBAC action matching: case-insensitive, `*` matches any run of characters, slashes included
 * (`Microsoft.KeyVault/vaults/*` covers every vault data action, `Microsoft.KeyVault/vaults/*\/read` every read).
 * A permission grants an action when one of its (data) actions matches and none of its not(Data)Actions
 * does: notDataActions subtract within the same permission block, they are not deny rules.
 * https://learn.microsoft.com/azure/role-based-access-control/role-definitions#notdataactions
 */
export function actionMatches(pattern: string, action: string): boolean {
  const source = pattern
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(action.toLowerCase());
}

export interface DataActionGrant {
  granted: boolean;
  /** The dataActions pattern that matched, when granted or when excluded. */
  matchedBy?: string;
  /** The notDataActions pattern that took the action away again. */
  excludedBy?: string;
}

export function grantsDataAction(permissions: readonly RolePermission[], dataAction: string): DataActionGrant {
  let excluded: DataActionGrant | undefined;
  for (const permission of permissions) {
    const matchedBy = permission.dataActions.find((p) => actionMatches(p, dataAction));
    if (!matchedBy) continue;
    const excludedBy = permission.notDataActions.find((p) => actionMatches(p, dataAction));
    if (!excludedBy) return { granted: true, matchedBy };
    excluded ??= { granted: false, matchedBy, excludedBy };
  }
  return excluded ?? { granted: false };
}
