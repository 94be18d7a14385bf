/**
 * One Key Vault AuditEvent record, whatever the export: the Azure Monitor resource-log shape (`time`,
 * `resourceId`, `operationName`, `resultSignature`, `callerIpAddress`, `identity.claim.*`,
 * `properties.httpStatusCode`) or a Log Analytics `AzureDiagnostics` row (`TimeGenerated`, `ResourceId` /
 * `Resource`, `OperationName`, `ResultSignature`, `httpStatusCode_d`, `CallerIPAddress`, `identity_claim_*`).
 * https://learn.microsoft.com/azure/key-vault/general/logging
 */
export interface LogRecord {
  timeMs: number | undefined;
  /** Vault name, lower-cased. */
  vault: string;
  subscriptionId: string | undefined;
  operation: string;
  status: number | undefined;
  ip: string | undefined;
  /** `oid 3975… (upn)` or `app fad7…`, or undefined for unauthenticated requests. */
  identity: string | undefined;
}

// A Map: a signature is user input, and `constructor` or `__proto__` must not find Object's own members.
const SIGNATURE_STATUS = new Map<string, number>(
  Object.entries({
    ok: 200,
    accepted: 202,
    nocontent: 204,
    badrequest: 400,
    unauthorized: 401,
    forbidden: 403,
    notfound: 404,
    conflict: 409,
    toomanyrequests: 429,
    throttled: 429,
    internalservererror: 500,
    serviceunavailable: 503,
  }),
);
const OID_CLAIM = 'http://schemas.microsoft.com/identity/claims/objectidentifier';

type Bag = Record<string, unknown>;

function bag(value: unknown): Bag | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Bag) : undefined;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Case-insensitive field access over flat rows (CSV headers such as `TimeGenerated [UTC]`, any casing). */
function flatten(row: Bag): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const [key, value] of Object.entries(row)) map.set(key.replace(/\s*\[utc\]$/i, '').toLowerCase(), value);
  return map;
}

function statusOf(code: unknown, signature: string | undefined): number | undefined {
  const numeric =
    typeof code === 'number'
      ? code
      : typeof code === 'string' && /^\d{3}(\.0+)?$/.test(code.trim())
        ? Number.parseFloat(code)
        : undefined;
  if (numeric !== undefined && Number.isFinite(numeric)) return numeric;
  if (!signature) return undefined;
  if (/^\d{3}$/.test(signature)) return Number(signature);
  return SIGNATURE_STATUS.get(signature.replace(/\s+/g, '').toLowerCase());
}

function vaultOf(
  resourceId: string | undefined,
  resource: string | undefined,
): { vault: string; subscriptionId: string | undefined } {
  const id = resourceId ?? '';
  const name =
    /\/vaults\/([^/]+)/i.exec(id)?.[1] ?? /\/managedhsms\/([^/]+)/i.exec(id)?.[1] ?? resource ?? '(unknown vault)';
  return { vault: name.toLowerCase(), subscriptionId: /\/subscriptions\/([^/]+)/i.exec(id)?.[1]?.toLowerCase() };
}

function identityLabel(
  oid: string | undefined,
  upn: string | undefined,
  appId: string | undefined,
): string | undefined {
  if (oid) return `oid ${oid}${upn ? ` (${upn})` : appId ? ` (app ${appId})` : ''}`;
  if (upn) return upn;
  return appId ? `app ${appId}` : undefined;
}

function time(value: unknown): number | undefined {
  const text = str(value);
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Normalizes a parsed record; undefined when it is not a Key Vault audit record (no operation name). */
export function toLogRecord(raw: unknown): LogRecord | undefined {
  const record = bag(raw);
  if (!record) return undefined;
  const f = flatten(record);
  const operation = str(f.get('operationname'));
  if (!operation) return undefined;
  const properties = bag(f.get('properties'));
  const claim = bag(bag(f.get('identity'))?.claim);
  const { vault, subscriptionId } = vaultOf(
    str(f.get('resourceid')) ?? str(f.get('_resourceid')),
    str(f.get('resource')),
  );
  const oid =
    str(claim?.oid) ??
    str(claim?.[OID_CLAIM]) ??
    str(f.get('identity_claim_oid_g')) ??
    str(f.get('identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g'));
  const upn =
    str(claim?.upn) ??
    str(claim?.['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn']) ??
    str(f.get('identity_claim_upn_s'));
  const appId = str(claim?.appid) ?? str(f.get('identity_claim_appid_g'));
  const ip = str(f.get('calleripaddress'))?.replace(/:\d+$/, '');
  return {
    timeMs: time(f.get('time') ?? f.get('timegenerated')),
    vault,
    subscriptionId: subscriptionId ?? str(f.get('subscriptionid'))?.toLowerCase(),
    operation,
    status: statusOf(
      properties?.httpStatusCode ?? f.get('httpstatuscode_d') ?? f.get('httpstatuscode'),
      str(f.get('resultsignature')),
    ),
    ip,
    identity: identityLabel(oid, upn, appId),
  };
}
