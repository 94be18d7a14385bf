/**
 * Local, offline decoding of a Microsoft Entra access token (a JWS in compact form). kvguard never sends a
 * token anywhere, never verifies its signature (it has no reason to hold Entra's keys) and never prints the
 * token or its signature: only the claims below leave this module.
 * Claims: https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 */
export interface TokenClaims {
  /** One audience, or several (a JWT may carry an array). */
  aud: string[];
  iss: string;
  /** Tenant of the principal; absent from some personal-account tokens. */
  tid: string | undefined;
  oid: string | undefined;
  /** v1 tokens say `appid`, v2 tokens `azp`. */
  appid: string | undefined;
  upn: string | undefined;
  /** `1.0` or `2.0`. */
  ver: string | undefined;
  /** Seconds since the epoch. */
  iat: number | undefined;
  nbf: number | undefined;
  exp: number;
}

export interface DecodedToken {
  header: { alg: string | undefined; typ: string | undefined };
  claims: TokenClaims;
}

/** A token that cannot be decoded: the message is one line, names the part at fault and never quotes the token. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Decodes a compact JWT (`header.payload.signature`), accepting a leading `Bearer ` and surrounding whitespace. */
export function decodeJwt(input: string): DecodedToken {
  const raw = input.trim().replace(/^Bearer\s+/i, '');
  if (raw === '') throw new TokenError('no token given: pass a JWT on stdin or with --file');
  const parts = raw.split('.');
  if (parts.length === 5) {
    throw new TokenError(
      'the token has five parts: it is an encrypted token (JWE), which cannot be read without its key; Key Vault takes signed access tokens (three parts)',
    );
  }
  if (parts.length !== 3) {
    throw new TokenError(
      `the token has ${parts.length} part${parts.length === 1 ? '' : 's'} separated by dots; a JWT has three (header.payload.signature)`,
    );
  }
  const header = decodePart(parts[0] ?? '', 'header');
  const payload = decodePart(parts[1] ?? '', 'payload');
  if (typeof header.alg === 'string' && header.alg.toLowerCase() === 'none') {
    throw new TokenError('the token is unsigned (alg "none"); Entra access tokens are always signed');
  }
  return {
    header: { alg: optionalString(header.alg), typ: optionalString(header.typ) },
    claims: claimsOf(payload),
  };
}

function decodePart(part: string, name: 'header' | 'payload'): Record<string, unknown> {
  if (part === '' || !BASE64URL.test(part) || part.length % 4 === 1) {
    throw new TokenError(`the token's ${name} is not base64url`);
  }
  const text = Buffer.from(part, 'base64url').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TokenError(`the token's ${name} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TokenError(`the token's ${name} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function claimsOf(payload: Record<string, unknown>): TokenClaims {
  const missing = ['aud', 'iss', 'exp'].filter((name) => payload[name] === undefined);
  if (missing.length > 0)
    throw new TokenError(
      `the token lacks the claim${missing.length === 1 ? '' : 's'} ${missing.join(', ')}: it is not an access token`,
    );
  const aud =
    typeof payload.aud === 'string'
      ? [payload.aud]
      : Array.isArray(payload.aud)
        ? payload.aud.filter((a): a is string => typeof a === 'string')
        : [];
  if (aud.length === 0) throw new TokenError("the token's aud claim is not a string");
  if (typeof payload.iss !== 'string') throw new TokenError("the token's iss claim is not a string");
  const exp = numericDate(payload.exp, 'exp');
  if (exp === undefined) throw new TokenError('the token lacks the claim exp: it is not an access token');
  return {
    aud,
    iss: payload.iss,
    tid: optionalString(payload.tid),
    oid: optionalString(payload.oid),
    appid: optionalString(payload.appid) ?? optionalString(payload.azp),
    upn: optionalString(payload.upn) ?? optionalString(payload.preferred_username),
    ver: optionalString(payload.ver),
    iat: numericDate(payload.iat, 'iat'),
    nbf: numericDate(payload.nbf, 'nbf'),
    exp,
  };
}

const MAX_EPOCH_SECONDS = 8.64e12;

function numericDate(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new TokenError(`the token's ${name} claim is not a number of seconds`);
  // A JavaScript date spans ±8.64e15 ms (ECMA-262 21.4.1.1): beyond it no date exists to compare or print.
  if (Math.abs(value) > MAX_EPOCH_SECONDS)
    throw new TokenError(`the token's ${name} claim is outside the range of dates (±8.64e12 seconds)`);
  return value;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `2026-11-21T12:00:00Z`: seconds are the tokens' precision. */
export function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
