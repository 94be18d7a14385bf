import { privateLinksOf } from '../src/checks/endpoints';
import { isPublicAccessDisabled, publicAccessLabel } from '../src/checks/firewall';
import { fail, pass, skip } from '../src/engine/result';
import type { Rule } from '../src/engine/types';

/**
 * Once a vault has a private endpoint, its public endpoint is only an extra way in: Azure Policy 405c5871
 * ("Azure Key Vault should disable public network access") asks for publicNetworkAccess Disabled, which
 * also makes the firewall rules moot.
 * https://learn.microsoft.com/azure/key-vault/general/private-link-service
 */
export const publicAccessDisabled: Rule = {
  meta: {
    id: 'KV303',
    name: 'public-access-disabled',
    title: 'A vault with a private endpoint has public network access Disabled',
    severity: 'error',
    link: 'firewall',
    appliesTo: ['vault', 'managedHsm'],
    remediation: 'Disable public network access: az keyvault update --name <vault> --public-network-access Disabled',
  },
  defaults: {},
  check({ estate, vault }) {
    const links = privateLinksOf(estate, vault);
    if (links.length === 0) return [skip(vault.id, `${vault.name} has no private endpoint`)];
    const endpoints = links.map((l) => l.endpointName).join(', ');
    if (isPublicAccessDisabled(vault)) {
      return [pass(vault.id, `${vault.name} has private endpoint ${endpoints} and publicNetworkAccess Disabled`)];
    }
    return [
      fail(
        vault.id,
        `${vault.name} has private endpoint ${endpoints} but publicNetworkAccess is ${publicAccessLabel(vault)}; expected Disabled so traffic only comes through the endpoint`,
      ),
    ];
  },
};
