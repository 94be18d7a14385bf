import { skippedRead } from '../src/checks/evidence';
import { nameOf } from '../src/checks/firewall';
import { fail, pass, skip } from '../src/engine/result';
import type { Rule } from '../src/engine/types';
import { compareIds } from '../src/model/estate';
import type { DiagnosticSetting } from '../src/model/types';

/**
 * Key Vault records who called, from where and with what result only in its AuditEvent logs; the 403
 * troubleshooting guide's first step is to turn them on. A setting qualifies when it is enabled for the
 * AuditEvent category (or the audit / allLogs group that holds it) and sends the logs somewhere.
 * https://learn.microsoft.com/azure/key-vault/general/logging
 */
export const diagnosticLogs: Rule = {
  meta: {
    id: 'KV503',
    name: 'diagnostic-logs',
    title: 'AuditEvent logs are sent to a destination',
    severity: 'warning',
    link: 'vault',
    appliesTo: ['vault', 'managedHsm'],
    remediation:
      'Send audit logs: az monitor diagnostic-settings create --name audit --resource <vault id> --workspace <workspace id> --logs \'[{"categoryGroup":"audit","enabled":true}]\'',
  },
  defaults: {},
  check({ estate, vault }) {
    const notRead = skippedRead(estate, 'diagnostic-settings');
    if (notRead) return [skip(vault.id, `${vault.name}: diagnostic settings were not read (${notRead})`)];
    const settings = [...estate.diagnosticSettingsOf(vault.id)].sort((a, b) => compareIds(a.id, b.id));
    const expected =
      'expected one that sends AuditEvent logs (category AuditEvent, or group audit or allLogs) to a destination';
    if (settings.length === 0) return [fail(vault.id, `${vault.name} has no diagnostic setting; ${expected}`)];
    const sending = settings.filter((s) => auditEntry(s) !== undefined && destinationsOf(s).length > 0);
    if (sending.length > 0) {
      return sending.map((s) =>
        pass(
          s.id,
          `diagnostic setting ${s.name} sends ${vault.name}'s AuditEvent logs (${auditEntry(s) ?? ''}) to ${destinationsOf(s).join(', ')}`,
        ),
      );
    }
    const found = settings.map((s) => `${s.name} ${shortfall(s)}`).join('; ');
    return [
      fail(
        vault.id,
        `${vault.name} has no diagnostic setting that sends AuditEvent logs to a destination (${found}); ${expected}`,
      ),
    ];
  },
};

const AUDIT_CATEGORY = 'auditevent';
const AUDIT_GROUPS = ['audit', 'alllogs'];

/** The enabled log entry that carries AuditEvent, quoted as `category X` or `categoryGroup X`. */
function auditEntry(setting: DiagnosticSetting): string | undefined {
  for (const log of setting.logs) {
    if (!log.enabled) continue;
    if (log.category?.toLowerCase() === AUDIT_CATEGORY) return `category ${log.category}`;
    if (log.categoryGroup && AUDIT_GROUPS.includes(log.categoryGroup.toLowerCase()))
      return `categoryGroup ${log.categoryGroup}`;
  }
  return undefined;
}

function destinationsOf(setting: DiagnosticSetting): string[] {
  const d = setting.destinations;
  const out: string[] = [];
  if (d.workspaceId) out.push(`Log Analytics workspace ${nameOf(d.workspaceId)}`);
  if (d.storageAccountId) out.push(`storage account ${nameOf(d.storageAccountId)}`);
  if (d.eventHubAuthorizationRuleId)
    out.push(
      `event hub namespace ${nameOf(d.eventHubAuthorizationRuleId.replace(/\/authorizationrules\/[^/]+$/i, ''))}`,
    );
  if (d.marketplacePartnerId) out.push(`partner solution ${nameOf(d.marketplacePartnerId)}`);
  return out;
}

/** What a setting lacks, for the failure message. */
function shortfall(setting: DiagnosticSetting): string {
  const missing: string[] = [];
  if (auditEntry(setting) === undefined) {
    const disabled = setting.logs.some(
      (l) =>
        !l.enabled &&
        (l.category?.toLowerCase() === AUDIT_CATEGORY || AUDIT_GROUPS.includes(l.categoryGroup?.toLowerCase() ?? '')),
    );
    missing.push(disabled ? 'has its audit logs disabled' : 'does not include AuditEvent');
  }
  if (destinationsOf(setting).length === 0) missing.push('has no destination');
  return missing.join(' and ');
}
