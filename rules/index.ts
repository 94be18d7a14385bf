import { findRule as findRuleIn } from '../src/engine/rule-lookup';
import type { Rule } from '../src/engine/types';
import { diagnosticLogs } from './diagnostic-logs';
import { callerDataPermission } from './caller-data-permission';
import { dnsARecordIp } from './dns-a-record-ip';
import { dnsARecordPresent } from './dns-a-record-present';
import { dnsZoneLinked } from './dns-zone-linked';
import { dnsZoneName } from './dns-zone-name';
import { dnsZonePresent } from './dns-zone-present';
import { firewallAllowsCaller } from './firewall-allows-caller';
import { firewallDefaultDeny } from './firewall-default-deny';
import { privateDnsZoneGroup } from './private-dns-zone-group';
import { privateEndpointApproved } from './private-endpoint-approved';
import { privateEndpointPresent } from './private-endpoint-present';
import { privateEndpointProvisioned } from './private-endpoint-provisioned';
import { publicAccessDisabled } from './public-access-disabled';
import { purgeProtection } from './purge-protection';
import { rbacAuthorization } from './rbac-authorization';
import { softDelete } from './soft-delete';
import { tokenAudience } from './token-audience';
import { tokenLifetime } from './token-lifetime';
import { tokenTenant } from './token-tenant';
import { vnetRuleServiceEndpoint } from './vnet-rule-service-endpoint';

/**
 * The explicit registry of rules, sorted by id (ESLint's lib/rules/index.js habit). The parity test fails
 * when a rule file, its doc, its test and this list disagree.
 */
export const RULES: readonly Rule<object>[] = [
  privateEndpointPresent, // KV101
  privateEndpointApproved, // KV102
  privateEndpointProvisioned, // KV103
  privateDnsZoneGroup, // KV104
  dnsZoneName, // KV201
  dnsZonePresent, // KV202
  dnsZoneLinked, // KV203
  dnsARecordPresent, // KV204
  dnsARecordIp, // KV205
  firewallAllowsCaller, // KV301
  firewallDefaultDeny, // KV302
  publicAccessDisabled, // KV303
  vnetRuleServiceEndpoint, // KV304
  tokenAudience, // KV401
  tokenLifetime, // KV402
  tokenTenant, // KV403
  callerDataPermission, // KV404
  rbacAuthorization, // KV405
  softDelete, // KV501
  purgeProtection, // KV502
  diagnosticLogs, // KV503
] as readonly Rule<object>[];

/** The rule `idOrName` names (id or name, any case: src/engine/rule-lookup.ts). */
export function findRule(idOrName: string): Rule<object> | undefined {
  return findRuleIn(RULES, idOrName);
}
