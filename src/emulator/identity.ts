import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TENANT } from '../fixtures/arm-factory';

/**
 * The managed-identity token endpoint (App Service style, as MSAL calls it when IDENTITY_ENDPOINT and
 * IDENTITY_HEADER are set: `GET {endpoint}?api-version=2019-08-01&resource=...` with `X-IDENTITY-HEADER`;
 * https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference) and
 * the tokens it issues: JWTs for a fixed principal, signed with a per-process key.
 *
 * The key is per process, not per emulator, on purpose: MSAL caches managed-identity tokens in a static
 * store, so a client that talked to one emulator reuses its token with the next one in the same process.
 */
export const DEFAULT_PRINCIPAL_ID = '3f9e4f5a-7c6b-4b8e-9f1d-2a3b4c5d6e7f';
export const TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
const SIGNING_KEY = randomBytes(32);

export interface Principal {
  objectId: string;
  tenantId: string;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function sign(data: string): string {
  return createHmac('sha256', SIGNING_KEY).update(data).digest('base64url');
}

export function issueToken(resource: string, objectId: string, now = Date.now()): { accessToken: string; expiresOn: number } {
  const issuedAt = Math.floor(now / 1000);
  const expiresOn = issuedAt + TOKEN_LIFETIME_SECONDS;
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({ aud: resource, iss: `https://sts.windows.net/${TENANT}/`, iat: issuedAt, nbf: issuedAt, exp: expiresOn, oid: objectId, sub: objectId, tid: TENANT, idtyp: 'app', ver: '1.0' }),
  );
  return { accessToken: `${header}.${payload}.${sign(`${header}.${payload}`)}`, expiresOn };
}

export type TokenCheck = { principal: Principal } | { problem: 'missing' | 'invalid' | 'expired' };

/** Reads `Authorization: Bearer <token>`; only tokens this process issued, unexpired, are accepted. */
export function checkAuthorization(header: string | undefined, now = Date.now()): TokenCheck {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return { problem: 'missing' };
  const [head, payload, signature, extra] = match[1].split('.');
  if (!head || !payload || !signature || extra !== undefined) return { problem: 'invalid' };
  const expected = Buffer.from(sign(`${head}.${payload}`));
  const actual = Buffer.from(signature);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { problem: 'invalid' };
  let claims: { oid?: unknown; tid?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return { problem: 'invalid' };
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return { problem: 'expired' };
  return { principal: { objectId: String(claims.oid), tenantId: String(claims.tid) } };
}

function reply(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/**
 * Handles the token endpoint. `principal_id` / `object_id` / `client_id` (a user-assigned identity)
 * choose the token's `oid`, so tests can play several principals; otherwise the fixed default.
 */
export function identityHandler(identityHeader: string): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const secret = request.headers['x-identity-header'];
    if (request.method !== 'GET' || url.pathname !== '/msi/token') return reply(response, 404, { error: 'not_found', error_description: `No route ${request.method} ${url.pathname}` });
    if (secret !== identityHeader) return reply(response, 401, { error: 'invalid_request', error_description: 'X-IDENTITY-HEADER is missing or wrong' });
    if (url.searchParams.get('api-version') !== '2019-08-01') return reply(response, 400, { error: 'invalid_request', error_description: 'api-version must be 2019-08-01' });
    const resource = url.searchParams.get('resource');
    if (!resource) return reply(response, 400, { error: 'invalid_request', error_description: 'resource is required' });
    const objectId = url.searchParams.get('principal_id') ?? url.searchParams.get('object_id') ?? url.searchParams.get('client_id') ?? DEFAULT_PRINCIPAL_ID;
    const token = issueToken(resource, objectId);
    reply(response, 200, { access_token: token.accessToken, expires_on: String(token.expiresOn), resource, token_type: 'Bearer', client_id: objectId });
  };
}
