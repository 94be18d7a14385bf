import { ARM_TYPES } from '../model/arm-types';
import type { ArmResource, JsonObject } from '../model/arm';
import { parseId } from '../model/arm';

/**
 * Azure Resource Graph as a source of ARM resources: one KQL query answers a type across every
 * subscription, 1,000 rows a page, instead of a list per subscription and type. What it holds
 * (https://learn.microsoft.com/azure/governance/resource-graph/reference/supported-tables-resources):
 * `resources` has vaults, managed HSMs, private endpoints, NICs, VNets, private DNS zones and their
 * virtual network links; `dnsresources` has private DNS record sets. It does NOT hold private endpoints'
 * DNS zone groups (a child resource ARG does not index) nor diagnostic settings (not in any ARG table:
 * Azure/bicep#18820, Azure/Azure-Proactive-Resiliency-Library-v2#53): those stay per-resource ARM reads.
 *
 * ARG lower-cases `type`; rows are turned back into ARM GET shape with Microsoft's casing, so a snapshot
 * written from ARG reads like one written from ARM.
 */
export type GraphTable = 'resources' | 'dnsresources';

export interface GraphReader {
  /** Every row of `table | where <where>` in those subscriptions, all pages, as ARM resources. */
  query(table: GraphTable, where: string, subscriptions: readonly string[]): Promise<ArmResource[]>;
}

/** Types the collector lists from `resources`, with Microsoft's casing. */
export const GRAPH_LISTED_TYPES = [
  ARM_TYPES.vault,
  ARM_TYPES.managedHsm,
  ARM_TYPES.privateEndpoint,
  ARM_TYPES.networkInterface,
  ARM_TYPES.virtualNetwork,
  ARM_TYPES.privateDnsZone,
] as const;
export const LINK_TYPE = ARM_TYPES.virtualNetworkLink;
export const A_RECORD_TYPE = ARM_TYPES.aRecordSet;

const CANONICAL = new Map([...GRAPH_LISTED_TYPES, LINK_TYPE, A_RECORD_TYPE].map((t) => [t.toLowerCase(), t]));

/** The columns that make an ARM body; ARG's extra ones (resourceGroup, tenantId...) are dropped. */
export const PROJECTION = '| project id, name, type, location, kind, sku, tags, properties | order by id asc';

/** A KQL string literal. */
export function kqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function typeIn(types: readonly string[]): string {
  return `type in~ (${types.map((t) => kqlString(t.toLowerCase())).join(', ')})`;
}

/** An ARG row (projected as above) in ARM GET shape. */
export function armFromRow(row: JsonObject): ArmResource | undefined {
  const { id, name, type, location, kind, sku, tags, properties } = row;
  if (typeof id !== 'string' || typeof type !== 'string') return undefined;
  const resource: ArmResource = {
    id,
    name: typeof name === 'string' ? name : parseId(id).name,
    type: CANONICAL.get(type.toLowerCase()) ?? type,
  };
  if (typeof location === 'string' && location !== '') resource.location = location;
  if (typeof kind === 'string' && kind !== '') resource.kind = kind;
  if (sku !== null && typeof sku === 'object' && !Array.isArray(sku)) resource.sku = sku;
  if (tags !== null && typeof tags === 'object' && !Array.isArray(tags)) resource.tags = tags as Record<string, string>;
  if (properties !== null && typeof properties === 'object' && !Array.isArray(properties))
    resource.properties = properties;
  return resource;
}

/** Splits a list into chunks, so no query text grows without bound. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function subscriptionsOf(ids: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const id of ids) {
    const sub = parseId(id).subscriptionId;
    if (sub && !seen.has(sub.toLowerCase())) seen.set(sub.toLowerCase(), sub);
  }
  return [...seen.values()];
}

/**
 * The caller-relative path's network resources (routes, NSGs, firewalls, Virtual WAN, DNS resolvers and
 * rulesets): tracked resources, so Resource Graph's `resources` table holds them. Their proxy children
 * (forwarding rules, ruleset links, hub connections and route tables) are not listed here.
 */
export const PATH_NETWORK_TYPES = [
  ARM_TYPES.routeTable,
  ARM_TYPES.networkSecurityGroup,
  ARM_TYPES.azureFirewall,
  ARM_TYPES.firewallPolicy,
  ARM_TYPES.virtualWan,
  ARM_TYPES.virtualHub,
  ARM_TYPES.dnsResolver,
  ARM_TYPES.inboundEndpoint,
  ARM_TYPES.outboundEndpoint,
  ARM_TYPES.forwardingRuleset,
] as const;

/**
 * The proxy children of PATH_NETWORK_TYPES: the live Resource Graph path reads them from ARM per parent, but
 * the printed snapshot queries cannot, so a snapshot made from them holds none (Estate.unreadTypes).
 */
export const GRAPH_UNHELD_CHILD_TYPES = [
  ARM_TYPES.forwardingRule,
  ARM_TYPES.rulesetLink,
  ARM_TYPES.hubConnection,
  ARM_TYPES.hubRouteTable,
] as const;

/**
 * The queries a user runs to snapshot an estate through Resource Graph (`kvguard snapshot --print-query`,
 * docs/queries/*.kql): every type the rules read that ARG holds, projected with `properties`. Two queries,
 * since ARG's `union` joins `resources` only with itself or `resourcecontainers`
 * (https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language#supported-tabulartop-level-operators);
 * their outputs concatenated are one snapshot. What ARG never holds (zone groups, diagnostic settings) is
 * reported skipped by KV104 and KV503 when such a snapshot is audited.
 */
export const SNAPSHOT_QUERIES: Readonly<Record<GraphTable, string>> = {
  resources: [
    'resources',
    `| where ${typeIn([...GRAPH_LISTED_TYPES, LINK_TYPE, ...PATH_NETWORK_TYPES])}`,
    PROJECTION,
  ].join('\n'),
  dnsresources: ['dnsresources', `| where type =~ ${kqlString(A_RECORD_TYPE.toLowerCase())}`, PROJECTION].join('\n'),
};
