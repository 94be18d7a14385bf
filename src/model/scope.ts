import { idKey, parseId } from './arm';

/**
 * Where an RBAC scope sits relative to a vault. A role assignment applies to its scope and everything below it:
 * the vault, its resource group, its subscription, the management groups above, the root (`/`).
 * ARM lists management-group assignments with a subscription's own (`atScope()`), so an assignment at a
 * management group in the estate is taken to be above the vault's subscription.
 * https://learn.microsoft.com/azure/role-based-access-control/scope-overview
 */
export type ScopeRelation = 'covers' | 'below' | 'unrelated';

const MANAGEMENT_GROUP = /^\/providers\/microsoft\.management\/managementgroups\/[^/]+$/;

export function scopeRelation(scope: string, vaultId: string): ScopeRelation {
  const s = scope === '/' || scope === '' ? '' : idKey(scope);
  const v = idKey(vaultId);
  if (s === '' || MANAGEMENT_GROUP.test(s) || v === s || v.startsWith(`${s}/`)) return 'covers';
  if (s.startsWith(`${v}/`)) return 'below';
  return 'unrelated';
}

/** `the vault`, `resource group rg-x`, `subscription 2222...`, `management group mg-x`, `the root scope (/)`, `secret db-password`. */
export function describeScope(scope: string, vaultId: string): string {
  const s = scope === '' ? '/' : scope.replace(/\/+$/, '') || '/';
  if (s === '/') return 'the root scope (/)';
  if (idKey(s) === idKey(vaultId)) return 'the vault';
  const mg = /managementGroups\/([^/]+)$/i.exec(s);
  if (mg) return `management group ${mg[1]}`;
  const parsed = parseId(s);
  const parts = s.split('/').filter((p) => p !== '');
  if (parts.length === 2) return `subscription ${parsed.subscriptionId}`;
  if (parts.length === 4) return `resource group ${parsed.resourceGroup}`;
  const below = s
    .slice(vaultId.length)
    .split('/')
    .filter((p) => p !== '');
  if (idKey(s).startsWith(`${idKey(vaultId)}/`) && below.length >= 2)
    return `${(below[0] ?? '').replace(/s$/, '')} ${below[1]}`;
  return s;
}
