import type { Phase } from './harness/phases';

/**
 * Exact diagnostics per phase (`policy level resource: message`). A first preview already reports what the
 * program decides (a manual connection starts Pending, names, flags, links, records a program writes or
 * leaves out); what only deployment tells waits for `up` (the NIC's address behind KV205, provisioning
 * states). The update preview changes the endpoint, so the endpoint's connection state and NIC are unknown
 * again: the rules reading them are skipped, never reported (the vault side still says Pending, but KV102
 * reads both ends).
 */
export const EXPECTED: Record<string, Record<Phase, string[]>> = {
  healthy: {
    preview: [],
    up: [],
    update: [],
  },
  'pending-approval': {
    preview: [
      'private-endpoint-approved mandatory endpoint: connection pe-kvg-pending to kvg-pending is Pending ("Requested by the application team, please approve"): approve it on the vault',
    ],
    up: [
      'private-endpoint-approved mandatory endpoint: connection pe-kvg-pending to kvg-pending is Pending ("Requested by the application team, please approve"): approve it on the vault',
    ],
    update: [],
  },
  'wrong-zone-name': {
    preview: [
      'private-dns-zone-group advisory endpoint: private endpoint pe-kvg-wrongzone has DNS zone group default that points at privatelink.vault.azure.net; expected privatelink.vaultcore.azure.net',
      'dns-zone-name advisory zone: private DNS zone privatelink.vault.azure.net (the DNS zone group of pe-kvg-wrongzone points at it; it holds A record kvg-wrongzone) is not named privatelink.vaultcore.azure.net: it uses the public host suffix vault.azure.net instead of vaultcore.azure.net',
    ],
    up: [
      'private-dns-zone-group advisory endpoint: private endpoint pe-kvg-wrongzone has DNS zone group default that points at privatelink.vault.azure.net; expected privatelink.vaultcore.azure.net',
      'dns-zone-name advisory zone: private DNS zone privatelink.vault.azure.net (the DNS zone group of pe-kvg-wrongzone points at it; it holds A record kvg-wrongzone) is not named privatelink.vaultcore.azure.net: it uses the public host suffix vault.azure.net instead of vaultcore.azure.net',
    ],
    update: [],
  },
  'zone-not-linked': {
    preview: [
      'dns-zone-linked mandatory vnet-spoke: vnet-spoke-kvg-unlinked uses Azure-provided DNS and is not linked to privatelink.vaultcore.azure.net; it is peered to vnet-hub, which is linked, but peering does not carry private DNS zone links',
    ],
    up: [
      'dns-zone-linked mandatory vnet-spoke: vnet-spoke-kvg-unlinked uses Azure-provided DNS and is not linked to privatelink.vaultcore.azure.net; it is peered to vnet-hub, which is linked, but peering does not carry private DNS zone links',
    ],
    update: [],
  },
  'missing-a-record': {
    preview: [
      'dns-a-record-present mandatory zone: private DNS zone privatelink.vaultcore.azure.net has no A record named kvg-norecord',
    ],
    up: [
      'dns-a-record-present mandatory zone: private DNS zone privatelink.vaultcore.azure.net has no A record named kvg-norecord',
    ],
    update: [],
  },
  'stale-a-record': {
    preview: [],
    up: [
      "dns-a-record-ip advisory a-record: A record kvg-stalerecord points at 10.1.1.9; the private endpoint's NIC has 10.1.1.4",
    ],
    update: [],
  },
  'firewall-blocks-caller': {
    preview: [
      'firewall-allows-caller mandatory vault: denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint',
    ],
    up: [
      'firewall-allows-caller mandatory vault: denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint',
    ],
    update: [
      'firewall-allows-caller mandatory vault: denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint',
    ],
  },
  'public-access-enabled': {
    preview: [
      'firewall-default-deny advisory vault: kvg-publicaccess accepts traffic from any public address: publicNetworkAccess is Enabled and networkAcls.defaultAction is Allow; expected publicNetworkAccess Disabled or defaultAction Deny',
      'public-access-disabled advisory vault: kvg-publicaccess has private endpoint pe-kvg-publicaccess but publicNetworkAccess is Enabled; expected Disabled so traffic only comes through the endpoint',
    ],
    up: [
      'firewall-default-deny advisory vault: kvg-publicaccess accepts traffic from any public address: publicNetworkAccess is Enabled and networkAcls.defaultAction is Allow; expected publicNetworkAccess Disabled or defaultAction Deny',
      'public-access-disabled advisory vault: kvg-publicaccess has private endpoint pe-kvg-publicaccess but publicNetworkAccess is Enabled; expected Disabled so traffic only comes through the endpoint',
    ],
    update: [
      'firewall-default-deny advisory vault: kvg-publicaccess accepts traffic from any public address: publicNetworkAccess is Enabled and networkAcls.defaultAction is Allow; expected publicNetworkAccess Disabled or defaultAction Deny',
      'public-access-disabled advisory vault: kvg-publicaccess has private endpoint pe-kvg-publicaccess but publicNetworkAccess is Enabled; expected Disabled so traffic only comes through the endpoint',
    ],
  },
  // Issue 11's topology stacks. hub-firewall: the caller is the app subnet (stack output auditCallerSubnetId).
  // The firewall's private address is Azure's choice (AzureFirewallIPConfiguration.privateIPAddress is
  // read-only), so before `up` the route's next hop and the app spoke's DNS server are unknown: KV301 decides
  // only after `up`. After `up` the app spoke's inline peering still reads Initiated in its outputs; the hub's
  // peering back makes it Connected, as ARM does (adapter.ts connectPeerings).
  'hub-firewall': { preview: [], up: [], update: [] },
  'hub-firewall-no-forwarding': {
    preview: [],
    up: [
      'firewall-allows-caller mandatory vault: denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint (peering to-hub of vnet-spoke-kvg-hubfw-nofwd does not allow forwarded traffic (allowForwardedTraffic false), so it drops what the appliance in vnet-hub forwards)',
    ],
    update: [],
  },
  // The rule's target is the inbound endpoint's address, unknown before `up` (Dynamic allocation); a Disabled
  // rule is known from the program: the spoke falls back to Azure DNS and has no link to the zone.
  'ruleset-resolved-spoke': { preview: [], up: [], update: [] },
  'ruleset-rule-disabled': {
    preview: [
      'dns-zone-linked mandatory vnet-spoke: vnet-spoke-kvg-ruleset-off uses Azure-provided DNS and is not linked to privatelink.vaultcore.azure.net; it is peered to vnet-hub, which is linked, but peering does not carry private DNS zone links; rule privatelink-vaultcore (privatelink.vaultcore.azure.net.) of forwarding ruleset rs-hub, linked to it, is Disabled',
    ],
    up: [
      'dns-zone-linked mandatory vnet-spoke: vnet-spoke-kvg-ruleset-off uses Azure-provided DNS and is not linked to privatelink.vaultcore.azure.net; it is peered to vnet-hub, which is linked, but peering does not carry private DNS zone links; rule privatelink-vaultcore (privatelink.vaultcore.azure.net.) of forwarding ruleset rs-hub, linked to it, is Disabled',
    ],
    update: [],
  },
};
