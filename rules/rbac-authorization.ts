import { fail, pass } from '../src/engine/result';
import type { Rule } from '../src/engine/types';

/**
 * Azure RBAC is the recommended permission model: data-plane access is granted by role assignments that
 * Privileged Identity Management and Conditional Access govern, instead of per-vault access policies.
 * Vaults created with API 2026-02-01 and later default to RBAC; an older vault without the flag uses
 * access policies. Managed HSMs only have local RBAC, so the rule applies to vaults only.
 * https://learn.microsoft.com/azure/key-vault/general/rbac-migration
 */
export const rbacAuthorization: Rule = {
  meta: {
    id: 'KV405',
    name: 'rbac-authorization',
    title: 'The vault uses the Azure RBAC permission model',
    severity: 'warning',
    link: 'identity',
    appliesTo: ['vault'],
    scope: 'vault',
    fix: { 'properties.enableRbacAuthorization': true },
    remediation: 'Migrate to Azure RBAC, then: az keyvault update --name <vault> --enable-rbac-authorization true',
  },
  defaults: {},
  check({ vault }) {
    if (vault.enableRbacAuthorization === true) {
      return [pass(vault.id, `${vault.name} uses the Azure RBAC permission model (enableRbacAuthorization is true)`)];
    }
    const expected = 'expected Azure RBAC (enableRbacAuthorization true)';
    if (vault.enableRbacAuthorization === undefined) {
      return [
        fail(
          vault.id,
          `${vault.name} has no enableRbacAuthorization flag, so it is read as the access policy permission model; ${expected}`,
        ),
      ];
    }
    return [
      fail(
        vault.id,
        `${vault.name} uses the access policy permission model (enableRbacAuthorization is false); ${expected}`,
      ),
    ];
  },
};
