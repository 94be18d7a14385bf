import { fail, pass } from '../src/engine/result';
import type { Rule } from '../src/engine/types';

/**
 * Soft delete keeps deleted vaults and objects recoverable. It is on by default and can no longer be turned
 * off, but vaults created before 2020 may still report it off.
 * https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview
 */
export const softDelete: Rule = {
  meta: {
    id: 'KV501',
    name: 'soft-delete',
    title: 'Soft delete is enabled',
    severity: 'warning',
    link: 'vault',
    appliesTo: ['vault', 'managedHsm'],
    scope: 'vault',
    fix: { 'properties.enableSoftDelete': true },
    remediation: 'Enable soft delete: az keyvault update --name <vault> --enable-soft-delete true',
  },
  defaults: {},
  check({ vault }) {
    // An absent flag means the service default, which is on since 2020.
    if (vault.enableSoftDelete === false) {
      return [fail(vault.id, `${vault.name} has soft delete disabled (enableSoftDelete is false)`)];
    }
    return [pass(vault.id, `${vault.name} has soft delete enabled`)];
  },
};
