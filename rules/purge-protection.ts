import { fail, pass } from '../src/engine/result';
import type { Rule } from '../src/engine/types';

/**
 * Purge protection enforces the soft-delete retention period: nobody, not even an owner, can purge a
 * deleted vault or object before it ends. It cannot be turned off once on.
 * https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview#purge-protection
 */
export const purgeProtection: Rule = {
  meta: {
    id: 'KV502',
    name: 'purge-protection',
    title: 'Purge protection is enabled',
    severity: 'warning',
    link: 'vault',
    appliesTo: ['vault', 'managedHsm'],
    scope: 'vault',
    fix: { 'properties.enablePurgeProtection': true },
    remediation: 'Enable purge protection: az keyvault update --name <vault> --enable-purge-protection true',
  },
  defaults: {},
  check({ vault }) {
    if (vault.enablePurgeProtection === true) {
      return [pass(vault.id, `${vault.name} has purge protection enabled`)];
    }
    // The service default is off: an absent flag means purge protection is disabled.
    const flag =
      vault.enablePurgeProtection === false ? 'enablePurgeProtection is false' : 'enablePurgeProtection is not set';
    return [fail(vault.id, `${vault.name} has purge protection disabled (${flag})`)];
  },
};
