import { error, skip } from '../../src/engine/result';
import type { RuleResult } from '../../src/engine/types';
import type { CallerProfile } from '../../src/model/caller';
import type { CloudName } from '../../src/model/cloud';
import type { Vault } from '../../src/model/types';
import { TokenClaims, TokenError, decodeJwt } from '../../src/token/jwt';

/**
 * What KV401-KV403 need before they can judge a token: the decoded claims and the vault's cloud. When either
 * is missing, `results` holds the one finding to report instead (skipped without a token; error otherwise).
 */
export type TokenRuleInput = { claims: TokenClaims; cloud: CloudName; results?: undefined } | { results: RuleResult[] };

export function tokenRuleInput(vault: Vault, caller: CallerProfile): TokenRuleInput {
  if (!caller.token)
    return {
      results: [skip(vault.id, "no caller token given (kvguard token explain, or the caller profile's token)")],
    };
  let claims: TokenClaims;
  try {
    claims = decodeJwt(caller.token).claims;
  } catch (thrown) {
    if (!(thrown instanceof TokenError)) throw thrown;
    return { results: [error(vault.id, `the caller token cannot be decoded: ${thrown.message}`)] };
  }
  if (!vault.cloud) {
    return {
      results: [
        error(
          vault.id,
          `${vault.name} has no recognizable ${vault.kind === 'managedHsm' ? 'hsmUri' : 'vaultUri'} (${vault.uri ?? 'absent'}), so its cloud and token audience are unknown`,
        ),
      ],
    };
  }
  return { claims, cloud: vault.cloud };
}
