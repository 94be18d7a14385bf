import { parseId } from '../model/arm';
import { operationForDataAction, parseOperation } from '../model/operations';
import type { ErrorResponse } from './error-response';

/**
 * What a Key Vault error response means, which kvguard rules check the link that failed, for which caller,
 * and the command lines that run them. Texts follow Microsoft's error reference and troubleshooting guides:
 * https://learn.microsoft.com/azure/key-vault/general/rest-error-codes
 * https://learn.microsoft.com/azure/key-vault/general/network-security
 * https://learn.microsoft.com/azure/key-vault/general/overview-throttling
 */
export type ErrorKind =
  | 'ForbiddenByFirewall'
  | 'ForbiddenByConnection'
  | 'ForbiddenByPolicy'
  | 'ForbiddenByRbac'
  | 'InvalidIssuer'
  | 'InvalidAudience'
  | 'MissingToken'
  | 'Unauthenticated'
  | 'Throttled'
  | 'Unrecognized';

export interface CallerClues {
  ip?: string;
  objectId?: string;
  appId?: string;
  tenantId?: string;
}

export interface Diagnosis {
  kind: ErrorKind;
  status: number | undefined;
  code: string | undefined;
  innerCode: string | undefined;
  summary: string;
  meaning: string[];
  rules: string[];
  caller: CallerClues;
  vault: string | undefined;
  subscriptionId: string | undefined;
  operation: string | undefined;
  /** Tenants the vault accepts and the one the token came from (AKV10032). */
  tenants?: { expected: string[]; found: string | undefined };
  retryAfterSeconds?: number;
  commands: string[];
}

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const IPV4 = '\\d{1,3}(?:\\.\\d{1,3}){3}';

export const FIREWALL_TEXT = 'Client address is not authorized and caller is not a trusted service';

export function diagnoseError(response: ErrorResponse): Diagnosis {
  const message = response.message;
  const kind = classify(response);
  const caller = callerClues(response);
  const resource = /Resource:\s*'([^']+)'/i.exec(message)?.[1];
  const vault =
    /Vault:\s*([^;\s]+)/i.exec(message)?.[1] ??
    /key vault '([^;']+)/i.exec(message)?.[1] ??
    (resource ? vaultFromResource(resource) : undefined) ??
    vaultFromUri(response);
  const subscriptionId = resource ? parseId(resource).subscriptionId : undefined;
  const operation = operationOf(message);
  const base: Diagnosis = {
    kind,
    status: response.status,
    code: response.code,
    innerCode: response.innerCode,
    summary: '',
    meaning: [],
    rules: [],
    caller,
    vault,
    subscriptionId,
    operation,
    commands: [],
  };
  return explain(base, response);
}

function classify(response: ErrorResponse): ErrorKind {
  const inner = response.innerCode?.toLowerCase();
  const message = response.message.toLowerCase();
  if (inner === 'forbiddenbyfirewall' || message.includes(FIREWALL_TEXT.toLowerCase())) return 'ForbiddenByFirewall';
  if (
    inner === 'forbiddenbyconnection' ||
    message.includes('not an approved private link') ||
    message.includes('public network access is disabled')
  )
    return 'ForbiddenByConnection';
  if (
    inner === 'forbiddenbyrbac' ||
    (message.includes('caller is not authorized to perform action') && message.includes('action:'))
  )
    return 'ForbiddenByRbac';
  if (inner === 'forbiddenbypolicy' || /does not have [a-z]+ [a-z]+ permission on key vault/.test(message))
    return 'ForbiddenByPolicy';
  if (message.includes('akv10032') || message.includes('invalid issuer')) return 'InvalidIssuer';
  if (message.includes('akv10022') || message.includes('invalid audience')) return 'InvalidAudience';
  if (message.includes('akv10000') || message.includes('missing a bearer')) return 'MissingToken';
  if (response.status === 429 || response.code?.toLowerCase() === 'throttled') return 'Throttled';
  if (response.status === 401) return 'Unauthenticated';
  return 'Unrecognized';
}

function callerClues(response: ErrorResponse): CallerClues {
  const message = response.message;
  const clues: CallerClues = {};
  // Key Vault names the client address in the message and in x-ms-keyvault-network-info (addr=...).
  const ip =
    new RegExp(`Client address[:\\s(]+(${IPV4})`, 'i').exec(message)?.[1] ??
    new RegExp(`addr=(${IPV4})`, 'i').exec(response.headers['x-ms-keyvault-network-info'] ?? '')?.[1];
  if (ip) clues.ip = ip;
  const oid = new RegExp(`oid=(${GUID})`, 'i').exec(message)?.[1];
  if (oid) clues.objectId = oid;
  const appId = new RegExp(`appid=(${GUID})`, 'i').exec(message)?.[1];
  if (appId) clues.appId = appId;
  const tenant =
    new RegExp(`iss=https://[^/]+/(${GUID})`, 'i').exec(message)?.[1] ??
    new RegExp(`authorization="https://[^/]+/(${GUID})`, 'i').exec(response.headers['www-authenticate'] ?? '')?.[1];
  if (tenant) clues.tenantId = tenant;
  return clues;
}

function operationOf(message: string): string | undefined {
  const action = /Action:\s*'([^']+)'/i.exec(message)?.[1];
  if (action) return operationForDataAction(action)?.name;
  const policy = /does not have (secrets|keys|certificates) ([A-Za-z]+) permission/i.exec(message);
  return policy ? parseOperation(`${policy[1]}/${policy[2]}`)?.name : undefined;
}

function vaultFromResource(resource: string): string | undefined {
  return /\/vaults\/([^/]+)/i.exec(resource)?.[1];
}

function vaultFromUri(response: ErrorResponse): string | undefined {
  const resource = /resource="https:\/\/([^.]+)\.vault\./i.exec(response.headers['www-authenticate'] ?? '');
  return resource?.[1];
}

/**
 * `kvguard audit` for the vault the error names: live with `--subscription S --vault V` when the error names
 * the subscription, else on a snapshot (audited whole), with the caller flags.
 */
function auditCommand(d: Diagnosis, callerFlags: string[]): string {
  const source = d.subscriptionId
    ? [`--subscription ${d.subscriptionId}`, `--vault ${d.vault ?? '<vault name>'}`]
    : ['--snapshot <estate.json>'];
  return ['kvguard audit', ...source, ...callerFlags].join(' ');
}

/** The caller identity and the operation go through the config file (audit has no identity flags). */
function identityCommands(d: Diagnosis): string[] {
  const config = {
    caller: { identity: { objectId: d.caller.objectId ?? '<object id>' } },
    rules: { KV404: { options: { operation: d.operation ?? 'secrets/get' } } },
  };
  return [`echo '${JSON.stringify(config)}' > kvguard.config.json`, auditCommand(d, ['--config kvguard.config.json'])];
}

function tokenCommand(d: Diagnosis): string {
  const source = d.subscriptionId ? `--subscription ${d.subscriptionId}` : '--snapshot <estate.json>';
  return `kvguard token explain ${source} --vault ${d.vault ?? '<vault name>'} --file <token.txt>`;
}

function explain(d: Diagnosis, response: ErrorResponse): Diagnosis {
  const who = d.caller.ip
    ? `client address ${d.caller.ip}`
    : 'the client address (see "Client address" in the full error)';
  switch (d.kind) {
    case 'ForbiddenByFirewall':
      d.summary = `403 ForbiddenByFirewall: the vault firewall refused ${who}`;
      d.meaning = [
        `"${FIREWALL_TEXT}": the request reached the vault's public endpoint, and neither an IP rule, a virtual network rule nor the trusted-services bypass admits it.`,
        'A private IP in the message means the request came through a service endpoint or a private endpoint the firewall does not admit; a public IP from inside a VNet usually means DNS resolved the public name instead of the private endpoint.',
        'App Service and most PaaS outbound addresses are not "trusted services"; add their outbound IPs or use a private endpoint.',
      ];
      d.rules = [
        'KV301 firewall-allows-caller',
        'KV201-KV205 (DNS: does the caller resolve the private endpoint?)',
        'KV302 firewall-default-deny',
      ];
      d.commands = [auditCommand(d, [`--caller-ip ${d.caller.ip ?? '<client address>'}`])];
      return d;
    case 'ForbiddenByConnection':
      d.summary =
        '403 ForbiddenByConnection: public network access is disabled and the request did not come through an approved private endpoint';
      d.meaning = [
        'With publicNetworkAccess Disabled, only approved private endpoint connections (and trusted services when bypass is AzureServices) reach the vault.',
        'The request came over the public endpoint: either the caller resolved the vault name to its public address (private DNS zone missing, not linked to the caller VNet, or no A record), or its private endpoint connection is not Approved.',
      ];
      d.rules = [
        'KV101 private-endpoint-present',
        'KV102 private-endpoint-approved',
        'KV203 dns-zone-linked',
        'KV204 dns-a-record-present',
        'KV205 dns-a-record-ip',
        'KV301 firewall-allows-caller',
      ];
      d.commands = [
        auditCommand(d, d.caller.ip ? [`--caller-ip ${d.caller.ip}`] : ['--caller-subnet <caller subnet id>']),
      ];
      return d;
    case 'ForbiddenByPolicy':
      d.summary = `403 ForbiddenByPolicy: the vault uses access policies and none grants ${d.operation ?? 'the operation'} to the caller`;
      d.meaning = [
        "The caller got through the network and authenticated; its identity lacks the permission in the vault's access policies.",
        'Often the application runs under another identity than the one the policy names (a user-assigned vs system-assigned identity, or the application id typed where the object id belongs).',
        "Group membership is not visible through ARM: pass the caller's group ids if access should come through a group. A new policy can take a few minutes to apply.",
      ];
      d.rules = ['KV404 caller-data-permission'];
      d.commands = identityCommands(d);
      return d;
    case 'ForbiddenByRbac':
      d.summary = `403 ForbiddenByRbac: no role assignment grants ${d.operation ?? 'the data action'} to the caller on the vault`;
      d.meaning = [
        'The vault uses the Azure RBAC permission model; the caller needs a data-plane role (Key Vault Secrets User, Crypto User, ...) at the vault or a scope above it. Owner and Key Vault Contributor grant no data actions.',
        'Role assignments take up to 10 minutes to apply (longer through groups for managed identities); "Assignment: (not found)" in the error means none matched.',
      ];
      d.rules = ['KV404 caller-data-permission', 'KV405 rbac-authorization'];
      d.commands = identityCommands(d);
      return d;
    case 'InvalidIssuer': {
      const expected = [...response.message.matchAll(new RegExp(`https://[^/\\s,]+/(${GUID})/?`, 'gi'))];
      const found = /found\s+https:\/\/[^/\s]+\/([0-9a-f-]{36})/i.exec(response.message)?.[1];
      d.tenants = {
        expected: [...new Set(expected.map((m) => m[1] ?? '').filter((t) => t !== '' && t !== found))],
        found,
      };
      d.summary = `401 AKV10032 Invalid issuer: the token comes from tenant ${found ?? '(see "found")'}, not the vault's tenant`;
      d.meaning = [
        'The vault trusts tokens from its own tenant only. The caller signed in to another directory, or the vault (or its subscription) moved to another tenant.',
        `Get the token from the vault's tenant${d.tenants.expected[0] ? ` (az login --tenant ${d.tenants.expected[0]})` : ''}; after a tenant move, update the vault's tenantId and access policies.`,
      ];
      d.rules = ['KV403 token-tenant'];
      d.commands = [tokenCommand(d)];
      return d;
    }
    case 'InvalidAudience':
      d.summary = '401 Invalid audience: the token was issued for another resource';
      d.meaning = [
        "Key Vault accepts tokens for https://vault.azure.net (no trailing slash; the sovereign clouds' equivalents). A token for https://management.azure.com/ is the classic mistake.",
      ];
      d.rules = ['KV401 token-audience'];
      d.commands = [tokenCommand(d)];
      return d;
    case 'MissingToken':
      d.summary = '401 AKV10000: the request carried no bearer token';
      d.meaning = [
        "This is the first leg of Key Vault's challenge: the SDKs send an unauthenticated request, read WWW-Authenticate (authorization and resource) and retry with a token. Seen alone, it proves the network path to the vault works.",
        'If the client never retries, it failed to get a token: check its credential (managed identity, environment variables, az login).',
      ];
      d.rules = ['KV401 token-audience', 'KV402 token-lifetime', 'KV403 token-tenant'];
      d.commands = [tokenCommand(d)];
      return d;
    case 'Unauthenticated':
      d.summary = `401 ${response.code ?? 'Unauthorized'}: Key Vault rejected the token`;
      d.meaning = [
        'The token is missing, expired, for another resource or from another tenant. Decode it locally to see which.',
      ];
      d.rules = ['KV401 token-audience', 'KV402 token-lifetime', 'KV403 token-tenant'];
      d.commands = [tokenCommand(d)];
      return d;
    case 'Throttled': {
      const retry = Number(response.headers['retry-after']);
      if (Number.isFinite(retry) && retry >= 0) d.retryAfterSeconds = retry;
      d.summary = `429 Throttled: the vault${d.vault ? ` ${d.vault}` : ''} exceeded its transaction limit`;
      d.meaning = [
        "Limits are per vault and region, per 10 seconds: 4,000 transactions for secrets and software RSA 2,048-bit key operations, 300 secret creations, 20 software (10 HSM) key creations, fewer for larger HSM keys; the subscription allows 5x a vault's limit.",
        `Retry after ${d.retryAfterSeconds !== undefined ? `${d.retryAfterSeconds} s (Retry-After)` : 'the Retry-After delay'}, with exponential backoff (1, 2, 4, 8, 16 s).`,
        'Remedies (throttling guide): cache secrets in the application, use one client per vault, back off exponentially, wrap/unwrap a local data key instead of encrypting every item, split load across vaults.',
      ];
      d.rules = [];
      d.commands = ['kvguard diagnose --logs <AuditEvent export>'];
      return d;
    }
    default:
      d.summary =
        `${response.status ?? 'unknown status'} ${response.code ?? ''}${response.innerCode ? ` (${response.innerCode})` : ''}: not an error kvguard recognizes`.replace(
          /\s+:/,
          ':',
        );
      d.meaning = [
        'kvguard knows 401 (AKV10000, AKV10022, AKV10032), 403 (ForbiddenByFirewall, ForbiddenByConnection, ForbiddenByPolicy, ForbiddenByRbac) and 429.',
      ];
      d.commands = [auditCommand(d, [])];
      return d;
  }
}
