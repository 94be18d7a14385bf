import { fail, pass } from '../src/engine/result';
import type { Rule } from '../src/engine/types';
import { checkAudience } from '../src/token/checks';
import { tokenRuleInput } from './shared/token-input';

/**
 * Key Vault accepts only tokens issued for its own resource, `https://vault.azure.net` in the public cloud
 * (no trailing slash), the sovereign clouds' equivalents, or the managed HSM resource. A token for ARM
 * (`https://management.azure.com/`) is the classic mistake: it works against the management plane and gets a
 * 401 from the data plane.
 * https://learn.microsoft.com/azure/key-vault/general/rest-error-codes#the-token-lacks-the-correct-resource-associated-with-it
 */
export const tokenAudience: Rule = {
  meta: {
    id: 'KV401',
    name: 'token-audience',
    title: "The caller's token audience is the vault's data-plane resource for its cloud",
    severity: 'error',
    link: 'identity',
    appliesTo: ['vault', 'managedHsm'],
    remediation:
      'Request the token for the vault resource: az account get-access-token --resource https://vault.azure.net (SDKs: scope https://vault.azure.net/.default)',
  },
  defaults: {},
  check({ vault, caller }) {
    const input = tokenRuleInput(vault, caller);
    if (input.results) return input.results;
    const verdict = checkAudience(input.claims, vault, input.cloud);
    return [verdict.ok ? pass(vault.id, verdict.message) : fail(vault.id, verdict.message)];
  },
};
