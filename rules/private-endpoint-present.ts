import { plural, privateLinksOf } from '../src/checks/endpoints';
import { fail, pass, skip } from '../src/engine/result';
import type { Rule } from '../src/engine/types';

export interface PrivateEndpointPresentOptions {
  /** Require a private endpoint connection even when public network access is enabled. */
  requireAlways: boolean;
}

/**
 * A vault with public network access disabled is reachable only through a private endpoint: without one,
 * nothing can reach its data plane. Connections count from both ends (the vault's list and endpoints that
 * target it), whatever their state: KV102 and KV103 judge the state.
 * https://learn.microsoft.com/azure/key-vault/general/private-link-diagnostics
 */
export const privateEndpointPresent: Rule<PrivateEndpointPresentOptions> = {
  meta: {
    id: 'KV101',
    name: 'private-endpoint-present',
    title: 'A vault with public network access disabled has a private endpoint connection',
    severity: 'error',
    link: 'private-endpoint',
    appliesTo: ['vault', 'managedHsm'],
    remediation:
      'Create a private endpoint for the vault: az network private-endpoint create --group-id vault --private-connection-resource-id <vault id> ...',
    optionsSchema: {
      type: 'object',
      properties: {
        requireAlways: {
          type: 'boolean',
          description: 'Require a private endpoint connection even when public network access is enabled.',
        },
      },
      additionalProperties: false,
    },
  },
  defaults: { requireAlways: false },
  check({ estate, vault, options }) {
    const links = privateLinksOf(estate, vault);
    if (links.length > 0) {
      const names = links.map((l) => l.endpointName).join(', ');
      return [pass(vault.id, `${vault.name} has ${plural(links.length, 'private endpoint connection')} (${names})`)];
    }
    // An absent publicNetworkAccess means the service default, Enabled.
    const publicAccess = vault.publicNetworkAccess ?? 'Enabled';
    if (publicAccess.toLowerCase() === 'disabled') {
      return [
        fail(
          vault.id,
          `${vault.name} has public network access disabled and no private endpoint connection: nothing can reach it`,
        ),
      ];
    }
    if (options.requireAlways) {
      return [fail(vault.id, `${vault.name} has no private endpoint connection; requireAlways expects at least one`)];
    }
    return [
      skip(
        vault.id,
        `${vault.name} allows public network access (publicNetworkAccess ${publicAccess}) and has no private endpoint connection; set requireAlways to require one`,
      ),
    ];
  },
};
