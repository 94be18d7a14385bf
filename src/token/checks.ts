import { CLOUDS, CLOUD_NAMES, CloudName, dataPlaneAudience } from '../model/cloud';
import type { Vault } from '../model/types';
import { TokenClaims, isoSeconds } from './jwt';

/**
 * The three checks Key Vault makes on a bearer token before it looks at permissions (401 guide:
 * https://learn.microsoft.com/azure/key-vault/general/rest-error-codes#http-401-unauthenticated-request).
 * Pure functions of the claims, the vault and the run's clock; KV401-KV403 and `kvguard token explain` share them.
 */
export interface TokenVerdict {
  ok: boolean;
  message: string;
}

function audienceOwner(audience: string): string | undefined {
  const bare = audience.replace(/\/+$/, '').toLowerCase();
  for (const cloud of CLOUD_NAMES) {
    const profile = CLOUDS[cloud];
    if (bare === profile.vaultAudience) return `the key vault audience of ${cloud}`;
    if (bare === profile.managedHsmAudience) return `the managed HSM audience of ${cloud}`;
    if (bare === profile.resourceManager) return `Azure Resource Manager's audience (${cloud}), not Key Vault's`;
  }
  if (bare === 'https://graph.microsoft.com' || bare === '00000003-0000-0000-c000-000000000000')
    return "Microsoft Graph's audience, not Key Vault's";
  if (bare === 'https://vault.keyvault.net') return 'a mistyped audience';
  return undefined;
}

export function checkAudience(claims: TokenClaims, vault: Vault, cloud: CloudName): TokenVerdict {
  const expected = dataPlaneAudience(cloud, vault.kind);
  const shown = claims.aud.join(', ');
  if (claims.aud.includes(expected)) {
    return { ok: true, message: `token audience ${expected} is the data-plane resource of ${vault.name} (${cloud})` };
  }
  const fix = `request the token for ${expected} (scope ${expected}/.default)`;
  if (claims.aud.some((a) => a === `${expected}/`)) {
    return {
      ok: false,
      message: `token audience ${expected}/ has a trailing slash; ${vault.name} accepts exactly ${expected}: ${fix}`,
    };
  }
  const owner = claims.aud.map(audienceOwner).find((o) => o !== undefined);
  const why = owner ? ` is ${owner}` : ' is not a Key Vault audience';
  return { ok: false, message: `token audience ${shown}${why}; ${vault.name} (${cloud}) expects ${expected}: ${fix}` };
}

export function checkLifetime(claims: TokenClaims, now: Date, skewSeconds: number): TokenVerdict {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const skew = `the ${skewSeconds} s clock skew`;
  const window = `${claims.nbf !== undefined ? `from ${isoSeconds(claims.nbf)} ` : ''}until ${isoSeconds(claims.exp)}`;
  if (nowSeconds >= claims.exp + skewSeconds) {
    return {
      ok: false,
      message: `token expired at ${isoSeconds(claims.exp)}, ${duration(nowSeconds - claims.exp)} before now (${isoSeconds(nowSeconds)}), beyond ${skew}: get a new token (SDK credentials refresh it; a token pasted into a config file does not)`,
    };
  }
  if (claims.nbf !== undefined && nowSeconds < claims.nbf - skewSeconds) {
    return {
      ok: false,
      message: `token is not valid before ${isoSeconds(claims.nbf)}, ${duration(claims.nbf - nowSeconds)} after now (${isoSeconds(nowSeconds)}), beyond ${skew}: check the caller's clock`,
    };
  }
  if (nowSeconds >= claims.exp || (claims.nbf !== undefined && nowSeconds < claims.nbf)) {
    return {
      ok: true,
      message: `token is valid ${window} only within ${skew} of now (${isoSeconds(nowSeconds)}): it is about to fail`,
    };
  }
  return {
    ok: true,
    message: `token is valid ${window}, ${duration(claims.exp - nowSeconds)} from now (${isoSeconds(nowSeconds)})`,
  };
}

/** The issuers Entra uses for a tenant in a cloud: v1 (`sts`) and v2 (`{authority}/{tid}/v2.0`) access tokens. */
export function issuersFor(cloud: CloudName, tenantId: string): string[] {
  const authority = CLOUDS[cloud].authorityHost;
  const sts = cloud === 'AzureChinaCloud' ? 'https://sts.chinacloudapi.cn' : 'https://sts.windows.net';
  return [`${sts}/${tenantId}/`, `${authority}/${tenantId}/v2.0`, `${authority}/${tenantId}/`];
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export function checkTenant(claims: TokenClaims, vault: Vault, cloud: CloudName, vaultTenant: string): TokenVerdict {
  const expected = vaultTenant.toLowerCase();
  const issuerTenant = GUID.exec(claims.iss)?.[0]?.toLowerCase();
  const tokenTenant = claims.tid?.toLowerCase() ?? issuerTenant;
  const login = `${CLOUDS[cloud].authorityHost}/${vaultTenant}`;
  const invalidIssuer = 'Key Vault answers 401 AKV10032 "Invalid issuer"';
  if (tokenTenant !== expected) {
    return {
      ok: false,
      message: `token tenant ${tokenTenant ?? '(none)'} is not the tenant of ${vault.name} (${vaultTenant}): ${invalidIssuer}; get the token from ${login} (az login --tenant ${vaultTenant})`,
    };
  }
  const accepted = issuersFor(cloud, vaultTenant).map((i) => i.toLowerCase());
  if (!accepted.includes(claims.iss.toLowerCase())) {
    const [v1, v2] = issuersFor(cloud, vaultTenant);
    return {
      ok: false,
      message: `token issuer ${claims.iss} is not an issuer of tenant ${vaultTenant} in ${cloud} (expected ${v1} or ${v2}): ${invalidIssuer}; get the token from ${login}`,
    };
  }
  return { ok: true, message: `token tenant ${vaultTenant} (issuer ${claims.iss}) is the tenant of ${vault.name}` };
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}
