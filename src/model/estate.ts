import { ArmResource, idKey, parentId, parseId } from './arm';
import { lowerCased } from './arm-types';
import * as normalize from './normalize';
import * as network from './normalize-network';
import type * as net from './network-types';
import * as rbac from './rbac';
import type {
  ARecordSet,
  DiagnosticSetting,
  NetworkInterface,
  PrivateDnsZone,
  PrivateDnsZoneGroup,
  PrivateEndpoint,
  Subnet,
  Vault,
  VaultPrivateEndpointConnection,
  VirtualNetwork,
  VirtualNetworkLink,
  VirtualNetworkPeering,
} from './types';

/**
 * Per-resource reads a large live audit may leave out (`--skip-reads`): neither ARM lists nor Resource Graph
 * return them in bulk (zone groups are listed per endpoint, diagnostic settings per vault). The estate says
 * which were left out, so the rules that need them report `skipped`, never a false `fail`.
 */
export type SkippableRead = 'zone-groups' | 'diagnostic-settings';
export const SKIPPABLE_READS: readonly SkippableRead[] = ['zone-groups', 'diagnostic-settings'];

/** The routing and name-resolution types (issue 11), lower-cased. */
export const NETWORK_TYPES = lowerCased([
  'peering',
  'routeTable',
  'networkSecurityGroup',
  'azureFirewall',
  'firewallPolicy',
  'virtualWan',
  'virtualHub',
  'hubConnection',
  'hubRouteTable',
  'dnsResolver',
  'inboundEndpoint',
  'outboundEndpoint',
  'forwardingRuleset',
  'forwardingRule',
  'rulesetLink',
]);

/** ARM types the model reads, lower-cased (ARG lower-cases `type`; ARM GET does not). */
export const MODEL_TYPES = {
  ...lowerCased([
    'vault',
    'managedHsm',
    'vaultConnection',
    'managedHsmConnection',
    'privateEndpoint',
    'zoneGroup',
    'networkInterface',
    'privateDnsZone',
    'virtualNetworkLink',
    'aRecordSet',
    'virtualNetwork',
    'subnet',
    'diagnosticSetting',
    'roleAssignment',
    'roleDefinition',
  ]),
  ...NETWORK_TYPES,
};

const KNOWN_TYPES = new Set<string>(Object.values(MODEL_TYPES));

class Index<T extends { id: string }> {
  private readonly byId = new Map<string, T>();
  /** all() sorted once and kept until the next set(): rules call it per vault (10,000 vaults: issue 7). */
  private sorted: T[] | undefined;
  set(item: T): void {
    this.byId.set(idKey(item.id), item);
    this.sorted = undefined;
  }
  get(id: string | undefined): T | undefined {
    return id === undefined ? undefined : this.byId.get(idKey(id));
  }
  /** All items, sorted by id so every consumer sees a deterministic order. */
  all(): T[] {
    this.sorted ??= [...this.byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    return [...this.sorted];
  }
  get size(): number {
    return this.byId.size;
  }
}

function multiMap<T>(): { add(key: string, value: T): void; get(key: string | undefined): T[] } {
  const map = new Map<string, T[]>();
  return {
    add(key, value) {
      const k = idKey(key);
      const list = map.get(k);
      if (list) list.push(value);
      else map.set(k, [value]);
    },
    get(key) {
      return key === undefined ? [] : (map.get(idKey(key)) ?? []);
    },
  };
}

/**
 * The estate: every resource on the audited access paths, indexed by id and by relation. Built once by
 * `buildEstate`, whatever the source (live ARM, snapshot file, Pulumi resources); read-only afterwards.
 */
export class Estate {
  readonly vaults = new Index<Vault>();
  readonly privateEndpoints = new Index<PrivateEndpoint>();
  readonly zoneGroups = new Index<PrivateDnsZoneGroup>();
  readonly networkInterfaces = new Index<NetworkInterface>();
  readonly zones = new Index<PrivateDnsZone>();
  readonly links = new Index<VirtualNetworkLink>();
  readonly aRecords = new Index<ARecordSet>();
  readonly virtualNetworks = new Index<VirtualNetwork>();
  readonly subnets = new Index<Subnet>();
  readonly diagnosticSettings = new Index<DiagnosticSetting>();
  readonly roleAssignments = new Index<rbac.RoleAssignment>();
  readonly roleDefinitions = new Index<rbac.RoleDefinition>();
  readonly routeTables = new Index<net.RouteTable>();
  readonly networkSecurityGroups = new Index<net.NetworkSecurityGroup>();
  readonly azureFirewalls = new Index<net.AzureFirewall>();
  readonly firewallPolicies = new Index<net.FirewallPolicy>();
  readonly virtualWans = new Index<net.VirtualWan>();
  readonly virtualHubs = new Index<net.VirtualHub>();
  readonly hubConnections = new Index<net.HubVirtualNetworkConnection>();
  readonly hubRouteTables = new Index<net.HubRouteTable>();
  readonly dnsResolvers = new Index<net.DnsResolver>();
  readonly inboundEndpoints = new Index<net.DnsResolverInboundEndpoint>();
  readonly outboundEndpoints = new Index<net.DnsResolverOutboundEndpoint>();
  readonly forwardingRulesets = new Index<net.DnsForwardingRuleset>();
  readonly forwardingRules = new Index<net.ForwardingRule>();
  readonly rulesetLinks = new Index<net.RulesetVirtualNetworkLink>();
  /** Reads the source left out on purpose (`--skip-reads`), or that it cannot hold (a Resource Graph response). */
  skippedReads: ReadonlySet<SkippableRead> = new Set();
  /** Why each skipped read is missing, worded for a skip reason (`--skip-reads zone-groups`). */
  skipReasons: ReadonlyMap<SkippableRead, string> = new Map();
  /**
   * The subscriptions the source collected (lower-cased): those it listed and those its resources live in.
   * A resource referenced from outside them may exist: rules report it `error` naming the scope to add,
   * never `fail` (docs/evidence.md).
   */
  collectedSubscriptions: ReadonlySet<string> = new Set();
  /** Referenced resources the source tried to read and could not (idKey → reason): another tenant's, managed. */
  unreadable: ReadonlyMap<string, string> = new Map();
  /**
   * Types the source cannot hold at all (lower-cased type → why): their absence says nothing, so a check that
   * needs one reports the path unknown instead of reading "none" (a Resource Graph response holds no
   * forwarding-ruleset links or hub connections).
   */
  unreadTypes: ReadonlyMap<string, string> = new Map();
  /** Set when a live read collected role assignments for one principal (KV404). */
  roleCoverage: rbac.RoleCoverage | undefined;
  /** Resources of types the model does not read, counted by lower-cased type. */
  readonly ignoredTypes = new Map<string, number>();

  private readonly endpointsByTarget = multiMap<PrivateEndpoint>();
  private readonly zoneGroupsByEndpoint = multiMap<PrivateDnsZoneGroup>();
  private readonly nicsByEndpoint = multiMap<NetworkInterface>();
  private readonly zonesByName = new Map<string, PrivateDnsZone[]>();
  private readonly linksByZone = multiMap<VirtualNetworkLink>();
  private readonly linksByVnet = multiMap<VirtualNetworkLink>();
  private readonly recordsByZone = multiMap<ARecordSet>();
  /** `zone id|record name` and first label → records: per-vault lookups without scanning every record. */
  private readonly recordByZoneAndName = new Map<string, ARecordSet>();
  private readonly recordsByFirstLabel = multiMap<ARecordSet>();
  private readonly settingsByTarget = multiMap<DiagnosticSetting>();
  private readonly hubConnectionsByVnet = multiMap<net.HubVirtualNetworkConnection>();
  private readonly hubConnectionsByHub = multiMap<net.HubVirtualNetworkConnection>();
  private readonly rulesByRuleset = multiMap<net.ForwardingRule>();
  private readonly rulesetLinksByVnet = multiMap<net.RulesetVirtualNetworkLink>();
  private readonly pendingPeerings: { vnetId: string; peering: VirtualNetworkPeering }[] = [];

  private vaultNames: Set<string> | undefined;

  /** Whether some vault or managed HSM has this name (case-insensitive): DNS records named after it belong to it. */
  hasVaultNamed(name: string): boolean {
    this.vaultNames ??= new Set(this.vaults.all().map((v) => v.name.toLowerCase()));
    return this.vaultNames.has(name.toLowerCase());
  }

  /** Vaults and managed HSMs, sorted by id. */
  allVaults(): Vault[] {
    return this.vaults.all();
  }

  /**
   * The private endpoints that target a vault: those its connections name, and those whose own
   * connections point at it (a manual connection shows on the endpoint before the vault lists it).
   * Ids the estate does not hold are returned in `missing`.
   */
  endpointsOf(vault: Vault): { endpoints: PrivateEndpoint[]; missing: string[] } {
    const found = new Map<string, PrivateEndpoint>();
    const missing: string[] = [];
    for (const connection of vault.privateEndpointConnections) {
      if (!connection.privateEndpointId) continue;
      const endpoint = this.privateEndpoints.get(connection.privateEndpointId);
      if (endpoint) found.set(idKey(endpoint.id), endpoint);
      else if (!missing.some((m) => idKey(m) === idKey(connection.privateEndpointId ?? '')))
        missing.push(connection.privateEndpointId);
    }
    for (const endpoint of this.endpointsByTarget.get(vault.id)) found.set(idKey(endpoint.id), endpoint);
    return { endpoints: [...found.values()].sort((a, b) => compareIds(a.id, b.id)), missing };
  }

  zoneGroupsOf(endpointId: string): PrivateDnsZoneGroup[] {
    return this.zoneGroupsByEndpoint.get(endpointId);
  }

  /** The endpoint's NICs: by the endpoint's `networkInterfaces` ids, or by the NIC's back-reference. */
  nicsOf(endpoint: PrivateEndpoint): { nics: NetworkInterface[]; missing: string[] } {
    const found = new Map<string, NetworkInterface>();
    const missing: string[] = [];
    for (const id of endpoint.networkInterfaceIds) {
      const nic = this.networkInterfaces.get(id);
      if (nic) found.set(idKey(nic.id), nic);
      else missing.push(id);
    }
    for (const nic of this.nicsByEndpoint.get(endpoint.id)) found.set(idKey(nic.id), nic);
    return { nics: [...found.values()].sort((a, b) => compareIds(a.id, b.id)), missing };
  }

  /** Every zone of that name in any subscription (a hub subscription holding the zones is normal). */
  zonesNamed(name: string): PrivateDnsZone[] {
    return this.zonesByName.get(name.toLowerCase()) ?? [];
  }

  allZoneNames(): string[] {
    return [...this.zonesByName.keys()].sort();
  }

  linksOf(zoneId: string): VirtualNetworkLink[] {
    return this.linksByZone.get(zoneId);
  }

  linksToVnet(vnetId: string): VirtualNetworkLink[] {
    return this.linksByVnet.get(vnetId);
  }

  aRecordsOf(zoneId: string): ARecordSet[] {
    return this.recordsByZone.get(zoneId);
  }

  /** The A record set with that relative name (DNS names compare case-insensitively). */
  aRecord(zoneId: string, relativeName: string): ARecordSet | undefined {
    return this.recordByZoneAndName.get(`${idKey(zoneId)}|${relativeName.toLowerCase()}`);
  }

  /** A record sets, in any zone, whose first label is `label` (`kv1` and `kv1.privatelink`), sorted by id. */
  aRecordsNamed(label: string): ARecordSet[] {
    return [...this.recordsByFirstLabel.get(label.toLowerCase())].sort((a, b) => compareIds(a.id, b.id));
  }

  vnetOfSubnet(subnetId: string | undefined): VirtualNetwork | undefined {
    return subnetId === undefined ? undefined : this.virtualNetworks.get(parentId(subnetId));
  }

  diagnosticSettingsOf(resourceId: string): DiagnosticSetting[] {
    return this.settingsByTarget.get(resourceId);
  }

  private peeringsTo: Map<string, { from: VirtualNetwork; peering: VirtualNetworkPeering }[]> | undefined;

  /** The peerings other VNets list toward this one (built once, on first use). */
  peeringsToVnet(vnetId: string): { from: VirtualNetwork; peering: VirtualNetworkPeering }[] {
    if (!this.peeringsTo) {
      const map = new Map<string, { from: VirtualNetwork; peering: VirtualNetworkPeering }[]>();
      for (const from of this.virtualNetworks.all()) {
        for (const peering of from.peerings) {
          if (!peering.remoteVirtualNetworkId) continue;
          const key = idKey(peering.remoteVirtualNetworkId);
          map.set(key, [...(map.get(key) ?? []), { from, peering }]);
        }
      }
      this.peeringsTo = map;
    }
    return this.peeringsTo.get(idKey(vnetId)) ?? [];
  }

  /** The Virtual WAN hub connections whose remote VNet is this one. */
  hubConnectionsOfVnet(vnetId: string): net.HubVirtualNetworkConnection[] {
    return this.hubConnectionsByVnet.get(vnetId);
  }

  hubConnectionsOfHub(hubId: string): net.HubVirtualNetworkConnection[] {
    return this.hubConnectionsByHub.get(hubId);
  }

  /** Why resources of `type` cannot be in this estate whatever exists in Azure, if the source cannot hold them. */
  unreadType(type: string): string | undefined {
    return this.unreadTypes.get(type.toLowerCase());
  }

  forwardingRulesOf(rulesetId: string): net.ForwardingRule[] {
    return this.rulesByRuleset.get(rulesetId);
  }

  /** The forwarding ruleset links to a VNet: a linked VNet's Azure-provided DNS applies the ruleset. */
  rulesetLinksToVnet(vnetId: string): net.RulesetVirtualNetworkLink[] {
    return this.rulesetLinksByVnet.get(vnetId);
  }

  /** @internal used by buildEstate */
  add(resource: ArmResource): void {
    const type = resource.type.toLowerCase();
    switch (type) {
      case MODEL_TYPES.vault:
      case MODEL_TYPES.managedHsm:
        this.vaults.set(normalize.vault(resource));
        return;
      case MODEL_TYPES.vaultConnection:
      case MODEL_TYPES.managedHsmConnection:
        this.pendingConnections.push({
          vaultId: parentId(resource.id),
          connection: normalize.vaultPrivateEndpointConnection({
            id: resource.id,
            properties: resource.properties ?? {},
          }),
        });
        return;
      case MODEL_TYPES.privateEndpoint: {
        const endpoint = normalize.privateEndpoint(resource);
        this.privateEndpoints.set(endpoint);
        for (const c of endpoint.connections)
          if (c.privateLinkServiceId) this.endpointsByTarget.add(c.privateLinkServiceId, endpoint);
        return;
      }
      case MODEL_TYPES.zoneGroup: {
        const group = normalize.privateDnsZoneGroup(resource);
        this.zoneGroups.set(group);
        this.zoneGroupsByEndpoint.add(group.privateEndpointId, group);
        return;
      }
      case MODEL_TYPES.networkInterface: {
        const nic = normalize.networkInterface(resource);
        this.networkInterfaces.set(nic);
        if (nic.privateEndpointId) this.nicsByEndpoint.add(nic.privateEndpointId, nic);
        return;
      }
      case MODEL_TYPES.privateDnsZone: {
        const zone = normalize.privateDnsZone(resource);
        this.zones.set(zone);
        this.zonesByName.set(
          zone.name,
          [...(this.zonesByName.get(zone.name) ?? []), zone].sort((a, b) => compareIds(a.id, b.id)),
        );
        return;
      }
      case MODEL_TYPES.virtualNetworkLink: {
        const link = normalize.virtualNetworkLink(resource);
        this.links.set(link);
        this.linksByZone.add(link.zoneId, link);
        if (link.virtualNetworkId) this.linksByVnet.add(link.virtualNetworkId, link);
        return;
      }
      case MODEL_TYPES.aRecordSet: {
        const record = normalize.aRecordSet(resource);
        this.aRecords.set(record);
        this.recordsByZone.add(record.zoneId, record);
        const byName = `${idKey(record.zoneId)}|${record.name.toLowerCase()}`;
        // The first of a name in a zone wins, as a scan in insertion order found it.
        if (!this.recordByZoneAndName.has(byName)) this.recordByZoneAndName.set(byName, record);
        this.recordsByFirstLabel.add(record.name.split('.')[0] ?? record.name, record);
        return;
      }
      case MODEL_TYPES.virtualNetwork: {
        const { vnet, subnets } = normalize.virtualNetwork(resource);
        this.virtualNetworks.set(vnet);
        // A standalone subnet resource is fresher than the VNet's inline copy: keep it.
        for (const s of subnets) if (!this.subnets.get(s.id)) this.subnets.set(s);
        return;
      }
      case MODEL_TYPES.subnet:
        this.subnets.set(normalize.subnet(resource));
        return;
      case MODEL_TYPES.diagnosticSetting: {
        const setting = normalize.diagnosticSetting(resource);
        this.diagnosticSettings.set(setting);
        this.settingsByTarget.add(setting.targetResourceId, setting);
        return;
      }
      case MODEL_TYPES.roleAssignment:
        this.roleAssignments.set(rbac.roleAssignment(resource));
        return;
      case MODEL_TYPES.roleDefinition:
        this.roleDefinitions.set(rbac.roleDefinition(resource));
        return;
      default:
        if (!this.addNetwork(type, resource)) this.ignoredTypes.set(type, (this.ignoredTypes.get(type) ?? 0) + 1);
    }
  }

  /** The routing and name-resolution types; false when the type is none of them. */
  private addNetwork(type: string, resource: ArmResource): boolean {
    switch (type) {
      case NETWORK_TYPES.peering:
        this.pendingPeerings.push({
          vnetId: parentId(resource.id),
          peering: normalize.virtualNetworkPeering({
            id: resource.id,
            name: resource.name,
            properties: resource.properties ?? {},
          }),
        });
        return true;
      case NETWORK_TYPES.routeTable:
        this.routeTables.set(network.routeTable(resource));
        return true;
      case NETWORK_TYPES.networkSecurityGroup:
        this.networkSecurityGroups.set(network.networkSecurityGroup(resource));
        return true;
      case NETWORK_TYPES.azureFirewall:
        this.azureFirewalls.set(network.azureFirewall(resource));
        return true;
      case NETWORK_TYPES.firewallPolicy:
        this.firewallPolicies.set(network.firewallPolicy(resource));
        return true;
      case NETWORK_TYPES.virtualWan:
        this.virtualWans.set(network.virtualWan(resource));
        return true;
      case NETWORK_TYPES.virtualHub:
        this.virtualHubs.set(network.virtualHub(resource));
        return true;
      case NETWORK_TYPES.hubConnection: {
        const connection = network.hubVirtualNetworkConnection(resource);
        this.hubConnections.set(connection);
        this.hubConnectionsByHub.add(connection.hubId, connection);
        if (connection.remoteVirtualNetworkId)
          this.hubConnectionsByVnet.add(connection.remoteVirtualNetworkId, connection);
        return true;
      }
      case NETWORK_TYPES.hubRouteTable:
        this.hubRouteTables.set(network.hubRouteTable(resource));
        return true;
      case NETWORK_TYPES.dnsResolver:
        this.dnsResolvers.set(network.dnsResolver(resource));
        return true;
      case NETWORK_TYPES.inboundEndpoint:
        this.inboundEndpoints.set(network.inboundEndpoint(resource));
        return true;
      case NETWORK_TYPES.outboundEndpoint:
        this.outboundEndpoints.set(network.outboundEndpoint(resource));
        return true;
      case NETWORK_TYPES.forwardingRuleset:
        this.forwardingRulesets.set(network.forwardingRuleset(resource));
        return true;
      case NETWORK_TYPES.forwardingRule: {
        const rule = network.forwardingRule(resource);
        this.forwardingRules.set(rule);
        this.rulesByRuleset.add(rule.rulesetId, rule);
        return true;
      }
      case NETWORK_TYPES.rulesetLink: {
        const link = network.rulesetVirtualNetworkLink(resource);
        this.rulesetLinks.set(link);
        if (link.virtualNetworkId) this.rulesetLinksByVnet.add(link.virtualNetworkId, link);
        return true;
      }
      default:
        return false;
    }
  }

  private readonly pendingConnections: { vaultId: string; connection: VaultPrivateEndpointConnection }[] = [];

  /** @internal merges child connection resources into their vault, once every resource is added. */
  finish(): void {
    for (const { vaultId, connection } of this.pendingConnections) {
      const target = this.vaults.get(vaultId);
      if (!target) continue;
      const existing = target.privateEndpointConnections.findIndex((c) => idKey(c.id) === idKey(connection.id));
      if (existing >= 0) target.privateEndpointConnections[existing] = connection;
      else target.privateEndpointConnections.push(connection);
    }
    this.pendingConnections.length = 0;
    // A peering listed as its own resource replaces the VNet's inline copy of the same name (fresher).
    for (const { vnetId, peering } of this.pendingPeerings) {
      const vnet = this.virtualNetworks.get(vnetId);
      if (!vnet) continue;
      const at = vnet.peerings.findIndex((p) => (p.name ?? '').toLowerCase() === (peering.name ?? '').toLowerCase());
      if (at >= 0) vnet.peerings[at] = peering;
      else vnet.peerings.push(peering);
    }
    this.pendingPeerings.length = 0;
    for (const s of this.subnets.all()) {
      const vnet = this.virtualNetworks.get(s.virtualNetworkId);
      if (vnet && !vnet.subnetIds.some((id) => idKey(id) === idKey(s.id))) vnet.subnetIds.push(s.id);
    }
  }
}

export function compareIds(a: string, b: string): number {
  const x = idKey(a);
  const y = idKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isModelType(type: string): boolean {
  return KNOWN_TYPES.has(type.toLowerCase());
}

export interface EstateOptions {
  roleCoverage?: rbac.RoleCoverage;
  skippedReads?: readonly SkippableRead[];
  /** Why the reads were skipped; default `--skip-reads <read>`. */
  skipReason?: string;
  /** Subscriptions the source listed, beyond those its resources live in. */
  subscriptions?: readonly string[];
  /** Referenced ids the source could not read (idKey → reason). */
  unreadable?: ReadonlyMap<string, string>;
  /** ARM types the source cannot hold, and why (see Estate.unreadTypes). */
  unreadTypes?: { types: readonly string[]; reason: string };
}

/** Builds the indexed estate from ARM resources (any source, any order). */
export function buildEstate(resources: readonly ArmResource[], options: EstateOptions = {}): Estate {
  const estate = new Estate();
  estate.roleCoverage = options.roleCoverage;
  const skipped = options.skippedReads ?? [];
  estate.skippedReads = new Set(skipped);
  estate.skipReasons = new Map(skipped.map((read) => [read, options.skipReason ?? `--skip-reads ${read}`]));
  const subscriptions = new Set((options.subscriptions ?? []).map((s) => s.toLowerCase()));
  for (const resource of resources) {
    estate.add(resource);
    const subscription = parseId(resource.id).subscriptionId;
    if (subscription) subscriptions.add(subscription.toLowerCase());
  }
  estate.collectedSubscriptions = subscriptions;
  estate.unreadable = new Map(
    [...(options.unreadable ?? new Map<string, string>())].map(([id, why]) => [idKey(id), why]),
  );
  const unread = options.unreadTypes;
  estate.unreadTypes = new Map((unread?.types ?? []).map((type) => [type.toLowerCase(), unread?.reason ?? '']));
  estate.finish();
  return estate;
}
