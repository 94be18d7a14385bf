"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.T0 = void 0;
exports.recordAt = recordAt;
exports.monitorRecord = monitorRecord;
exports.diagnosticsRow = diagnosticsRow;
exports.writeAuditLog = writeAuditLog;
const fs = __importStar(require("node:fs"));
const node_events_1 = require("node:events");
const SUBS = ['22222222-2222-2222-2222-222222222222', '33333333-3333-3333-3333-333333333333'];
const VAULTS = [
    { sub: SUBS[0], rg: 'rg-payments', name: 'kv-payments-prod' },
    { sub: SUBS[0], rg: 'rg-payments', name: 'kv-payments-dr' },
    { sub: SUBS[1], rg: 'rg-orders', name: 'kv-orders-prod' },
];
exports.T0 = Date.parse('2026-11-21T00:00:00Z');
const APP_OIDS = ['3975aeed-7d08-453b-b6f4-445f32698091', '5a5a5a5a-0000-4000-8000-000000000001', '6b6b6b6b-0000-4000-8000-000000000002'];
const DENIED_OID = '7c7c7c7c-0000-4000-8000-000000000003';
const OPERATIONS = ['SecretGet', 'SecretGet', 'SecretGet', 'SecretList', 'KeyUnwrap', 'KeySign', 'SecretSet', 'VaultGet'];
/** The i-th record: a steady 20 requests per second, with a burst at the start of every hour. */
function recordAt(i) {
    const perHour = 72_000 + 4_400;
    const hour = Math.floor(i / perHour);
    const k = i % perHour;
    if (k < 4_400) {
        // The burst: 4,400 SecretGets on kv-payments-prod within one 10 s window; Key Vault throttles past 4,000.
        return { timeMs: exports.T0 + hour * 3_600_000 + 1_000 + Math.floor((k * 9_000) / 4_400), vault: VAULTS[0], operation: 'SecretGet', status: k < 4_000 ? 200 : 429, ip: '10.1.2.10', oid: APP_OIDS[0] };
    }
    const n = k - 4_400;
    const timeMs = exports.T0 + hour * 3_600_000 + 10_000 + Math.floor(n * 50 * (3_590 / 3_600));
    const vault = VAULTS[n % 3];
    if (n % 97 === 0)
        return { timeMs, vault, operation: 'SecretGet', status: 403, ip: '203.0.113.7', oid: APP_OIDS[1] };
    if (n % 89 === 0)
        return { timeMs, vault, operation: 'SecretGet', status: 403, ip: '10.1.2.20', oid: DENIED_OID };
    if (n % 83 === 0)
        return { timeMs, vault, operation: 'Authentication', status: 401, ip: '198.51.100.23', oid: undefined };
    return { timeMs, vault, operation: OPERATIONS[n % OPERATIONS.length], status: 200, ip: `10.1.2.${10 + (n % 3)}`, oid: APP_OIDS[n % 3] };
}
const SIGNATURE = { 200: 'OK', 401: 'Unauthorized', 403: 'Forbidden', 429: 'TooManyRequests' };
function resourceId(v) {
    return `/SUBSCRIPTIONS/${v.sub?.toUpperCase()}/RESOURCEGROUPS/${v.rg.toUpperCase()}/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/${v.name.toUpperCase()}`;
}
function monitorRecord(r) {
    return {
        time: new Date(r.timeMs).toISOString(),
        category: 'AuditEvent',
        operationName: r.operation,
        resultType: r.status < 400 ? 'Success' : 'Failure',
        correlationId: '00000000-0000-4000-8000-000000000000',
        callerIpAddress: r.ip,
        identity: r.oid ? { claim: { oid: r.oid, appid: 'fad7d5b3-69d6-4b48-9259-8d12124e1cf1', 'http://schemas.microsoft.com/identity/claims/objectidentifier': r.oid } } : {},
        properties: { id: `https://${r.vault.name}.vault.azure.net/secrets/db-password`, clientInfo: 'azsdk-net-Security.KeyVault.Secrets/4.6.0', httpStatusCode: r.status, requestUri: `https://${r.vault.name}.vault.azure.net/secrets/db-password?api-version=7.5`, isAccessPolicyMatch: false, tlsVersion: 'TLS1_2' },
        resourceId: resourceId(r.vault),
        operationVersion: '7.5',
        resultSignature: SIGNATURE[r.status],
        durationMs: '12',
    };
}
const CSV_COLUMNS = ['TenantId', 'TimeGenerated [UTC]', 'ResourceId', 'Category', 'ResourceGroup', 'SubscriptionId', 'Resource', 'ResourceType', 'OperationName', 'ResultType', 'CorrelationId', 'ResultSignature', 'ResultDescription', 'DurationMs', 'CallerIPAddress', 'identity_claim_oid_g', 'identity_claim_appid_g', 'requestUri_s', 'httpStatusCode_d', 'clientInfo_s'];
function diagnosticsRow(r) {
    return {
        TenantId: '4b8a0000-0000-4000-8000-00000000aaaa',
        'TimeGenerated [UTC]': new Date(r.timeMs).toISOString(),
        ResourceId: resourceId(r.vault),
        Category: 'AuditEvent',
        ResourceGroup: r.vault.rg.toUpperCase(),
        SubscriptionId: r.vault.sub ?? '',
        Resource: r.vault.name.toUpperCase(),
        ResourceType: 'VAULTS',
        OperationName: r.operation,
        ResultType: r.status < 400 ? 'Success' : 'Failure',
        CorrelationId: '00000000-0000-4000-8000-000000000000',
        ResultSignature: SIGNATURE[r.status] ?? '',
        ResultDescription: r.status === 403 ? 'Client address is not authorized and caller is not a trusted service.' : '',
        DurationMs: 12,
        CallerIPAddress: r.ip,
        identity_claim_oid_g: r.oid ?? '',
        identity_claim_appid_g: r.oid ? 'fad7d5b3-69d6-4b48-9259-8d12124e1cf1' : '',
        requestUri_s: `https://${r.vault.name}.vault.azure.net/secrets/db-password?api-version=7.5`,
        httpStatusCode_d: r.status,
        clientInfo_s: 'azsdk-net-Security.KeyVault.Secrets/4.6.0, "quoted", multi',
    };
}
function csvField(value) {
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
async function writeAuditLog(file, count, shape) {
    const out = fs.createWriteStream(file);
    const write = async (text) => {
        if (!out.write(text))
            await (0, node_events_1.once)(out, 'drain');
    };
    if (shape === 'monitor-records')
        await write('{"records": [\n');
    if (shape === 'diagnostics-json')
        await write('[\n');
    if (shape === 'diagnostics-csv')
        await write(`\uFEFF${CSV_COLUMNS.join(',')}\r\n`);
    let batch = '';
    for (let i = 0; i < count; i++) {
        const r = recordAt(i);
        const sep = i === 0 ? '' : ',\n';
        if (shape === 'monitor-jsonl')
            batch += `${JSON.stringify(monitorRecord(r))}\n`;
        else if (shape === 'monitor-records')
            batch += `${sep}${JSON.stringify(monitorRecord(r))}`;
        else if (shape === 'diagnostics-json')
            batch += `${sep}${JSON.stringify(diagnosticsRow(r))}`;
        else {
            const row = diagnosticsRow(r);
            batch += `${CSV_COLUMNS.map((c) => csvField(row[c] ?? '')).join(',')}\r\n`;
        }
        if (batch.length > 1 << 16) {
            await write(batch);
            batch = '';
        }
    }
    await write(batch);
    if (shape === 'monitor-records')
        await write('\n]}\n');
    if (shape === 'diagnostics-json')
        await write('\n]\n');
    out.end();
    await (0, node_events_1.once)(out, 'finish');
}
