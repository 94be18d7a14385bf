import { defaultActionOf, isPublicAccessDisabled, publicAccessLabel } from '../src/checks/firewall';
import { fail, pass } from '../src/engine/result';
import type { Rule } from '../src/engine/types';

/**
 * A vault should not accept traffic from every public address: either public network access is Disabled
 * or the firewall denies by default and admits named IPs and subnets. PSRule Azure.KeyVault.Firewall,
 * Checkov CKV_AZURE_109.
 * https://learn.microsoft.com/azure/key-vault/general/network-security
 */
export const firewallDefaultDeny: Rule = {
  meta: {
    id: 'KV302',
    name: 'firewall-default-deny',
    title: 'Public network access is restricted',
    severity: 'warning',
    link: 'firewall',
    appliesTo: ['vault', 'managedHsm'],
    scope: 'vault',
    fix: { 'properties.networkAcls.defaultAction': 'Deny' },
    remediation:
      'Deny public traffic by default: az keyvault update --name <vault> --default-action Deny (or --public-network-access Disabled)',
  },
  defaults: {},
  check({ vault }) {
    if (isPublicAccessDisabled(vault)) {
      return [pass(vault.id, `${vault.name} has publicNetworkAccess Disabled`)];
    }
    if (defaultActionOf(vault) === 'Deny') {
      return [pass(vault.id, `${vault.name} denies public traffic by default (networkAcls.defaultAction is Deny)`)];
    }
    // Without networkAcls the service applies defaultAction Allow.
    const acls = vault.networkAcls ? 'networkAcls.defaultAction is Allow' : 'no networkAcls (defaultAction Allow)';
    return [
      fail(
        vault.id,
        `${vault.name} accepts traffic from any public address: publicNetworkAccess is ${publicAccessLabel(vault)} and ${acls}; expected publicNetworkAccess Disabled or defaultAction Deny`,
      ),
    ];
  },
};
