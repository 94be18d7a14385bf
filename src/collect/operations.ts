/**
 * Names ARM requests by operation (`KeyVault.vaults.listBySubscription`) from their method and URL, so
 * a pipeline policy can count them whatever SDK sent them, next pages and retries included (a nextLink
 * keeps the list's path). Names follow the SDK operation that issues the request.
 */
const SUB = '/subscriptions/[^/]+';
const RG = `${SUB}/resourcegroups/[^/]+`;
const NAME = '[^/]+';

const OPERATIONS: readonly { pattern: RegExp; name: string; method?: string }[] = [
  { pattern: /^\/providers\/microsoft\.resourcegraph\/resources$/, name: 'ResourceGraph.resources', method: 'POST' },
  { pattern: new RegExp(`^${SUB}/providers/microsoft\\.keyvault/vaults$`), name: 'KeyVault.vaults.listBySubscription' },
  { pattern: new RegExp(`^${RG}/providers/microsoft\\.keyvault/vaults$`), name: 'KeyVault.vaults.listByResourceGroup' },
  { pattern: new RegExp(`^${RG}/providers/microsoft\\.keyvault/vaults/${NAME}$`), name: 'KeyVault.vaults.get' },
  {
    pattern: new RegExp(`^${SUB}/providers/microsoft\\.keyvault/managedhsms$`),
    name: 'KeyVault.managedHsms.listBySubscription',
  },
  {
    pattern: new RegExp(`^${RG}/providers/microsoft\\.keyvault/managedhsms/${NAME}$`),
    name: 'KeyVault.managedHsms.get',
  },
  {
    pattern: new RegExp(`^${SUB}/providers/microsoft\\.network/privateendpoints$`),
    name: 'Network.privateEndpoints.listBySubscription',
  },
  {
    pattern: new RegExp(`^${RG}/providers/microsoft\\.network/privateendpoints/${NAME}$`),
    name: 'Network.privateEndpoints.get',
  },
  {
    pattern: new RegExp(`^${RG}/providers/microsoft\\.network/privateendpoints/${NAME}/privatednszonegroups$`),
    name: 'Network.privateDnsZoneGroups.list',
  },
  {
    pattern: new RegExp(`^${SUB}/providers/microsoft\\.network/networkinterfaces$`),
    name: 'Network.networkInterfaces.listAll',
  },
  {
    pattern: new RegExp(`^${RG}/providers/microsoft\\.network/networkinterfaces/${NAME}$`),
    name: 'Network.networkInterfaces.get',
  },
  {
    pattern: new RegExp(`^${SUB}/providers/microsoft\\.network/virtualnetworks$`),
    name: 'Network.virtualNetworks.listAll',
  },
  {
    pattern: new RegExp(`^${RG}/providers/microsoft\\.network/virtualnetworks/${NAME}$`),
    name: 'Network.virtualNetworks.get',
  },
  {
    pattern: new RegExp(`^${SUB}/providers/microsoft\\.network/privatednszones$`),
    name: 'PrivateDns.privateZones.list',
  },
  {
    pattern: new RegExp(`^${RG}/providers/microsoft\\.network/privatednszones/${NAME}$`),
    name: 'PrivateDns.privateZones.get',
  },
  {
    pattern: new RegExp(`^${RG}/providers/microsoft\\.network/privatednszones/${NAME}/virtualnetworklinks$`),
    name: 'PrivateDns.virtualNetworkLinks.list',
  },
  {
    pattern: new RegExp(`^${RG}/providers/microsoft\\.network/privatednszones/${NAME}/a$`),
    name: 'PrivateDns.recordSets.listByType',
  },
  {
    pattern: new RegExp(`^${RG}/providers/microsoft\\.network/privatednszones/${NAME}/a/${NAME}$`),
    name: 'PrivateDns.recordSets.get',
  },
  { pattern: /\/providers\/microsoft\.insights\/diagnosticsettings$/, name: 'Monitor.diagnosticSettings.list' },
  {
    pattern: new RegExp(`^${SUB}/providers/microsoft\\.authorization/roleassignments$`),
    name: 'Authorization.roleAssignments.listForSubscription',
  },
  {
    pattern: new RegExp(`/providers/microsoft\\.authorization/roledefinitions/${NAME}$`),
    name: 'Authorization.roleDefinitions.getById',
  },
  ...TOPOLOGY_OPERATIONS(),
];

/** The routing and name-resolution lists (issue 11), named after the SDK operations that issue them. */
function TOPOLOGY_OPERATIONS(): { pattern: RegExp; name: string }[] {
  const bySubscription: [string, string][] = [
    ['routetables', 'Network.routeTables.listAll'],
    ['networksecuritygroups', 'Network.networkSecurityGroups.listAll'],
    ['azurefirewalls', 'Network.azureFirewalls.listAll'],
    ['firewallpolicies', 'Network.firewallPolicies.listAll'],
    ['virtualwans', 'Network.virtualWans.list'],
    ['virtualhubs', 'Network.virtualHubs.list'],
    ['dnsresolvers', 'DnsResolver.dnsResolvers.list'],
    ['dnsforwardingrulesets', 'DnsResolver.dnsForwardingRulesets.list'],
  ];
  const byParent: [string, string, string][] = [
    ['virtualhubs', 'hubvirtualnetworkconnections', 'Network.hubVirtualNetworkConnections.list'],
    ['virtualhubs', 'hubroutetables', 'Network.hubRouteTables.list'],
    ['dnsresolvers', 'inboundendpoints', 'DnsResolver.inboundEndpoints.list'],
    ['dnsresolvers', 'outboundendpoints', 'DnsResolver.outboundEndpoints.list'],
    ['dnsforwardingrulesets', 'forwardingrules', 'DnsResolver.forwardingRules.list'],
    ['dnsforwardingrulesets', 'virtualnetworklinks', 'DnsResolver.virtualNetworkLinks.list'],
  ];
  return [
    ...bySubscription.map(([type, name]) => ({
      pattern: new RegExp(`^${SUB}/providers/microsoft\\.network/${type}$`),
      name,
    })),
    ...byParent.map(([parent, child, name]) => ({
      pattern: new RegExp(`^${RG}/providers/microsoft\\.network/${parent}/${NAME}/${child}$`),
      name,
    })),
  ];
}

/** The operation name of a request; unknown routes are named by method and provider path. */
export function operationOf(method: string, url: string): string {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    path = url.split('?')[0] ?? url;
  }
  const key = path.replace(/\/+$/, '').toLowerCase();
  const known = OPERATIONS.find((op) => op.pattern.test(key));
  if (known)
    return method.toUpperCase() === (known.method ?? 'GET') ? known.name : `${known.name} (${method.toUpperCase()})`;
  const provider = key.lastIndexOf('/providers/');
  return `${method.toUpperCase()} ${provider >= 0 ? key.slice(provider + '/providers/'.length) : key}`;
}
