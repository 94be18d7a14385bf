import { PrivateLink, isSucceeded, privateLinksOf, trafficOf } from '../src/checks/endpoints';
import { scopeToAdd } from '../src/checks/evidence';
import { error, fail, pass, skip } from '../src/engine/result';
import type { Rule, RuleResult } from '../src/engine/types';
import { parseId } from '../src/model/arm';
import { compareIds, type Estate } from '../src/model/estate';
import type { Vault } from '../src/model/types';

/**
 * An endpoint or connection whose provisioningState is not Succeeded (Failed, Updating, Deleting) does not
 * carry traffic reliably, even when the connection is Approved: the troubleshooting guide checks both. A
 * provisioned endpoint also has the network interface Azure creates for it, holding the private IP the
 * vault's A record must point at; that NIC is the path's next link, reported on the NIC's id.
 * https://learn.microsoft.com/azure/key-vault/general/private-link-diagnostics
 */
export const privateEndpointProvisioned: Rule = {
  meta: {
    id: 'KV103',
    name: 'private-endpoint-provisioned',
    title:
      "Private endpoints and their connections are provisioned (Succeeded) and each endpoint's NIC holds a private IP",
    severity: 'error',
    link: 'private-endpoint',
    appliesTo: ['vault', 'managedHsm'],
    remediation:
      'Find the failed operation in the activity log, fix its cause and redeploy the private endpoint (or delete and recreate it).',
  },
  defaults: {},
  check({ estate, vault }) {
    const links = privateLinksOf(estate, vault);
    if (links.length === 0) return [skip(vault.id, `${vault.name} has no private endpoint connection`)];
    return links.flatMap((link) => {
      const traffic = trafficOf(estate, link);
      // Behind a refused connection nothing is provisioned for traffic: KV102 reports the one cause.
      if (traffic.kind === 'blocked') return [skip(link.resourceId, traffic.reason)];
      return [provisioningOf(estate, link, vault), ...networkInterfacesOf(estate, link, vault)];
    });
  },
};

/** The endpoint's NICs: each must be in the estate and hold a private IP (none when the endpoint is out of scope). */
function networkInterfacesOf(estate: Estate, link: PrivateLink, vault: Vault): RuleResult[] {
  const endpoint = link.endpoint;
  if (!endpoint) return [];
  const { nics, missing } = estate.nicsOf(endpoint);
  if (nics.length === 0 && missing.length === 0) {
    return [
      fail(
        endpoint.id,
        `private endpoint ${endpoint.name} to ${vault.name} has no network interface; Azure creates one when the endpoint is provisioned`,
      ),
    ];
  }
  const results = missing.map((id) =>
    error(
      id,
      `network interface ${parseId(id).name} of private endpoint ${endpoint.name} was not collected, so its private IP cannot be read: ${scopeToAdd(estate, id)}`,
    ),
  );
  for (const nic of nics) {
    const addresses = nic.ipConfigurations.map((c) => c.privateIPAddress).filter((a): a is string => a !== undefined);
    results.push(
      addresses.length > 0
        ? pass(
            nic.id,
            `network interface ${nic.name} of private endpoint ${endpoint.name} holds ${addresses.join(', ')}`,
          )
        : fail(
            nic.id,
            `network interface ${nic.name} of private endpoint ${endpoint.name} holds no private IP address`,
          ),
    );
  }
  return results.sort((a, b) => compareIds(a.resourceId, b.resourceId));
}

function provisioningOf(estate: Estate, link: PrivateLink, vault: Vault): RuleResult {
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
    const traffic = trafficOf(estate, link);
    const reason =
      traffic.kind === 'not-collected' ? traffic.reason : `private endpoint ${link.endpointId} was not collected`;
    const evidence = { connectionId: link.resourceId, endpointId: link.endpointId };
    // Unreadable (another tenant's, a managed endpoint): not judged. Not collected: the run is incomplete.
    return traffic.kind === 'not-collected' && traffic.unreadable
      ? skip(link.resourceId, `${subject}: ${reason}`, evidence)
      : error(link.resourceId, `${subject}: provisioningState cannot be read: ${reason}`, evidence);
  }
  if (reported.length === 0) {
    return error(
      link.resourceId,
      `${subject} reports no provisioningState for the endpoint or its connection; expected Succeeded`,
    );
  }
  return pass(link.resourceId, `${subject} is provisioned (${reported.map((r) => r.part).join(', ')}: Succeeded)`);
}
