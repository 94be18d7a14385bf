import { diagnosticLogs } from '../../rules/diagnostic-logs';
import * as arm from '../../src/fixtures/arm-factory';
import { healthyPath, modify, remove } from '../../src/fixtures/scenario';
import type { ArmResource } from '../../src/model/arm';
import { ruleTester } from '../support/rule-tester';

const path = healthyPath();
const vaultId = path.ids.vault;
const settingId = path.ids.diagnosticSetting;
const withoutSetting = remove(path.resources, settingId);
const withSetting = (...settings: ArmResource[]) => [...withoutSetting, ...settings];
/** The factory always writes a workspace; this setting archives to a storage account instead. */
const toStorage = (setting: ArmResource): ArmResource => {
  const { workspaceId: _workspace, ...properties } = setting.properties ?? {};
  return {
    ...setting,
    properties: {
      ...properties,
      storageAccountId: `${vaultId.split('/').slice(0, 5).join('/')}/providers/Microsoft.Storage/storageAccounts/stlogs`,
    },
  };
};
const EXPECTED =
  'expected one that sends AuditEvent logs (category AuditEvent, or group audit or allLogs) to a destination';

ruleTester(diagnosticLogs, [
  {
    name: 'diagnostic settings left out of a live read (--skip-reads): skipped, not a false fail',
    resources: path.resources,
    skippedReads: ['diagnostic-settings'],
    expected: [
      {
        outcome: 'skipped',
        resourceId: path.ids.vault,
        message: 'kv-payments-prod: diagnostic settings were not read (--skip-reads diagnostic-settings)',
      },
    ],
  },
  {
    name: 'audit category group to a workspace',
    resources: path.resources,
    expected: [
      {
        outcome: 'pass',
        resourceId: settingId,
        message:
          "diagnostic setting audit-to-law sends kv-payments-prod's AuditEvent logs (categoryGroup audit) to Log Analytics workspace logs",
      },
    ],
  },
  {
    name: 'AuditEvent category and allLogs group, in id order',
    resources: withSetting(
      arm.diagnosticSetting(vaultId, 'z-all', [{ categoryGroup: 'allLogs' }]),
      toStorage(arm.diagnosticSetting(vaultId, 'a-audit', [{ category: 'AuditEvent' }])),
    ),
    expected: [
      {
        outcome: 'pass',
        resourceId: `${vaultId}/providers/Microsoft.Insights/diagnosticSettings/a-audit`,
        message:
          "diagnostic setting a-audit sends kv-payments-prod's AuditEvent logs (category AuditEvent) to storage account stlogs",
      },
      {
        outcome: 'pass',
        resourceId: `${vaultId}/providers/Microsoft.Insights/diagnosticSettings/z-all`,
        message:
          "diagnostic setting z-all sends kv-payments-prod's AuditEvent logs (categoryGroup allLogs) to Log Analytics workspace logs",
      },
    ],
  },
  {
    name: 'no diagnostic setting',
    resources: withoutSetting,
    expected: [
      { outcome: 'fail', resourceId: vaultId, message: `kv-payments-prod has no diagnostic setting; ${EXPECTED}` },
    ],
  },
  {
    name: 'audit logs disabled',
    resources: withSetting(
      arm.diagnosticSetting(vaultId, 'audit-to-law', [{ categoryGroup: 'audit', enabled: false }]),
    ),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `kv-payments-prod has no diagnostic setting that sends AuditEvent logs to a destination (audit-to-law has its audit logs disabled); ${EXPECTED}`,
      },
    ],
  },
  {
    name: 'another category and a setting with no destination',
    resources: modify(
      withSetting(
        arm.diagnosticSetting(vaultId, 'policy-only', [{ category: 'AzurePolicyEvaluationDetails' }]),
        arm.diagnosticSetting(vaultId, 'audit-nowhere', [{ category: 'AuditEvent' }]),
      ),
      `${vaultId}/providers/Microsoft.Insights/diagnosticSettings/audit-nowhere`,
      (s) => {
        delete s.properties?.workspaceId;
        return s;
      },
    ),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `kv-payments-prod has no diagnostic setting that sends AuditEvent logs to a destination (audit-nowhere has no destination; policy-only does not include AuditEvent); ${EXPECTED}`,
      },
    ],
  },
]);
