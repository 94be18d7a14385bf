import { isApproved } from '../src/checks/access-path';
import { PrivateLink, describeState, privateLinksOf } from '../src/checks/endpoints';
import { error, fail, pass, skip } from '../src/engine/result';
import type { Rule, RuleResult } from '../src/engine/types';
import type { ConnectionState, Vault } from '../src/model/types';

/**
 * A private endpoint carries traffic only once its connection is Approved. A manual connection stays
 * Pending until the vault's owner approves it; Rejected and Disconnected are the owner's refusal or
 * removal, and the endpoint stops working. The state is read from both ends: the vault's connection and
 * the endpoint's own (a manual connection shows Pending on the endpoint before the vault lists it).
 * https://learn.microsoft.com/azure/private-link/manage-private-endpoint
 */
export const privateEndpointApproved: Rule = {
  meta: {
    id: 'KV102',
    name: 'private-endpoint-approved',
    title: 'Every private endpoint connection is Approved',
    severity: 'error',
    link: 'private-endpoint',
    appliesTo: ['vault', 'managedHsm'],
    remediation:
      'Approve the connection on the vault: az keyvault private-endpoint-connection approve --id <connection id>',
  },
  defaults: {},
  check({ estate, vault }) {
    const links = privateLinksOf(estate, vault);
    if (links.length === 0) return [skip(vault.id, `${vault.name} has no private endpoint connection`)];
    return links.map((link) => approvalOf(link, vault));
  },
};

/** What the vault's owner has to do for each state (Private Link's provider actions). */
const FIX_BY_STATUS: Readonly<Record<string, string>> = {
  pending: 'approve it on the vault',
  rejected:
    "the vault's owner rejected it: approve it on the vault, or delete the endpoint and request a new connection",
  disconnected: "the vault's owner removed it: delete the endpoint and create a new one",
};

function approvalOf(link: PrivateLink, vault: Vault): RuleResult {
  const subject = `connection ${link.endpointName} to ${vault.name}`;
  const states = [link.vaultConnection?.state, link.endpointConnection?.state].filter(
    (s): s is ConnectionState => s !== undefined && s.status !== '',
  );
  const [first] = states;
  if (first === undefined) {
    return error(
      link.resourceId,
      `${subject} reports no connection state (privateLinkServiceConnectionState); expected Approved`,
    );
  }
  // Either side not Approved fails. The vault's side comes first (its owner decides); the endpoint's side
  // catches a manual request the vault does not list yet.
  const refused = states.find((s) => !isApproved(s.status));
  if (refused) {
    const fix = FIX_BY_STATUS[refused.status.toLowerCase()] ?? 'expected Approved';
    return fail(link.resourceId, `${subject} is ${describeState(refused)}: ${fix}`);
  }
  return pass(link.resourceId, `${subject} is ${describeState(first)}`);
}
