import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ipInAnyRange } from './addresses';
import { asObject, asString, type ArmResource, type JsonObject } from './json';
import {
  EMULATED_CLOUDS as CLOUDS,
  EMULATED_CLOUD_NAMES as CLOUD_NAMES,
  dataPlaneAudience,
  issuersFor,
  type EmulatedCloud as CloudName,
  type VaultKind,
} from './clouds';
import { checkAuthorization } from './identity';
import type { ResourceStore } from './store';

/**
 * The Key Vault data plane, as much as `kvguard probe` needs: a vault is chosen by the Host header (or SNI),
 * `{name}.vault.azure.net` or `{name}.privatelink.vaultcore.azure.net` (and the managed HSM and sovereign
 * cloud names). Without a token: 401 with Key Vault's challenge (authority of the vault's tenant, resource of
 * its cloud). With a token issued by the emulator's identity endpoint: Key Vault's audience (AKV10022) and
 * issuer (AKV10032) checks, then the network checks, then `{value: [], nextLink: null}` for the lists.
 *
 * The emulator has no VNets, so every request arrives on the vault's public endpoint from the socket's
 * address: publicNetworkAccess Disabled gives 403 ForbiddenByConnection, networkAcls defaultAction Deny
 * without an ipRule for the address 403 ForbiddenByFirewall, both with the service's messages.
 * https://learn.microsoft.com/azure/key-vault/general/authentication-requests-and-responses
 * https://learn.microsoft.com/azure/key-vault/general/rest-error-codes
 */
export const DATA_PLANE_API_VERSIONS = ['7.0', '7.1', '7.2', '7.3', '7.4', '7.5', '7.6', '2025-07-01'];
const LIST_PATHS = new Set(['/secrets', '/keys', '/certificates']);

/** Certificate names the data-plane listener answers for, in every cloud (the CA signs them at start). */
export function dataPlaneHostNames(): string[] {
  return CLOUD_NAMES.flatMap((name) => {
    const cloud = CLOUDS[name];
    return [cloud.vaultSuffix, cloud.vaultZone, cloud.managedHsmSuffix, cloud.managedHsmZone].map(
      (suffix) => `*.${suffix}`,
    );
  });
}

export interface DataPlaneHost {
  name: string;
  kind: VaultKind;
  cloud: CloudName;
}

/** `kv1.vault.azure.net[:443]` → { name: 'kv1', kind: 'vault', cloud: 'AzureCloud' }; undefined for any other host. */
export function parseDataPlaneHost(host: string | undefined): DataPlaneHost | undefined {
  const hostname = (host ?? '').toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  for (const name of CLOUD_NAMES) {
    const cloud = CLOUDS[name];
    const suffixes: [string, VaultKind][] = [
      [cloud.vaultSuffix, 'vault'],
      [cloud.vaultZone, 'vault'],
      [cloud.managedHsmSuffix, 'managedHsm'],
      [cloud.managedHsmZone, 'managedHsm'],
    ];
    for (const [suffix, kind] of suffixes) {
      const label = hostname.endsWith(`.${suffix}`) ? hostname.slice(0, -suffix.length - 1) : '';
      // `kv1.privatelink.vaultcore.azure.net` must not be read as vault `kv1.privatelink` of another suffix.
      if (/^[a-z0-9-]+$/.test(label)) return { name: label, kind, cloud: name };
    }
  }
  return undefined;
}

const VAULT_TYPES: Record<VaultKind, string> = {
  vault: 'microsoft.keyvault/vaults',
  managedHsm: 'microsoft.keyvault/managedhsms',
};

function findVault(store: ResourceStore, host: DataPlaneHost): ArmResource | undefined {
  return store.all().find((r) => r.type.toLowerCase() === VAULT_TYPES[host.kind] && r.name.toLowerCase() === host.name);
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

function keyVaultError(status: number, code: string, message: string, innerCode?: string): Reply {
  return { status, body: { error: { code, message, ...(innerCode ? { innererror: { code: innerCode } } : {}) } } };
}

function clientAddress(request: IncomingMessage): string {
  return (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

export function dataPlaneHandler(store: ResourceStore): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    let reply: Reply;
    try {
      reply = answer(store, request);
    } catch (error) {
      reply = keyVaultError(500, 'InternalServerError', String(error));
    }
    const address = clientAddress(request);
    const text = JSON.stringify(reply.body);
    response.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      'x-ms-request-id': randomUUID(),
      'x-ms-keyvault-service-version': '1.9.0.0',
      'x-ms-keyvault-network-info': `conn_type=Ipv4;addr=${address};act_addr_fam=InterNetwork;`,
      ...reply.headers,
    });
    response.end(text);
  };
}

function answer(store: ResourceStore, request: IncomingMessage): Reply {
  const servername = (request.socket as TLSSocket).servername;
  const host = parseDataPlaneHost(request.headers.host ?? (typeof servername === 'string' ? servername : undefined));
  const vault = host ? findVault(store, host) : undefined;
  if (!host || !vault)
    return keyVaultError(404, 'NotFound', `No vault answers at host '${request.headers.host ?? ''}'.`);
  const properties = asObject(vault.properties) ?? {};
  const tenantId = asString(properties.tenantId) ?? '';
  const audience = dataPlaneAudience(host.cloud, host.kind);
  const url = new URL(request.url ?? '/', 'https://data-plane.invalid');
  const token = checkAuthorization(request.headers.authorization);
  if ('problem' in token) {
    const message =
      token.problem === 'missing'
        ? 'AKV10000: Request is missing a Bearer or PoP token.'
        : token.problem === 'expired'
          ? 'AKV10020: Invalid token. The token is expired.'
          : 'AKV10021: Invalid token. The token signature is not valid.';
    return {
      ...keyVaultError(401, 'Unauthorized', message),
      headers: {
        'www-authenticate': `Bearer authorization="${CLOUDS[host.cloud].authorityHost}/${tenantId}", resource="${audience}"`,
      },
    };
  }
  const claims = token.claims;
  if (!claims.aud.includes(audience))
    return keyVaultError(
      401,
      'Unauthorized',
      `AKV10022: Invalid audience. Expected ${audience}, found: ${claims.aud.join(', ')}.`,
    );
  const issuers = issuersFor(host.cloud, tenantId);
  if (!issuers.some((issuer) => issuer.toLowerCase() === claims.iss.toLowerCase()))
    return keyVaultError(
      401,
      'Unauthorized',
      `AKV10032: Invalid issuer. Expected one of ${issuers.join(', ')}, found ${claims.iss}.`,
    );
  const caller = `appid=${claims.appid ?? claims.oid ?? ''};oid=${claims.oid ?? ''};iss=${claims.iss}`;
  const where = `${vault.name};location=${vault.location ?? ''}`;
  const denied = networkDenial(properties, clientAddress(request), caller, where);
  if (denied) return denied;
  if (!url.searchParams.get('api-version'))
    return keyVaultError(400, 'BadParameter', 'The request is missing the api-version query parameter.');
  if (request.method === 'GET' && LIST_PATHS.has(url.pathname.replace(/\/+$/, '')))
    return { status: 200, body: { value: [], nextLink: null } };
  return keyVaultError(
    404,
    'NotFound',
    `The emulator's data plane serves GET /secrets, /keys and /certificates only, not ${request.method ?? 'GET'} ${url.pathname}.`,
  );
}

/** The vault firewall for a request that arrives on the public endpoint (the only one the emulator has). */
function networkDenial(properties: JsonObject, address: string, caller: string, where: string): Reply | undefined {
  if ((asString(properties.publicNetworkAccess) ?? 'Enabled').toLowerCase() === 'disabled') {
    return keyVaultError(
      403,
      'Forbidden',
      `Public network access is disabled and request is not from a trusted service nor via an approved private link.\r\nCaller: ${caller}\r\nVault: ${where}`,
      'ForbiddenByConnection',
    );
  }
  const acls = asObject(properties.networkAcls);
  if (!acls || (asString(acls.defaultAction) ?? 'Allow').toLowerCase() !== 'deny') return undefined;
  const rules = (Array.isArray(acls.ipRules) ? acls.ipRules : []).map((rule) => asString(asObject(rule)?.value) ?? '');
  if (ipInAnyRange(address, rules)) return undefined;
  return keyVaultError(
    403,
    'Forbidden',
    `Client address is not authorized and caller is not a trusted service.\r\nClient address: ${address}\r\nCaller: ${caller}\r\nVault: ${where}`,
    'ForbiddenByFirewall',
  );
}

/**
 * Starts the data-plane listener on 127.0.0.1 with a certificate for every vault host name, signed by the
 * emulator's CA (so a client that trusts the ARM endpoint trusts this one too).
 */
export async function startDataPlane(
  store: ResourceStore,
  ca: { certPem: string; keyPem: string },
): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const selfsigned = await import('selfsigned');
  const certificate = await selfsigned.generate([{ name: 'commonName', value: 'vault.azure.net' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.keyPem, cert: ca.certPem },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...dataPlaneHostNames().map((value) => ({ type: 2 as const, value })),
          { type: 7 as const, ip: '127.0.0.1' },
          { type: 2 as const, value: 'localhost' },
        ],
      },
    ],
  });
  const server = createServer({ key: certificate.private, cert: certificate.cert }, dataPlaneHandler(store));
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  return {
    endpoint: `https://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
