import { PrivateLink, isSucceeded, privateLinksOf } from '../src/checks/endpoints';
import { error, fail, pass, skip } from '../src/engine/result';
import type { Rule, RuleResult } from '../src/engine/types';
import type { Vault } from '../src/model/types';

/**
 * An endpoint or connection whose provisioningState is not Succeeded (Failed, Updating, Deleting) does not
 * carry traffic reliably, even when the connection is Approved: the troubleshooting guide checks both.
 * https://learn.microsoft.com/azure/key-vault/general/private-link-diagnostics
 */
export const privateEndpointProvisioned: Rule = {
  meta: {
    id: 'KV103',
    name: 'private-endpoint-provisioned',
    title: 'Private endpoints and their connections are provisioned (Succeeded)',
    severity: 'error',
    link: 'private-endpoint',
    appliesTo: ['vault', 'managedHsm'],
    remediation: 'Find the failed operation in the activity log, fix its cause and redeploy the private endpoint (or delete and recreate it).',
  },
  defaults: {},
  check({ estate, vault }) {
    const links = privateLinksOf(estate, vault);
    if (links.length === 0) return [skip(vault.id, `${vault.name} has no private endpoint connection`)];
    return links.map((link) => provisioningOf(link, vault));
  },
};

function provisioningOf(link: PrivateLink, vault: Vault): RuleResult {
  const subject = `private endpoint ${link.endpointName} to ${vault.name}`;
  const reported = [
    { part: 'endpoint', state: link.endpoint?.provisioningState },
    { part: "vault's connection", state: link.vaultConnection?.provisioningState },
    { part: "endpoint's connection", state: link.endpointConnection?.provisioningState },
  ].filter((r): r is { part: string; state: string } => r.state !== undefined);
  const failed = reported.filter((r) => !isSucceeded(r.state));
  if (failed.length > 0) {
    const found = failed.map((r) => `${r.part} is ${r.state}`).join(', ');
    return fail(link.resourceId, `${subject} is not provisioned: ${found}; expected Succeeded`);
  }
  if (!link.endpoint) {
    return error(link.resourceId, `${subject}: the endpoint ${link.endpointId} is not in the audited scope, so its provisioningState cannot be read`);
  }
  if (reported.length === 0) {
    return error(link.resourceId, `${subject} reports no provisioningState for the endpoint or its connection; expected Succeeded`);
  }
  return pass(link.resourceId, `${subject} is provisioned (${reported.map((r) => r.part).join(', ')}: Succeeded)`);
}
