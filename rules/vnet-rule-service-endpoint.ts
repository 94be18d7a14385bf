import { keyVaultServiceEndpoint } from '../src/checks/firewall';
import { error, fail, pass, skip } from '../src/engine/result';
import type { Rule, RuleResult } from '../src/engine/types';
import { Estate, compareIds } from '../src/model/estate';
import type { Vault, VirtualNetworkRule } from '../src/model/types';

/**
 * A virtual network rule admits a subnet's traffic only when the subnet has the Microsoft.KeyVault service
 * endpoint: without it the subnet's traffic leaves from a public address the rule does not match.
 * `ignoreMissingVnetServiceEndpoint` only lets ARM accept such a rule; it does not make it work.
 * https://learn.microsoft.com/azure/key-vault/general/overview-vnet-service-endpoints
 */
export const vnetRuleServiceEndpoint: Rule = {
  meta: {
    id: 'KV304',
    name: 'vnet-rule-service-endpoint',
    title: 'Every subnet in virtualNetworkRules has the Microsoft.KeyVault service endpoint',
    severity: 'error',
    link: 'firewall',
    appliesTo: ['vault', 'managedHsm'],
    remediation:
      'Add the service endpoint: az network vnet subnet update --ids <subnet id> --service-endpoints Microsoft.KeyVault',
  },
  defaults: {},
  check({ estate, vault }) {
    const rules = [...(vault.networkAcls?.virtualNetworkRules ?? [])].sort((a, b) => compareIds(a.id, b.id));
    if (rules.length === 0) return [skip(vault.id, `${vault.name} has no virtualNetworkRules`)];
    return rules.map((rule) => checkRule(estate, vault, rule));
  },
};

function checkRule(estate: Estate, vault: Vault, rule: VirtualNetworkRule): RuleResult {
  const subnet = estate.subnets.get(rule.id);
  if (!subnet) {
    return error(
      rule.id,
      `subnet ${rule.id} in ${vault.name}'s virtualNetworkRules is not in the audited scope; its service endpoints cannot be checked`,
    );
  }
  const state = keyVaultServiceEndpoint(subnet);
  if (state.kind === 'ready') {
    return pass(
      subnet.id,
      `subnet ${subnet.name} in ${vault.name}'s virtualNetworkRules has the Microsoft.KeyVault service endpoint`,
    );
  }
  const found =
    state.kind === 'missing'
      ? `has no Microsoft.KeyVault service endpoint (service endpoints: ${subnet.serviceEndpoints.map((se) => se.service).join(', ') || 'none'})`
      : `has the Microsoft.KeyVault service endpoint in provisioningState ${state.endpoint.provisioningState ?? ''}, not Succeeded`;
  const flag = rule.ignoreMissingVnetServiceEndpoint
    ? '; ignoreMissingVnetServiceEndpoint is true, which only lets ARM accept the rule'
    : '';
  return fail(
    subnet.id,
    `subnet ${subnet.name} in ${vault.name}'s virtualNetworkRules ${found}, so the rule admits none of its traffic${flag}`,
  );
}
