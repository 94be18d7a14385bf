import { fail, pass } from '../src/engine/result';
import type { Rule } from '../src/engine/types';
import { checkLifetime } from '../src/token/checks';
import { tokenRuleInput } from './shared/token-input';

export interface TokenLifetimeOptions {
  /** Clock skew tolerated on `nbf` and `exp`, in seconds. */
  skewSeconds: number;
}

/**
 * A token is valid from `nbf` until `exp`; an expired token gets a 401 from Key Vault. Credentials from the
 * Azure SDKs refresh tokens on their own; a token copied into a script or a config file does not. The run's
 * clock (fixed once per run) is the "now", and a few minutes of skew between machines are tolerated.
 * https://learn.microsoft.com/azure/key-vault/general/rest-error-codes#the-token-is-expired
 */
export const tokenLifetime: Rule<TokenLifetimeOptions> = {
  meta: {
    id: 'KV402',
    name: 'token-lifetime',
    title: "The caller's token is within its validity period (nbf <= now < exp, with clock skew)",
    severity: 'error',
    link: 'identity',
    appliesTo: ['vault', 'managedHsm'],
    remediation: 'Get a fresh token (let the SDK credential refresh it) and check the caller clock (NTP)',
    optionsSchema: {
      type: 'object',
      properties: {
        skewSeconds: {
          type: 'integer',
          minimum: 0,
          maximum: 3600,
          description: 'Clock skew tolerated on nbf and exp, in seconds.',
        },
      },
      additionalProperties: false,
    },
  },
  defaults: { skewSeconds: 300 },
  check({ vault, caller, now, options }) {
    const input = tokenRuleInput(vault, caller);
    if (input.results) return input.results;
    const verdict = checkLifetime(input.claims, now, options.skewSeconds);
    return [verdict.ok ? pass(vault.id, verdict.message) : fail(vault.id, verdict.message)];
  },
};
