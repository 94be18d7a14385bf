import { requiredZoneFor } from '../src/checks/access-path';
import { linkTraffic } from '../src/checks/endpoints';
import { skippedRead } from '../src/checks/evidence';
import { error, fail, pass, skip } from '../src/engine/result';
import type { Rule, RuleResult } from '../src/engine/types';
import { parseId } from '../src/model/arm';
import { compareIds, type Estate } from '../src/model/estate';
import type { PrivateEndpoint } from '../src/model/types';

export interface PrivateDnsZoneGroupOptions {
  /** DNS records are written by other means (a central DNS team, Azure Policy DINE in another scope, custom DNS). */
  dnsManagedElsewhere: boolean;
}

/**
 * A DNS zone group makes Azure write (and delete) the endpoint's A record in the private DNS zone, so the
 * record follows the endpoint's NIC. Without one, someone has to keep the record in step by hand; a group
 * that points at a zone of another name writes a record no client asks for.
 * https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration
 */
export const privateDnsZoneGroup: Rule<PrivateDnsZoneGroupOptions> = {
  meta: {
    id: 'KV104',
    name: 'private-dns-zone-group',
    title: 'Each private endpoint has a DNS zone group pointing at the vault zone',
    severity: 'warning',
    link: 'private-endpoint',
    appliesTo: ['vault', 'managedHsm'],
    remediation:
      'Add a DNS zone group: az network private-endpoint dns-zone-group create --endpoint-name <pe> --private-dns-zone <zone id> ...',
    optionsSchema: {
      type: 'object',
      properties: {
        dnsManagedElsewhere: {
          type: 'boolean',
          description: 'DNS records for private endpoints are managed by other means: skip this rule.',
        },
      },
      additionalProperties: false,
    },
  },
  defaults: { dnsManagedElsewhere: false },
  check({ estate, vault, options }) {
    const notRead = skippedRead(estate, 'zone-groups');
    if (notRead) return [skip(vault.id, `${vault.name}: DNS zone groups were not read (${notRead})`)];
    if (options.dnsManagedElsewhere) {
      return [
        skip(vault.id, `${vault.name}: DNS for private endpoints is managed elsewhere (dnsManagedElsewhere is set)`),
      ];
    }
    const traffic = linkTraffic(estate, vault);
    if (traffic.length === 0) return [skip(vault.id, `${vault.name} has no private endpoint`)];
    const required = requiredZoneFor(vault);
    if (!required) {
      const field = vault.kind === 'managedHsm' ? 'hsmUri' : 'vaultUri';
      const found = vault.uri ? `${field} ${vault.uri} matches no known Azure cloud` : `${field} is missing`;
      return [error(vault.id, `${vault.name}: cannot tell which private DNS zone its endpoints need: ${found}`)];
    }
    // A blocked or uncollected connection's zone group is not judged (KV102 / KV103 report its one cause).
    const results = traffic.map((t) =>
      t.kind === 'carries'
        ? zoneGroupOf(estate, t.endpoint, required)
        : skip(t.link.resourceId, t.reason, { connectionId: t.link.resourceId }),
    );
    return results.sort((a, b) => compareIds(a.resourceId, b.resourceId));
  },
};

function zoneGroupOf(estate: Estate, endpoint: PrivateEndpoint, required: string): RuleResult {
  const groups = estate.zoneGroupsOf(endpoint.id);
  if (groups.length === 0) {
    return fail(
      endpoint.id,
      `private endpoint ${endpoint.name} has no DNS zone group; expected one pointing at ${required}`,
    );
  }
  const configs = groups.flatMap((group) =>
    group.configs.map((config) => ({ group, zoneId: config.privateDnsZoneId })),
  );
  const match = configs.find((c) => c.zoneId !== undefined && zoneNameOf(c.zoneId) === required);
  if (match?.zoneId) {
    return pass(
      endpoint.id,
      `private endpoint ${endpoint.name} has DNS zone group ${match.group.name} pointing at ${required} (${match.zoneId})`,
    );
  }
  const zones = configs.flatMap((c) => (c.zoneId ? [zoneNameOf(c.zoneId)] : []));
  const groupNames = groups.map((g) => g.name).join(', ');
  const found = zones.length > 0 ? `points at ${[...new Set(zones)].sort().join(', ')}` : 'points at no zone';
  return fail(
    endpoint.id,
    `private endpoint ${endpoint.name} has DNS zone group ${groupNames} that ${found}; expected ${required}`,
  );
}

/** Zone names are DNS names: compare them lower-cased. The id carries the name even when the zone is out of scope. */
function zoneNameOf(zoneId: string): string {
  return parseId(zoneId).name.toLowerCase();
}
