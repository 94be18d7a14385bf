import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TENANT } from './tenant';

/**
 * The managed-identity token endpoint (App Service style, as MSAL calls it when IDENTITY_ENDPOINT and
 * IDENTITY_HEADER are set: `GET {endpoint}?api-version=2019-08-01&resource=...` with `X-IDENTITY-HEADER`;
 * https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference) and
 * the tokens it issues: JWTs for a fixed principal, signed with a per-process key.
 *
 * The key, the endpoint and its header are per process, not per emulator, on purpose: MSAL keeps the
 * managed-identity source it found first (with its endpoint and header) and the tokens it got in static
 * state, so a process that talks to one emulator after another keeps using the first endpoint and tokens.
 */
export const DEFAULT_PRINCIPAL_ID = '3f9e4f5a-7c6b-4b8e-9f1d-2a3b4c5d6e7f';
export const TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
const SIGNING_KEY = randomBytes(32);

export interface Principal {
  objectId: string;
  tenantId: string;
}

/** The claims of a token this process issued, as the emulator's checks read them. */
export interface IssuedClaims {
  aud: string[];
  iss: string;
  oid: string | undefined;
  appid: string | undefined;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function sign(data: string): string {
  return createHmac('sha256', SIGNING_KEY).update(data).digest('base64url');
}

export function issueToken(
  resource: string,
  objectId: string,
  now = Date.now(),
): { accessToken: string; expiresOn: number } {
  const issuedAt = Math.floor(now / 1000);
  const expiresOn = issuedAt + TOKEN_LIFETIME_SECONDS;
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({
      aud: resource,
      iss: `https://sts.windows.net/${TENANT}/`,
      iat: issuedAt,
      nbf: issuedAt,
      exp: expiresOn,
      oid: objectId,
      sub: objectId,
      tid: TENANT,
      idtyp: 'app',
      ver: '1.0',
    }),
  );
  return { accessToken: `${header}.${payload}.${sign(`${header}.${payload}`)}`, expiresOn };
}

export type TokenCheck =
  { principal: Principal; claims: IssuedClaims } | { problem: 'missing' | 'invalid' | 'expired' };

/** Reads `Authorization: Bearer <token>`; only tokens this process issued, unexpired, are accepted. */
export function checkAuthorization(header: string | undefined, now = Date.now()): TokenCheck {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return { problem: 'missing' };
  const [head, payload, signature, extra] = match[1].split('.');
  if (!head || !payload || !signature || extra !== undefined) return { problem: 'invalid' };
  const expected = Buffer.from(sign(`${head}.${payload}`));
  const actual = Buffer.from(signature);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return { problem: 'invalid' };
  let claims: { oid?: unknown; tid?: unknown; exp?: unknown; aud?: unknown; iss?: unknown; appid?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return { problem: 'invalid' };
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return { problem: 'expired' };
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const aud = Array.isArray(claims.aud)
    ? claims.aud.filter((a): a is string => typeof a === 'string')
    : [text(claims.aud)];
  return {
    principal: { objectId: String(claims.oid), tenantId: String(claims.tid) },
    claims: {
      aud: aud.filter((a): a is string => a !== undefined),
      iss: text(claims.iss) ?? '',
      oid: text(claims.oid),
      appid: text(claims.appid),
    },
  };
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
    if (request.method !== 'GET' || url.pathname !== '/msi/token')
      return reply(response, 404, {
        error: 'not_found',
        error_description: `No route ${request.method} ${url.pathname}`,
      });
    if (secret !== identityHeader)
      return reply(response, 401, {
        error: 'invalid_request',
        error_description: 'X-IDENTITY-HEADER is missing or wrong',
      });
    if (url.searchParams.get('api-version') !== '2019-08-01')
      return reply(response, 400, { error: 'invalid_request', error_description: 'api-version must be 2019-08-01' });
    const resource = url.searchParams.get('resource');
    if (!resource) return reply(response, 400, { error: 'invalid_request', error_description: 'resource is required' });
    const objectId =
      url.searchParams.get('principal_id') ??
      url.searchParams.get('object_id') ??
      url.searchParams.get('client_id') ??
      DEFAULT_PRINCIPAL_ID;
    const token = issueToken(resource, objectId);
    reply(response, 200, {
      access_token: token.accessToken,
      expires_on: String(token.expiresOn),
      resource,
      token_type: 'Bearer',
      client_id: objectId,
    });
  };
}

const IDENTITY_HEADER = randomBytes(16).toString('hex');

interface SharedIdentityServer {
  server: Server | undefined;
  port: number;
  users: number;
  starting: Promise<void> | undefined;
}

const shared: SharedIdentityServer = { server: undefined, port: 0, users: 0, starting: undefined };

function listenOn(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function startShared(): Promise<void> {
  const server = createServer(identityHandler(IDENTITY_HEADER));
  try {
    // Back on the port of the previous emulator when possible: MSAL still calls it.
    shared.port = await listenOn(server, shared.port);
  } catch {
    shared.port = await listenOn(server, 0);
  }
  shared.server = server;
}

/** The process's token endpoint, started with the first emulator and closed with the last one. */
export async function acquireIdentityEndpoint(): Promise<{
  endpoint: string;
  header: string;
  release: () => Promise<void>;
}> {
  shared.users += 1;
  if (!shared.server) await (shared.starting ??= startShared().finally(() => (shared.starting = undefined)));
  let released = false;
  return {
    endpoint: `http://127.0.0.1:${shared.port}/msi/token`,
    header: IDENTITY_HEADER,
    release: async () => {
      if (released) return;
      released = true;
      shared.users -= 1;
      const server = shared.server;
      if (shared.users > 0 || !server) return;
      shared.server = undefined;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
