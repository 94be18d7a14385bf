import * as fs from 'node:fs';
import { once } from 'node:events';

/**
 * Writes a realistic Key Vault AuditEvent log of N records, streamed to disk (never built in memory):
 * three vaults in two subscriptions, mostly 200s from a few app identities, a steady trickle of 403s from
 * one public address (firewall) and one identity (RBAC), 401s from an expired-token client, and one
 * throttling burst per hour on the busiest vault (4,400 requests in one 10-second window, the last 400 of
 * them answered 429). Deterministic for a given N and shape.
 */
export type LogShape = 'monitor-jsonl' | 'monitor-records' | 'diagnostics-csv' | 'diagnostics-json';

const SUBS = ['22222222-2222-2222-2222-222222222222', '33333333-3333-3333-3333-333333333333'];
const VAULTS = [
  { sub: SUBS[0], rg: 'rg-payments', name: 'kv-payments-prod' },
  { sub: SUBS[0], rg: 'rg-payments', name: 'kv-payments-dr' },
  { sub: SUBS[1], rg: 'rg-orders', name: 'kv-orders-prod' },
];
export const T0 = Date.parse('2026-11-21T00:00:00Z');
const APP_OIDS = [
  '3975aeed-7d08-453b-b6f4-445f32698091',
  '5a5a5a5a-0000-4000-8000-000000000001',
  '6b6b6b6b-0000-4000-8000-000000000002',
];
const DENIED_OID = '7c7c7c7c-0000-4000-8000-000000000003';
const OPERATIONS = [
  'SecretGet',
  'SecretGet',
  'SecretGet',
  'SecretList',
  'KeyUnwrap',
  'KeySign',
  'SecretSet',
  'VaultGet',
];

export interface GeneratedRecord {
  timeMs: number;
  vault: (typeof VAULTS)[number];
  operation: string;
  status: number;
  ip: string;
  oid: string | undefined;
}

/** The i-th record: a steady 20 requests per second, with a burst at the start of every hour. */
export function recordAt(i: number): GeneratedRecord {
  const perHour = 72_000 + 4_400;
  const hour = Math.floor(i / perHour);
  const k = i % perHour;
  if (k < 4_400) {
    // The burst: 4,400 SecretGets on kv-payments-prod within one 10 s window; Key Vault throttles past 4,000.
    return {
      timeMs: T0 + hour * 3_600_000 + 1_000 + Math.floor((k * 9_000) / 4_400),
      vault: VAULTS[0]!,
      operation: 'SecretGet',
      status: k < 4_000 ? 200 : 429,
      ip: '10.1.2.10',
      oid: APP_OIDS[0],
    };
  }
  const n = k - 4_400;
  const timeMs = T0 + hour * 3_600_000 + 10_000 + Math.floor(n * 50 * (3_590 / 3_600));
  const vault = VAULTS[n % 3]!;
  if (n % 97 === 0) return { timeMs, vault, operation: 'SecretGet', status: 403, ip: '203.0.113.7', oid: APP_OIDS[1] };
  if (n % 89 === 0) return { timeMs, vault, operation: 'SecretGet', status: 403, ip: '10.1.2.20', oid: DENIED_OID };
  if (n % 83 === 0)
    return { timeMs, vault, operation: 'Authentication', status: 401, ip: '198.51.100.23', oid: undefined };
  return {
    timeMs,
    vault,
    operation: OPERATIONS[n % OPERATIONS.length]!,
    status: 200,
    ip: `10.1.2.${10 + (n % 3)}`,
    oid: APP_OIDS[n % 3],
  };
}

const SIGNATURE: Record<number, string> = { 200: 'OK', 401: 'Unauthorized', 403: 'Forbidden', 429: 'TooManyRequests' };

function resourceId(v: GeneratedRecord['vault']): string {
  return `/SUBSCRIPTIONS/${v.sub?.toUpperCase()}/RESOURCEGROUPS/${v.rg.toUpperCase()}/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/${v.name.toUpperCase()}`;
}

export function monitorRecord(r: GeneratedRecord): object {
  return {
    time: new Date(r.timeMs).toISOString(),
    category: 'AuditEvent',
    operationName: r.operation,
    resultType: r.status < 400 ? 'Success' : 'Failure',
    correlationId: '00000000-0000-4000-8000-000000000000',
    callerIpAddress: r.ip,
    identity: r.oid
      ? {
          claim: {
            oid: r.oid,
            appid: 'fad7d5b3-69d6-4b48-9259-8d12124e1cf1',
            'http://schemas.microsoft.com/identity/claims/objectidentifier': r.oid,
          },
        }
      : {},
    properties: {
      id: `https://${r.vault.name}.vault.azure.net/secrets/db-password`,
      clientInfo: 'azsdk-net-Security.KeyVault.Secrets/4.6.0',
      httpStatusCode: r.status,
      requestUri: `https://${r.vault.name}.vault.azure.net/secrets/db-password?api-version=7.5`,
      isAccessPolicyMatch: false,
      tlsVersion: 'TLS1_2',
    },
    resourceId: resourceId(r.vault),
    operationVersion: '7.5',
    resultSignature: SIGNATURE[r.status],
    durationMs: '12',
  };
}

const CSV_COLUMNS = [
  'TenantId',
  'TimeGenerated [UTC]',
  'ResourceId',
  'Category',
  'ResourceGroup',
  'SubscriptionId',
  'Resource',
  'ResourceType',
  'OperationName',
  'ResultType',
  'CorrelationId',
  'ResultSignature',
  'ResultDescription',
  'DurationMs',
  'CallerIPAddress',
  'identity_claim_oid_g',
  'identity_claim_appid_g',
  'requestUri_s',
  'httpStatusCode_d',
  'clientInfo_s',
];

export function diagnosticsRow(r: GeneratedRecord): Record<string, string | number> {
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

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export async function writeAuditLog(file: string, count: number, shape: LogShape): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  if (shape === 'monitor-records') await write('{"records": [\n');
  if (shape === 'diagnostics-json') await write('[\n');
  if (shape === 'diagnostics-csv') await write(`\uFEFF${CSV_COLUMNS.join(',')}\r\n`);
  let batch = '';
  for (let i = 0; i < count; i++) {
    const r = recordAt(i);
    const sep = i === 0 ? '' : ',\n';
    if (shape === 'monitor-jsonl') batch += `${JSON.stringify(monitorRecord(r))}\n`;
    else if (shape === 'monitor-records') batch += `${sep}${JSON.stringify(monitorRecord(r))}`;
    else if (shape === 'diagnostics-json') batch += `${sep}${JSON.stringify(diagnosticsRow(r))}`;
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
  if (shape === 'monitor-records') await write('\n]}\n');
  if (shape === 'diagnostics-json') await write('\n]\n');
  out.end();
  await once(out, 'finish');
}
