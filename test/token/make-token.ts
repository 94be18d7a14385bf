import { TENANT } from '../../src/fixtures/arm-factory';

/**
 * Builds unsigned-but-shaped access tokens for tests: a real header and payload, and a recognizable fake
 * signature, so a test can scan any output for the token's parts.
 */
export const NOW_SECONDS = Math.floor(new Date('2026-11-21T12:00:00Z').getTime() / 1000);
export const CALLER_OID = '3975aeed-7d08-453b-b6f4-445f32698091';
export const CALLER_APPID = 'fad7d5b3-69d6-4b48-9259-8d12124e1cf1';
export const OTHER_TENANT = '96be4b7a-defb-4dc2-a31f-49ee6145d5ab';
export const FAKE_SIGNATURE = 'c2lnbmF0dXJlLW5vdC1yZWFsLWJ1dC1sb25nLWVub3VnaC10by1iZS1zcG90dGVkLWluLWFueS1vdXRwdXQ';

export function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function vaultClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    aud: 'https://vault.azure.net',
    iss: `https://sts.windows.net/${TENANT}/`,
    iat: NOW_SECONDS - 600,
    nbf: NOW_SECONDS - 600,
    exp: NOW_SECONDS + 3000,
    appid: CALLER_APPID,
    oid: CALLER_OID,
    sub: CALLER_OID,
    tid: TENANT,
    ver: '1.0',
    ...overrides,
  };
}

export function makeToken(overrides: Record<string, unknown> = {}, drop: string[] = []): string {
  const claims = vaultClaims(overrides);
  for (const name of drop) delete claims[name];
  return [
    encodePart({ typ: 'JWT', alg: 'RS256', kid: 'nbCwW11w3XkB-xUaXwKRSLjMHGQ' }),
    encodePart(claims),
    FAKE_SIGNATURE,
  ].join('.');
}

/** The pieces of a token that must never appear in any output. */
export function secretPartsOf(token: string): string[] {
  const [, payload = '', signature = ''] = token.split('.');
  return [token, payload, signature, signature.slice(0, 24), payload.slice(0, 24)];
}
