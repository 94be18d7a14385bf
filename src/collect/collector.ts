import { MODEL_TYPES } from '../model/estate';
import { ArmResource, idKey, parseId, parentId } from '../model/arm';
import { CloudName, requiredZoneName } from '../model/cloud';
import * as normalize from '../model/normalize';
import type { Vault } from '../model/types';
import type { Notice } from '../model/notice';
import { describeError, errorFacts, isNotFound } from './errors';
import {
  A_RECORD_TYPE,
  GRAPH_LISTED_TYPES,
  GraphReader,
  LINK_TYPE,
  chunks,
  kqlString,
  subscriptionsOf,
  typeIn,
} from './graph';
import { readRoleData } from './rbac';
import type { RbacPrincipal, RoleReads, SkippableRead } from './types';
import type { Limiter } from './pool';
import { type Admission, admitGraph, admitReader } from './admission';
import {
  type ArmReader,
  type SubscriptionList,
  TOPOLOGY_CHILD_LISTS,
  TOPOLOGY_SUBSCRIPTION_LISTS,
  TOPOLOGY_TYPES,
  type TopologyList,
} from './reader';
import { ResourceSet, VaultSet, Wanted, addWanted } from './sets';

/**
 * The live collection's traversal. Cost grows with subscriptions and zones, not vaults × resources:
 *  1. per subscription, one list each of vaults, managed HSMs, private endpoints, NICs, VNets, zones;
 *  2. per audited vault, its diagnostic settings (no subscription-wide list exists) and, per private
 *     endpoint that targets it, its DNS zone groups — the two per-vault costs, which `skipReads` can
 *     leave out (KV503 and KV104 then report skipped);
 *  3. per zone that can serve a vault, one list of links and one of A record sets (never a GET per record);
 *  4. a GET by id, once, for each endpoint, NIC, VNet or zone referenced from outside the listed
 *     subscriptions (a hub), and for each VNet in `referencedIds` (the caller's) and its peers.
 * Through Resource Graph (`graph`), steps 1, 3 and 4 are KQL queries across all subscriptions (1,000 rows
 * a page, ids batched); step 2 stays ARM, since ARG holds neither zone groups nor diagnostic settings,
 * unless `skipReads` leaves those reads out.
 *  5. for a caller identity (`rbacPrincipal`), per subscription holding an audited RBAC-model vault, one list of
 *     its role assignments and one GET per role definition they name (rbac.ts), alongside step 2, always ARM.
 * Nothing is dropped silently: a read that fails marks the vaults that depend on it `error` with the
 * reason, or adds an error notice when no vault can be named.
 */
export interface CollectSettings {
  subscriptions: readonly string[];
  resourceGroup?: string;
  vaultName?: string;
  /** VNets (or subnets: their VNet) every audited vault's path depends on, such as the caller's. */
  referencedIds?: readonly string[];
  cloud: CloudName;
  /**
   * Bounds reads in flight at the collector (tests). A live collection leaves it out: its scheduler sits in
   * the SDK pipeline, per quota, where it sees ARM's answers (scheduler.ts).
   */
  limiter?: Limiter;
  /**
   * Starts at most a bounded number of reads at once, fairly by subscription (admission.ts): what waits is a
   * closure, not an SDK operation holding its request in the scheduler's queue. A live collection sets it.
   */
  admission?: Admission;
  log: (line: string) => void;
  onProgress?: (event: { resourcesRead: number; vaultsFound: number }) => void;
  /** Read through Azure Resource Graph: one query per type across subscriptions instead of ARM lists (steps 1, 4, 5). */
  graph?: GraphReader;
  /** Per-resource reads left out (ARG holds neither): their rules are reported skipped by the caller. */
  skipReads?: ReadonlySet<SkippableRead>;
  /** KV404's principal: its role assignments and their definitions are read too (rbac.ts, step 6). */
  rbacPrincipal?: RbacPrincipal;
}

export interface Collection {
  resources: ArmResource[];
  /** idKey(vault id) → reason. */
  vaultErrors: Map<string, string>;
  notices: Notice[];
  vaultsListed: number;
  roleReads?: RoleReads;
  /**
   * Private endpoints a vault's connection names that could not be read (idKey → reason): another tenant's,
   * a Data Factory or Synapse managed endpoint. Their connection's path is skipped, not the whole vault.
   */
  unreadable: Map<string, string>;
}

/** The tracked topology types, which the step-1' Resource Graph query returns too. */
const TOPOLOGY_GRAPH_TYPES = new Set(TOPOLOGY_SUBSCRIPTION_LISTS.map((list) => TOPOLOGY_TYPES[list]));

/** Zone names that may hold a vault's records under a near-miss name (KV201 names them). */
const KEY_VAULT_ZONE_HINTS = ['vaultcore', 'managedhsm'];

export async function collectEstate(reader: ArmReader, settings: CollectSettings): Promise<Collection> {
  const { admission, graph } = settings;
  if (!admission) return new Traversal(reader, settings).run();
  return new Traversal(admitReader(reader, admission), {
    ...settings,
    ...(graph ? { graph: admitGraph(graph, admission) } : {}),
  }).run();
}

class Traversal {
  private readonly vaults = new VaultSet();
  private readonly endpoints = new ResourceSet();
  private readonly nics = new ResourceSet();
  private readonly vnets = new ResourceSet();
  private readonly zones = new ResourceSet();
  /** Child resources and settings: emitted as read. */
  private readonly children = new ResourceSet();
  private readonly notices: Notice[] = [];
  private readonly unreadable = new Map<string, string>();
  private resourcesRead = 0;
  /** Topology resources Resource Graph returned with the step-1' query (their children are read by ARM). */
  private topologyRows: ArmResource[] = [];
  /** Endpoint idKey → the audited vaults it targets (filled while reading vaults). */
  private endpointVaults: Wanted = new Map();
  /** VNets of `referencedIds`, by idKey. */
  private referenced: Wanted = new Map();

  constructor(
    private readonly reader: ArmReader,
    private readonly settings: CollectSettings,
  ) {}

  async run(): Promise<Collection> {
    this.referenced = this.referencedVnets();
    if (this.settings.graph) await this.listByGraph(this.settings.graph);
    else await this.listSubscriptions();
    const principal = this.settings.rbacPrincipal;
    const zonesByName = this.readZones('by-name');
    const [endpointIds, roleData] = await Promise.all([
      this.readVaults(),
      principal
        ? readRoleData(
            { reader: this.reader, read: (task) => this.read(task), log: this.settings.log },
            principal,
            this.vaults.all(),
          )
        : undefined,
    ]);
    if (roleData) {
      roleData.resources.forEach((r) => this.children.add(r));
      for (const notice of roleData.notices) this.notices.push(notice);
    }
    await this.readEndpoints(endpointIds);
    await zonesByName;
    await this.readZones('by-group');
    await this.readNetworks();
    await this.readTopology();
    const emitted = byIdKey([
      ...this.vaults.resources(),
      ...this.endpoints.emitted(),
      ...this.nics.emitted(),
      ...this.vnets.all(),
      ...this.zones.all(),
      ...this.children.all(),
    ]);
    const notices = [...this.notices].sort((a, b) =>
      `${a.resourceId ?? ''} ${a.message}`.localeCompare(`${b.resourceId ?? ''} ${b.message}`),
    );
    const collection: Collection = {
      resources: emitted,
      vaultErrors: this.vaults.errors,
      notices,
      vaultsListed: this.vaults.size,
      unreadable: this.unreadable,
    };
    if (roleData) collection.roleReads = roleData.roleReads;
    return collection;
  }

  // 1. One list per subscription and type.
  private async listSubscriptions(): Promise<void> {
    const addVaults = (resources: ArmResource[]): void =>
      resources.filter((r) => this.inScope(r)).forEach((r) => this.vaults.add(r));
    const addTo =
      (set: ResourceSet) =>
      (resources: ArmResource[], subscriptionId: string): void => {
        resources.forEach((r) => set.add(r));
        set.markListed(subscriptionId);
      };
    const lists: {
      list: SubscriptionList;
      what: string;
      into: (resources: ArmResource[], subscriptionId: string) => void;
    }[] = [
      { list: 'listVaults', what: 'key vaults', into: addVaults },
      { list: 'listManagedHsms', what: 'managed HSMs', into: addVaults },
      { list: 'listPrivateEndpoints', what: 'private endpoints', into: addTo(this.endpoints) },
      { list: 'listNetworkInterfaces', what: 'network interfaces', into: addTo(this.nics) },
      { list: 'listVirtualNetworks', what: 'virtual networks', into: addTo(this.vnets) },
      { list: 'listPrivateDnsZones', what: 'private DNS zones', into: addTo(this.zones) },
    ];
    const failures: { subscriptionId: string; what: string; reason: string; vaultList: boolean }[] = [];
    await Promise.all(
      this.settings.subscriptions.flatMap((subscriptionId) =>
        lists.map(async ({ list, what, into }) => {
          try {
            const resources = await this.read(() => this.reader[list](subscriptionId));
            into(resources, subscriptionId);
            this.settings.log(`subscription ${subscriptionId}: ${what}: ${resources.length}`);
          } catch (thrown) {
            failures.push({
              subscriptionId,
              what,
              reason: describeError(thrown),
              vaultList: list === 'listVaults' || list === 'listManagedHsms',
            });
          }
        }),
      ),
    );
    // Completion order depends on timing: report in subscription and list order, so output is reproducible.
    const order = (f: (typeof failures)[number]): string =>
      `${this.settings.subscriptions.indexOf(f.subscriptionId).toString().padStart(6, '0')}:${lists.findIndex((l) => l.what === f.what)}`;
    failures.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
    for (const failure of failures) {
      const message = `subscription ${failure.subscriptionId}: could not list ${failure.what}: ${failure.reason}`;
      // Vaults that could not be listed cannot be named: the run says so and is incomplete.
      const affected = failure.vaultList ? [] : this.vaults.inSubscription(failure.subscriptionId);
      this.fail(affected, message, `/subscriptions/${failure.subscriptionId}`);
    }
    if (this.vaults.size === 0 && failures.length === 0) {
      const filtered = this.settings.vaultName !== undefined || this.settings.resourceGroup !== undefined;
      this.notices.push({
        level: filtered ? 'error' : 'warning',
        message: `no key vault or managed HSM found in subscription(s) ${this.settings.subscriptions.join(', ')}${this.filterText()}`,
      });
    }
  }

  // 1'. Through Resource Graph: one query, every subscription, every listed type.
  private async listByGraph(graph: GraphReader): Promise<void> {
    const subscriptions = this.settings.subscriptions;
    let rows: ArmResource[];
    try {
      rows = await this.read(() =>
        graph.query('resources', typeIn([...GRAPH_LISTED_TYPES, ...TOPOLOGY_GRAPH_TYPES]), subscriptions),
      );
    } catch (thrown) {
      this.fail(
        [],
        `Resource Graph: could not list key vaults, endpoints, NICs, VNets and zones in subscription(s) ${subscriptions.join(', ')}: ${describeError(thrown)}`,
      );
      return;
    }
    const sets: Record<string, ResourceSet> = {
      [MODEL_TYPES.privateEndpoint]: this.endpoints,
      [MODEL_TYPES.networkInterface]: this.nics,
      [MODEL_TYPES.virtualNetwork]: this.vnets,
      [MODEL_TYPES.privateDnsZone]: this.zones,
    };
    const answered = new Set<string>();
    for (const resource of rows) {
      answered.add((parseId(resource.id).subscriptionId ?? '').toLowerCase());
      const type = resource.type.toLowerCase();
      if (type === MODEL_TYPES.vault || type === MODEL_TYPES.managedHsm) {
        if (this.inScope(resource)) this.vaults.add(resource);
      } else if (TOPOLOGY_GRAPH_TYPES.has(type)) this.topologyRows.push(resource);
      else sets[type]?.add(resource);
    }
    for (const subscriptionId of subscriptions) {
      Object.values(sets).forEach((set) => set.markListed(subscriptionId));
      if (!answered.has(subscriptionId.toLowerCase())) {
        // ARG answers only for subscriptions the identity can read: empty and unreadable look the same.
        this.notices.push({
          level: 'warning',
          message: `Resource Graph returned no resource of subscription ${subscriptionId}: it holds none, or this identity cannot read it`,
          resourceId: `/subscriptions/${subscriptionId}`,
        });
      }
    }
    this.settings.log(
      `Resource Graph: ${rows.length} resources in ${subscriptions.length} subscription(s), ${this.vaults.size} vaults in scope`,
    );
    if (this.vaults.size === 0) {
      const filtered = this.settings.vaultName !== undefined || this.settings.resourceGroup !== undefined;
      this.notices.push({
        level: filtered ? 'error' : 'warning',
        message: `no key vault or managed HSM found in subscription(s) ${subscriptions.join(', ')}${this.filterText()}`,
      });
    }
  }

  // 6. Routing and name resolution (issue 11): per subscription one list of route tables, NSGs, firewalls,
  //    firewall policies, virtual WANs, hubs, DNS resolvers and forwarding rulesets (through Resource Graph they
  //    came with step 1'); per hub, resolver and ruleset one list of each child type. O(subscriptions + hubs +
  //    resolvers + rulesets), never per vault. A list that fails errors the vaults of its subscription: without
  //    it a ruleset or route could be missing silently.
  private async readTopology(): Promise<void> {
    const failures: { subscriptionId: string; message: string; resourceId: string }[] = [];
    const list = async (what: TopologyList, scopeId: string, subscriptionId: string): Promise<ArmResource[]> => {
      try {
        const resources = await this.read(() => this.reader.listTopology(what, scopeId));
        resources.forEach((r) => this.children.add(r));
        return resources;
      } catch (thrown) {
        const child = scopeId.startsWith('/');
        failures.push({
          subscriptionId,
          message: `could not list ${what}${child ? ` of ${scopeId}` : ''}: ${describeError(thrown)}`,
          resourceId: child ? scopeId : `/subscriptions/${subscriptionId}`,
        });
        return [];
      }
    };
    const parents: { resource: ArmResource; subscriptionId: string }[] = [];
    if (this.settings.graph) {
      for (const resource of this.topologyRows) {
        this.children.add(resource);
        parents.push({ resource, subscriptionId: parseId(resource.id).subscriptionId ?? '' });
      }
    } else {
      const listAll = (lists: readonly TopologyList[]): Promise<void[]> =>
        Promise.all(
          this.settings.subscriptions.flatMap((subscriptionId) =>
            lists.map(async (what) => {
              for (const resource of await list(what, subscriptionId, subscriptionId))
                parents.push({ resource, subscriptionId });
            }),
          ),
        );
      const wanted = this.topologyWanted();
      await listAll(TOPOLOGY_SUBSCRIPTION_LISTS.filter((what) => wanted.has(what)));
      // A ruleset forwards from its resolver's outbound endpoint: read the resolvers when one exists.
      const rulesets = parents.some((p) => p.resource.type.toLowerCase() === TOPOLOGY_TYPES.dnsForwardingRulesets);
      if (rulesets && !wanted.has('dnsResolvers')) await listAll(['dnsResolvers']);
    }
    const childLists = Object.entries(TOPOLOGY_CHILD_LISTS) as [TopologyList, TopologyList][];
    await Promise.all(
      parents.flatMap(({ resource, subscriptionId }) =>
        childLists
          .filter(([, parentList]) => TOPOLOGY_TYPES[parentList] === resource.type.toLowerCase())
          .map(([child]) => list(child, resource.id, subscriptionId)),
      ),
    );
    failures.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
    for (const failure of failures)
      this.fail(
        this.vaults.inSubscription(failure.subscriptionId),
        `subscription ${failure.subscriptionId}: ${failure.message}`,
        failure.resourceId,
      );
  }

  /**
   * Which subscription-wide topology lists the collected VNets call for, so an estate without them pays one
   * list (forwarding rulesets, which nothing references: a linked VNet's queries follow them unseen):
   * route tables and NSGs when a subnet names one; hubs and WANs when a VNet is peered to a Virtual WAN hub's
   * managed VNet (named `HV_...`, outside every subscription); firewalls, policies and resolvers when a VNet
   * lists DNS servers or a subnet has a route table (a next hop or a DNS proxy may be one).
   */
  private topologyWanted(): Set<TopologyList> {
    const wanted = new Set<TopologyList>(['dnsForwardingRulesets', 'dnsResolvers']);
    let customDns = false;
    for (const resource of this.vnets.all()) {
      const { vnet, subnets } = normalize.virtualNetwork(resource);
      if (vnet.dnsServers.length > 0) customDns = true;
      for (const subnet of subnets) {
        if (subnet.routeTableId) wanted.add('routeTables');
        if (subnet.networkSecurityGroupId) wanted.add('networkSecurityGroups');
      }
      if (vnet.peerings.some((p) => /^hv_/i.test(parseId(p.remoteVirtualNetworkId ?? '').name))) {
        wanted.add('virtualHubs');
        wanted.add('virtualWans');
      }
    }
    if (customDns || wanted.has('routeTables') || wanted.has('virtualHubs')) {
      wanted.add('azureFirewalls');
      wanted.add('firewallPolicies');
    } else wanted.delete('dnsResolvers');
    return wanted;
  }

  // 2. Per vault: diagnostic settings, and the endpoints that target it.
  private async readVaults(): Promise<Wanted> {
    const wanted: Wanted = new Map();
    const want = (id: string, vault: Vault): void => addWanted(wanted, id, [vault.id]);
    for (const vault of this.vaults.all()) {
      for (const connection of vault.privateEndpointConnections) {
        // A Disconnected connection outlives its deleted endpoint: the state says all there is to say.
        const disconnected = (connection.state?.status ?? '').toLowerCase() === 'disconnected';
        if (connection.privateEndpointId && !disconnected) want(connection.privateEndpointId, vault);
      }
    }
    // Endpoints whose own connections name a vault (a manual connection shows on the endpoint first).
    for (const endpoint of this.endpoints.all()) {
      for (const connection of normalize.privateEndpoint(endpoint).connections) {
        const target = connection.privateLinkServiceId ? this.vaults.get(connection.privateLinkServiceId) : undefined;
        if (target) want(endpoint.id, target);
      }
    }
    const readSettings = !this.settings.skipReads?.has('diagnostic-settings');
    await Promise.all([
      ...(readSettings ? this.vaults.all() : []).map(async (vault) => {
        try {
          // Per-vault cost: ARM has no subscription-wide list of diagnostic settings.
          const settings = await this.read(() => this.reader.listDiagnosticSettings(vault.id));
          settings.forEach((s) => this.children.add(s));
        } catch (thrown) {
          this.fail([vault.id], this.readFailure(`diagnostic settings of ${vault.name}`, thrown));
        }
      }),
      this.fetchMissing(this.endpoints, wanted),
    ]);
    this.endpointVaults = wanted;
    return wanted;
  }

  // 3. Per endpoint of an audited vault: its zone groups, NICs and VNet.
  private async readEndpoints(wanted: Wanted): Promise<void> {
    const nicsWanted: Wanted = new Map();
    const vnetsWanted: Wanted = new Map();
    // Read with the endpoints' VNets, so a VNet both name is read once.
    for (const { id } of this.referenced.values()) addWanted(vnetsWanted, id, []);
    const nicsByEndpoint = new Map<string, ArmResource[]>();
    for (const nic of this.nics.all()) {
      const endpointId = normalize.networkInterface(nic).privateEndpointId;
      if (endpointId) nicsByEndpoint.set(idKey(endpointId), [...(nicsByEndpoint.get(idKey(endpointId)) ?? []), nic]);
    }
    const groupReads: Promise<void>[] = [];
    for (const { id, dependents } of wanted.values()) {
      const resource = this.endpoints.get(id);
      if (!resource) continue;
      this.endpoints.emit(resource.id);
      const endpoint = normalize.privateEndpoint(resource);
      for (const nicId of endpoint.networkInterfaceIds) addWanted(nicsWanted, nicId, dependents);
      for (const nic of nicsByEndpoint.get(idKey(endpoint.id)) ?? []) addWanted(nicsWanted, nic.id, dependents);
      if (endpoint.subnetId) addWanted(vnetsWanted, vnetOf(endpoint.subnetId), dependents);
      if (this.settings.skipReads?.has('zone-groups')) continue;
      groupReads.push(
        (async () => {
          try {
            // Per-endpoint cost: zone groups are only listed under their endpoint.
            const groups = await this.read(() => this.reader.listZoneGroups(endpoint.id));
            groups.forEach((g) => this.children.add(g));
          } catch (thrown) {
            this.fail(
              [...dependents],
              this.readFailure(`DNS zone groups of private endpoint ${endpoint.name}`, thrown, true),
            );
          }
        })(),
      );
    }
    await Promise.all([
      ...groupReads,
      this.fetchMissing(this.nics, nicsWanted),
      this.fetchMissing(this.vnets, vnetsWanted),
    ]);
    for (const { id } of nicsWanted.values()) if (this.nics.get(id)) this.nics.emit(id);
  }

  // 4. Zones that can serve an audited vault: by name, or named by a zone group. One list of links and
  //    one of A records each. The zones named as the vaults' kinds require are read as soon as the lists
  //    are in (their A record list pages one after another, 100 records a page, so it starts early and runs
  //    beside the per-vault reads); zones only a zone group names are read once the groups are.
  private readonly zoneReads = new Map<string, { dependents: Set<string>; failure?: string }>();

  private async readZones(phase: 'by-name' | 'by-group'): Promise<void> {
    const referenced: Wanted = new Map();
    if (phase === 'by-group') {
      for (const group of this.children.ofType(MODEL_TYPES.zoneGroup)) {
        const dependents = this.vaultsOf(normalize.privateDnsZoneGroup(group).privateEndpointId);
        for (const config of normalize.privateDnsZoneGroup(group).configs) {
          if (config.privateDnsZoneId) addWanted(referenced, config.privateDnsZoneId, dependents);
        }
      }
      await this.fetchMissing(this.zones, referenced);
    }
    const requiredBy = new Map<string, Set<string>>();
    for (const vault of this.vaults.all()) {
      const name = requiredZoneName(vault.cloud ?? this.settings.cloud, vault.kind);
      const vaults = requiredBy.get(name);
      if (vaults) vaults.add(vault.id);
      else requiredBy.set(name, new Set([vault.id]));
    }
    const reads: Promise<void>[] = [];
    const served: { zone: ArmResource; dependents: Set<string> }[] = [];
    for (const zone of this.zones.all()) {
      const name = zone.name.toLowerCase();
      const dependents = new Set([
        ...(requiredBy.get(name) ?? []),
        ...(referenced.get(idKey(zone.id))?.dependents ?? []),
      ]);
      const nearMiss = KEY_VAULT_ZONE_HINTS.some((hint) => name.includes(hint));
      if (dependents.size === 0 && !nearMiss) continue; // a zone no audited vault can resolve through
      if (dependents.size === 0)
        this.vaults.ofKind(name.includes('managedhsm') ? 'managedHsm' : 'vault').forEach((v) => dependents.add(v.id));
      const earlier = this.zoneReads.get(idKey(zone.id));
      if (earlier) {
        // Read by name already: vaults that reach it only through a zone group share its failure, if any.
        const added = [...dependents].filter((id) => !earlier.dependents.has(id));
        added.forEach((id) => earlier.dependents.add(id));
        if (earlier.failure !== undefined && added.length > 0) this.fail(added, earlier.failure, zone.id);
        continue;
      }
      const state: { dependents: Set<string>; failure?: string } = { dependents };
      this.zoneReads.set(idKey(zone.id), state);
      served.push({ zone, dependents });
      if (this.settings.graph) continue;
      for (const [what, list] of [
        ['virtual network links', () => this.reader.listVirtualNetworkLinks(zone.id)],
        ['A record sets', () => this.reader.listARecordSets(zone.id)],
      ] as const) {
        reads.push(
          (async () => {
            try {
              (await this.read(list)).forEach((r) => this.children.add(r));
            } catch (thrown) {
              state.failure = this.readFailure(`${what} of zone ${zone.name}`, thrown, true);
              this.fail([...state.dependents], state.failure, zone.id);
            }
          })(),
        );
      }
    }
    if (this.settings.graph)
      for (const read of this.readZoneChildrenByGraph(this.settings.graph, served)) reads.push(read);
    await Promise.all(reads);
  }

  /** Links and A records of many zones in a few queries: `id startswith '<zone id>/'`, 50 zones a query. */
  private readZoneChildrenByGraph(
    graph: GraphReader,
    served: { zone: ArmResource; dependents: Set<string> }[],
  ): Promise<void>[] {
    return chunks(served, 50).flatMap((group) => {
      const prefixes = group.map(({ zone }) => `id startswith ${kqlString(`${zone.id}/`)}`).join(' or ');
      const subscriptions = subscriptionsOf(group.map(({ zone }) => zone.id));
      return [
        { what: 'virtual network links', table: 'resources' as const, type: LINK_TYPE },
        { what: 'A record sets', table: 'dnsresources' as const, type: A_RECORD_TYPE },
      ].map(async ({ what, table, type }) => {
        try {
          const found = await this.read(() =>
            graph.query(table, `type =~ ${kqlString(type.toLowerCase())} and (${prefixes})`, subscriptions),
          );
          found.forEach((r) => this.children.add(r));
        } catch (thrown) {
          for (const { zone, dependents } of group)
            this.fail(
              [...dependents],
              this.readFailure(`${what} of zone ${zone.name} (Resource Graph)`, thrown),
              zone.id,
            );
        }
      });
    });
  }

  // 5. VNets the path crosses outside the listed subscriptions: peered (hub, where DNS servers live) with
  //    the endpoints' and the referenced VNets, and those of the vaults' virtual network rules.
  private async readNetworks(): Promise<void> {
    const wanted: Wanted = new Map();
    const peersOf = (vnetId: string, dependents: Iterable<string>): void => {
      const vnet = this.vnets.get(vnetId);
      for (const peering of vnet ? normalize.virtualNetwork(vnet).vnet.peerings : []) {
        if (peering.remoteVirtualNetworkId) addWanted(wanted, peering.remoteVirtualNetworkId, dependents);
      }
    };
    for (const resource of this.endpoints.emitted()) {
      const endpoint = normalize.privateEndpoint(resource);
      if (endpoint.subnetId) peersOf(vnetOf(endpoint.subnetId), this.vaultsOf(endpoint.id));
    }
    for (const { id, dependents } of this.referenced.values()) peersOf(id, dependents);
    for (const vault of this.vaults.all()) {
      for (const rule of vault.networkAcls?.virtualNetworkRules ?? [])
        addWanted(wanted, vnetOf(rule.id), new Set([vault.id]));
    }
    await this.fetchMissing(this.vnets, wanted);
  }

  /**
   * The referenced VNets, with no dependent vault: one that cannot be read is a run-level error (the
   * rules still evaluate each vault, without it), not an error on every vault.
   */
  private referencedVnets(): Wanted {
    const wanted: Wanted = new Map();
    for (const id of this.settings.referencedIds ?? []) {
      const type = (parseId(id).type ?? '').toLowerCase();
      if (type === MODEL_TYPES.virtualNetwork) addWanted(wanted, id, []);
      else if (type === MODEL_TYPES.subnet) addWanted(wanted, vnetOf(id), []);
      else this.fail([], `referenced id ${id}: expected a VNet or subnet id`);
    }
    return wanted;
  }

  private vaultsOf(endpointId: string): Set<string> {
    return this.endpointVaults.get(idKey(endpointId))?.dependents ?? new Set();
  }

  /** GETs, once each, the wanted resources the lists did not return (through Resource Graph: 100 ids a query). */
  private async fetchMissing(set: ResourceSet, wanted: Wanted): Promise<void> {
    const missing = [...wanted.values()]
      // A resource its subscription's list did not return does not exist: the rules report it missing.
      .filter(({ id }) => !set.get(id) && !set.isFetched(id) && !set.coversSubscriptionOf(id));
    if (this.settings.graph) return this.fetchByGraph(this.settings.graph, set, missing);
    await Promise.all(
      missing.map(async ({ id, dependents }) => {
        set.markFetched(id);
        try {
          set.add(await this.read(() => this.reader.getById(id)));
        } catch (thrown) {
          if (set === this.endpoints && isUnreadable(thrown)) {
            this.markUnreadable(id, describeError(thrown));
            return;
          }
          const reason = isNotFound(thrown)
            ? `${id} is referenced by ${this.referrer(id)} but returned 404 (${this.referenced.has(idKey(id)) ? 'a typo, or deleted?' : 'deleted during the audit?'}): ${describeError(thrown)}`
            : `could not read ${id}: ${describeError(thrown)}`;
          this.fail([...dependents], reason, id);
        }
      }),
    );
  }

  private async fetchByGraph(
    graph: GraphReader,
    set: ResourceSet,
    missing: { id: string; dependents: Set<string> }[],
  ): Promise<void> {
    await Promise.all(
      chunks(missing, 100).map(async (group) => {
        group.forEach(({ id }) => set.markFetched(id));
        const ids = group.map(({ id }) => id);
        try {
          const found = await this.read(() =>
            graph.query('resources', `id in~ (${ids.map(kqlString).join(', ')})`, subscriptionsOf(ids)),
          );
          found.forEach((r) => set.add(r));
        } catch (thrown) {
          for (const { id, dependents } of group)
            this.fail([...dependents], `could not read ${id} through Resource Graph: ${describeError(thrown)}`, id);
          return;
        }
        for (const { id, dependents } of group) {
          if (!set.get(id) && set === this.endpoints)
            this.markUnreadable(id, 'Resource Graph does not return it to this identity');
          else if (!set.get(id))
            this.fail(
              [...dependents],
              `${id} is referenced by ${this.referrer(id)} but Resource Graph does not return it (deleted, or not readable by this identity)`,
              id,
            );
        }
      }),
    );
  }

  /** A vault's connection names an endpoint this identity cannot read: that connection alone goes unjudged. */
  private markUnreadable(id: string, reason: string): void {
    this.settings.log(`private endpoint ${id} could not be read: ${reason}`);
    this.unreadable.set(idKey(id), reason);
  }

  private referrer(id: string): string {
    return this.referenced.has(idKey(id)) ? "the audit's options (the caller's VNet)" : 'a resource kvguard read';
  }

  private async read<T extends ArmResource | ArmResource[]>(task: () => Promise<T>): Promise<T> {
    const result = await (this.settings.limiter ? this.settings.limiter.run(task) : task());
    this.resourcesRead += Array.isArray(result) ? result.length : 1;
    this.settings.onProgress?.({ resourcesRead: this.resourcesRead, vaultsFound: this.vaults.size });
    return result;
  }

  /** A read under a resource the lists returned: a 404 there means it was deleted while kvguard read. */
  private readFailure(what: string, thrown: unknown, underListed = false): string {
    const reason = describeError(thrown);
    return underListed && isNotFound(thrown)
      ? `${what} returned 404 after the parent was listed (deleted during the audit?): ${reason}`
      : `could not read ${what}: ${reason}`;
  }

  private fail(vaultIds: readonly string[], reason: string, resourceId?: string): void {
    this.settings.log(reason);
    if (vaultIds.length === 0) {
      this.notices.push(
        resourceId ? { level: 'error', message: reason, resourceId } : { level: 'error', message: reason },
      );
      return;
    }
    for (const id of vaultIds) this.vaults.fail(id, reason);
  }

  private inScope(resource: ArmResource): boolean {
    const { resourceGroup, vaultName } = this.settings;
    if (vaultName !== undefined && resource.name.toLowerCase() !== vaultName.toLowerCase()) return false;
    return (
      resourceGroup === undefined ||
      (parseId(resource.id).resourceGroup ?? '').toLowerCase() === resourceGroup.toLowerCase()
    );
  }

  private filterText(): string {
    const parts = [
      this.settings.resourceGroup !== undefined ? `resource group ${this.settings.resourceGroup}` : undefined,
      this.settings.vaultName !== undefined ? `name ${this.settings.vaultName}` : undefined,
    ].filter((p): p is string => p !== undefined);
    return parts.length > 0 ? ` matching ${parts.join(' and ')}` : '';
  }
}

/**
 * Resources sorted by idKey, each key computed once: a comparator that lower-cases both ids makes
 * 2 × n log n strings (at 57,000 resources, ~300 MB of garbage at the collection's memory peak).
 */
function byIdKey(resources: readonly ArmResource[]): ArmResource[] {
  const keyed = resources.map((resource) => ({ key: idKey(resource.id), resource }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map(({ resource }) => resource);
}

function vnetOf(subnetId: string): string {
  return parentId(subnetId);
}

/** 403 (another tenant's or an unreadable subscription) or 404 (a managed endpoint ARM does not show us). */
function isUnreadable(thrown: unknown): boolean {
  const status = errorFacts(thrown).statusCode;
  return status === 403 || status === 404;
}
