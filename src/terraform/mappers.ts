import { keyVault, keyVaultAccessPolicy } from './azurerm-keyvault';
import { privateEndpoint } from './azurerm-endpoint';
import { privateDnsARecord, privateDnsZone, privateDnsZoneLink } from './azurerm-dns';
import {
  networkSecurityGroup,
  networkSecurityRule,
  peering,
  routeResource,
  routeTable,
  subnet,
  subnetNsgAssociation,
  subnetRouteTableAssociation,
  virtualNetworkDnsServers,
  virtualNetwork,
} from './azurerm-network';
import {
  azapiResource,
  resourceGroup,
  diagnosticSetting,
  dnsResolver,
  forwardingRule,
  forwardingRuleset,
  inboundEndpoint,
  outboundEndpoint,
  roleAssignment,
  rulesetVnetLink,
} from './azurerm-other';
import { azureFirewall, firewallPolicy, hubConnection, hubRouteTable, virtualHub, virtualWan } from './azurerm-hub';
import type { TerraformInstance } from './document';
import type { Mapper } from './mapper';

/**
 * Every Terraform type kvguard reads, managed resources and data sources (`data.` prefix). A data source has
 * the managed resource's attribute names where kvguard reads them, so it maps the same way; what a data source
 * cannot show (records in a zone, a connection's state) is left unseen by the mapper (it is never "created").
 */
export const MAPPERS: Readonly<Record<string, Mapper>> = {
  azurerm_key_vault: keyVault,
  'data.azurerm_key_vault': keyVault,
  azurerm_key_vault_access_policy: keyVaultAccessPolicy,
  azurerm_private_endpoint: privateEndpoint,
  azurerm_private_dns_zone: privateDnsZone,
  'data.azurerm_private_dns_zone': privateDnsZone,
  azurerm_private_dns_zone_virtual_network_link: privateDnsZoneLink,
  azurerm_private_dns_a_record: privateDnsARecord,
  'data.azurerm_private_dns_a_record': privateDnsARecord,
  azurerm_virtual_network: virtualNetwork,
  'data.azurerm_virtual_network': virtualNetwork,
  azurerm_subnet: subnet,
  'data.azurerm_subnet': subnet,
  azurerm_virtual_network_peering: peering,
  azurerm_virtual_network_dns_servers: virtualNetworkDnsServers,
  azurerm_route_table: routeTable,
  azurerm_route: routeResource,
  azurerm_subnet_route_table_association: subnetRouteTableAssociation,
  azurerm_network_security_group: networkSecurityGroup,
  azurerm_network_security_rule: networkSecurityRule,
  azurerm_subnet_network_security_group_association: subnetNsgAssociation,
  azurerm_private_dns_resolver: dnsResolver,
  azurerm_private_dns_resolver_inbound_endpoint: inboundEndpoint,
  azurerm_private_dns_resolver_outbound_endpoint: outboundEndpoint,
  azurerm_private_dns_resolver_dns_forwarding_ruleset: forwardingRuleset,
  azurerm_private_dns_resolver_forwarding_rule: forwardingRule,
  azurerm_private_dns_resolver_virtual_network_link: rulesetVnetLink,
  azurerm_firewall: azureFirewall,
  azurerm_firewall_policy: firewallPolicy,
  azurerm_virtual_wan: virtualWan,
  azurerm_virtual_hub: virtualHub,
  azurerm_virtual_hub_connection: hubConnection,
  azurerm_virtual_hub_route_table: hubRouteTable,
  azurerm_role_assignment: roleAssignment,
  azurerm_monitor_diagnostic_setting: diagnosticSetting,
  azurerm_resource_group: resourceGroup,
  'data.azurerm_resource_group': resourceGroup,
  azapi_resource: azapiResource,
  'data.azapi_resource': azapiResource,
};

/** Types that carry nothing on the access path: read without a word (a resource group, the client config). */
export const QUIET_TYPES = new Set(['data.azurerm_client_config', 'data.azurerm_subscription']);

export function mapperKey(instance: TerraformInstance): string {
  return instance.mode === 'data' ? `data.${instance.type}` : instance.type;
}
