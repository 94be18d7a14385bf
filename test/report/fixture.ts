import { endpointAddresses } from '../../src/checks/access-path';
import { error, fail, pass, skip } from '../../src/engine/result';
import { runRules } from '../../src/engine/run';
import type { PathLink, Rule, RuleMeta, RunResult, Severity } from '../../src/engine/types';
import { healthyPath, modify, spokePath, VAULT_ZONE } from '../../src/fixtures/scenario';
import { buildEstate } from '../../src/model/estate';
import { applySuppressions } from '../../src/gate/suppress';
import type { ReportOptions } from '../../src/report/types';
import { FIXED_NOW } from '../support/rule-tester';

/**
 * The run every report golden is made from: two vaults of the scenario estate through `runRules` at a
 * fixed instant. kv-payments-prod's A record points at a stale address (KV205 fails); kv-orders-prod has
 * purge protection off (KV502 fails, suppressed until 2027) and its diagnostic rule throws (an error, so
 * the run is incomplete). The rules are stand-ins with the catalogue's ids, names and links, so the
 * goldens change only when a reporter does, not whenever a real rule rewords a message.
 */
export const NOW = FIXED_NOW;

const payments = healthyPath({ vaultName: 'kv-payments-prod', resourceGroup: 'rg-payments', spokeOctet: 1 });
const orders = spokePath({ vaultName: 'kv-orders-prod', resourceGroup: 'rg-orders', spokeOctet: 2 });
export const IDS = { payments: payments.ids, orders: orders.ids };

function standIn(
  id: string,
  name: string,
  title: string,
  severity: Severity,
  link: PathLink,
  check: Rule['check'],
): Rule {
  return {
    meta: {
      id,
      name,
      title,
      severity,
      link,
      appliesTo: ['vault', 'managedHsm'],
      remediation: `Fix ${name}: see the rule doc`,
    },
    defaults: {},
    check,
  };
}

export const FIXTURE_RULES: Rule[] = [
  standIn(
    'KV102',
    'private-endpoint-approved',
    'Every private endpoint connection is Approved',
    'error',
    'private-endpoint',
    ({ estate, vault }) =>
      estate.endpointsOf(vault).endpoints.map((e) => pass(e.id, `connection ${e.name} to ${vault.name} is Approved`)),
  ),
  standIn('KV203', 'dns-zone-linked', 'The zone is linked to every caller VNet', 'error', 'dns-link', ({ vault }) => [
    pass(vault.id, `${VAULT_ZONE} is linked to the caller VNet of ${vault.name}`),
  ]),
  standIn(
    'KV205',
    'dns-a-record-ip',
    "The A record's addresses are exactly the endpoint NIC's private IPs",
    'error',
    'dns-record',
    ({ estate, vault }) => {
      const zone = estate.zonesNamed(VAULT_ZONE)[0];
      const record = zone && estate.aRecord(zone.id, vault.name);
      if (!record) return [error(vault.id, `no A record ${vault.name} in ${VAULT_ZONE}`)];
      const nicAddresses = endpointAddresses(estate, estate.endpointsOf(vault).endpoints).addresses;
      const same = record.addresses.join() === nicAddresses.join();
      const text = `A record ${vault.name} points at ${record.addresses.join(', ')}`;
      return [
        same
          ? pass(record.id, text)
          : fail(record.id, `${text}; the private endpoint's NIC has ${nicAddresses.join(', ')}`),
      ];
    },
  ),
  standIn(
    'KV301',
    'firewall-allows-caller',
    'The vault firewall lets the caller in',
    'error',
    'firewall',
    ({ vault }) => [
      pass(
        vault.id,
        `caller <in the endpoint's VNet> reaches ${vault.name} over the private endpoint & "publicNetworkAccess" does not apply`,
      ),
    ],
  ),
  standIn(
    'KV401',
    'token-audience',
    "The caller's token audience is the vault resource",
    'error',
    'identity',
    ({ vault }) => [skip(vault.id, 'no caller token given (--caller-token)')],
  ),
  standIn('KV502', 'purge-protection', 'Purge protection is enabled', 'warning', 'vault', ({ vault }) => [
    vault.enablePurgeProtection === false
      ? fail(vault.id, `${vault.name} has purge protection disabled`)
      : pass(vault.id, `${vault.name} has purge protection enabled`),
  ]),
  standIn('KV503', 'diagnostic-logs', 'An AuditEvent diagnostic setting exists', 'warning', 'vault', ({ vault }) => {
    if (vault.name === 'kv-orders-prod')
      throw new Error('diagnostic settings could not be read (403 AuthorizationFailed)');
    return [pass(vault.id, `${vault.name} sends AuditEvent logs to audit-to-law`)];
  }),
];

export const FIXTURE_RULE_METAS: RuleMeta[] = FIXTURE_RULES.map((r) => r.meta);

export function fixtureResources() {
  let resources = [...payments.resources, ...orders.resources];
  resources = modify(resources, payments.ids.record, (r) => ({
    ...r,
    properties: { ...r.properties, aRecords: [{ ipv4Address: '10.1.1.9' }] },
  }));
  resources = modify(resources, orders.ids.vault, (r) => ({
    ...r,
    properties: { ...r.properties, enablePurgeProtection: false },
  }));
  return resources;
}

/** The raw run (no suppressions), and the same run with the fixture's suppressions applied. */
export function fixtureRun(): RunResult {
  return runRules({
    estate: buildEstate(fixtureResources()),
    rules: FIXTURE_RULES,
    now: NOW,
    notices: [
      {
        level: 'warning',
        message: 'subscription 33333333-3333-3333-3333-333333333333 could not be listed: AuthorizationFailed',
      },
    ],
  });
}

export const FIXTURE_SUPPRESSIONS = [
  {
    ruleId: 'KV502',
    resourceId: '/subscriptions/*/resourceGroups/rg-orders/**',
    reason: 'purge protection is enabled by the platform team in Q1',
    expires: '2027-03-31',
  },
  {
    ruleId: 'dns-a-record-ip',
    resourceId: '**/A/kv-payments-prod',
    reason: 'migration to the new endpoint',
    expires: '2026-11-01',
  },
];

export function fixtureResult(): RunResult {
  return applySuppressions(fixtureRun(), FIXTURE_SUPPRESSIONS, NOW);
}

export const REPORT_OPTIONS: ReportOptions = {
  rules: FIXTURE_RULE_METAS,
  tool: { name: 'kvguard', version: '0.1.0' },
  generatedAt: NOW,
};
