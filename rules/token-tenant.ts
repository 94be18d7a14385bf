import { error, fail, pass } from '../src/engine/result';
import type { Rule } from '../src/engine/types';
import { checkTenant } from '../src/token/checks';
import { tokenRuleInput } from './shared/token-input';

/**
 * A vault trusts tokens from its own tenant only (`properties.tenantId`). A token from another tenant, or an
 * issuer that is not that tenant's Entra endpoint for the vault's cloud, gets 401 AKV10032 "Invalid issuer":
 * typically a developer signed in to the wrong directory, or a vault moved to another tenant.
 * https://learn.microsoft.com/azure/key-vault/general/move-subscription
 */
export const tokenTenant: Rule = {
  meta: {
    id: 'KV403',
    name: 'token-tenant',
    title: "The caller's token tenant (tid, iss) is the vault's tenant",
    severity: 'error',
    link: 'identity',
    appliesTo: ['vault', 'managedHsm'],
    remediation:
      "Get the token from the vault's tenant: az login --tenant <vault tenantId> (SDKs: tenantId option of the credential)",
  },
  defaults: {},
  check({ vault, caller }) {
    const input = tokenRuleInput(vault, caller);
    if (input.results) return input.results;
    if (!vault.tenantId)
      return [error(vault.id, `${vault.name} has no tenantId, so the token's tenant cannot be compared`)];
    const verdict = checkTenant(input.claims, vault, input.cloud, vault.tenantId);
    return [verdict.ok ? pass(vault.id, verdict.message) : fail(vault.id, verdict.message)];
  },
};
