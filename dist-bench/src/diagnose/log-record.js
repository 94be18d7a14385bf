"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.toLogRecord = toLogRecord;
const SIGNATURE_STATUS = { ok: 200, accepted: 202, nocontent: 204, badrequest: 400, unauthorized: 401, forbidden: 403, notfound: 404, conflict: 409, toomanyrequests: 429, throttled: 429, internalservererror: 500, serviceunavailable: 503 };
const OID_CLAIM = 'http://schemas.microsoft.com/identity/claims/objectidentifier';
function bag(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}
function str(value) {
    if (typeof value === 'string')
        return value.trim() === '' ? undefined : value.trim();
    if (typeof value === 'number' && Number.isFinite(value))
        return String(value);
    return undefined;
}
/** Case-insensitive field access over flat rows (CSV headers such as `TimeGenerated [UTC]`, any casing). */
function flatten(row) {
    const map = new Map();
    for (const [key, value] of Object.entries(row))
        map.set(key.replace(/\s*\[utc\]$/i, '').toLowerCase(), value);
    return map;
}
function statusOf(code, signature) {
    const numeric = typeof code === 'number' ? code : typeof code === 'string' && /^\d{3}(\.0+)?$/.test(code.trim()) ? Number.parseFloat(code) : undefined;
    if (numeric !== undefined && Number.isFinite(numeric))
        return numeric;
    if (!signature)
        return undefined;
    if (/^\d{3}$/.test(signature))
        return Number(signature);
    return SIGNATURE_STATUS[signature.replace(/\s+/g, '').toLowerCase()];
}
function vaultOf(resourceId, resource) {
    const id = resourceId ?? '';
    const name = /\/vaults\/([^/]+)/i.exec(id)?.[1] ?? /\/managedhsms\/([^/]+)/i.exec(id)?.[1] ?? resource ?? '(unknown vault)';
    return { vault: name.toLowerCase(), subscriptionId: /\/subscriptions\/([^/]+)/i.exec(id)?.[1]?.toLowerCase() };
}
function identityLabel(oid, upn, appId) {
    if (oid)
        return `oid ${oid}${upn ? ` (${upn})` : appId ? ` (app ${appId})` : ''}`;
    if (upn)
        return upn;
    return appId ? `app ${appId}` : undefined;
}
function time(value) {
    const text = str(value);
    if (!text)
        return undefined;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
}
/** Normalizes a parsed record; undefined when it is not a Key Vault audit record (no operation name). */
function toLogRecord(raw) {
    const record = bag(raw);
    if (!record)
        return undefined;
    const f = flatten(record);
    const operation = str(f.get('operationname'));
    if (!operation)
        return undefined;
    const properties = bag(f.get('properties'));
    const claim = bag(bag(f.get('identity'))?.claim);
    const { vault, subscriptionId } = vaultOf(str(f.get('resourceid')) ?? str(f.get('_resourceid')), str(f.get('resource')));
    const oid = str(claim?.oid) ?? str(claim?.[OID_CLAIM]) ?? str(f.get('identity_claim_oid_g')) ?? str(f.get('identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g'));
    const upn = str(claim?.upn) ?? str(claim?.['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn']) ?? str(f.get('identity_claim_upn_s'));
    const appId = str(claim?.appid) ?? str(f.get('identity_claim_appid_g'));
    const ip = str(f.get('calleripaddress'))?.replace(/:\d+$/, '');
    return {
        timeMs: time(f.get('time') ?? f.get('timegenerated')),
        vault,
        subscriptionId: subscriptionId ?? str(f.get('subscriptionid'))?.toLowerCase(),
        operation,
        status: statusOf(properties?.httpStatusCode ?? f.get('httpstatuscode_d') ?? f.get('httpstatuscode'), str(f.get('resultsignature'))),
        ip,
        identity: identityLabel(oid, upn, appId),
    };
}
