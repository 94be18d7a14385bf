import {
  asArray,
  asObject,
  asString,
  idKey,
  parentId,
  type ArmResource,
  type JsonObject,
  type JsonValue,
} from '../model/arm';
import { CLOUDS, type CloudName } from '../model/cloud';
import { buildEstate, type Estate } from '../model/estate';
import { armShape, mappingFor, type TypeMapping } from './arm-types';
import { getPath, setPath, topKey } from './paths';
import { plainProps } from './plain';

/**
 * Pulumi resources → ARM resources → the estate the rules read (DESIGN 1: "Pulumi resources are mapped
 * to it"). A resource's props are either its outputs (after `pulumi up`) or its planned state (inputs
 * during `pulumi preview`, and always for resource policies). ARM ids are synthesized from the path
 * parameters (`resourceGroupName`, `vaultName`...), since policies do not see ids.
 *
 * Planned resources get what ARM sets deterministically when it creates them, and nothing it decides
 * later: a vault's `vaultUri` (from the cloud); a private endpoint connection's state, Approved for an
 * automatic connection and Pending for a manual one (Private Link's documented behaviour); and, as unknown
 * values, what only deployment tells: provisioningState, the endpoint's NIC, the addresses of the A record
 * a DNS zone group writes. Rules that read an unknown value are skipped with the reason (see taint.ts).
 */
export interface PulumiResourceView {
  urn: string;
  type: string;
  name: string;
  /** Outputs or inputs; may be wrapped in @pulumi/policy's unknownCheckingProxy. */
  props: unknown;
  /** Top-level input → URNs of the resources its value came from (the analyzer's `propertyDependencies`). */
  propertyDependencies?: Record<string, string[]>;
}

export interface AdapterOptions {
  cloud?: CloudName;
  /** Used when no known ARM id in the stack names the subscription (a first preview). */
  subscriptionId?: string;
}

export interface AdaptedResource {
  urn: string;
  name: string;
  token: string;
  mapping: TypeMapping;
  id: string;
  /** The Pulumi-side props, plain, with planned values filled. */
  props: JsonObject;
  /** Paths of `props` whose values are unknown until deployment. */
  unknowns: string[];
  planned: boolean;
}

export interface AdaptedStack {
  resources: AdaptedResource[];
  /** Resources Azure creates as side effects (the A record of a zone group), planned with unknown values. */
  effects: AdaptedResource[];
  /** Resources of types kvguard does not map (or whose id cannot be built), with the reason. */
  skipped: { urn: string; reason: string }[];
  subscriptionId: string;
}

export const PLACEHOLDER_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

/** What ARM writes in `privateLinkServiceConnectionState` when it creates a connection. */
const AUTO_APPROVED: JsonObject = { status: 'Approved', description: 'Auto-Approved', actionsRequired: 'None' };

interface Pending {
  view: PulumiResourceView;
  mapping: TypeMapping;
  props: JsonObject;
  unknowns: string[];
}

export function adaptStack(views: readonly PulumiResourceView[], options: AdapterOptions = {}): AdaptedStack {
  const skipped: AdaptedStack['skipped'] = [];
  const pending = new Map<string, Pending>();
  for (const view of views) {
    const mapping = mappingFor(view.type);
    if (!mapping) continue;
    const { value, unknowns } = plainProps(view.props);
    pending.set(view.urn, { view, mapping, props: value, unknowns });
  }
  const subscriptionId =
    knownSubscription([...pending.values()].map((p) => p.props)) ?? options.subscriptionId ?? PLACEHOLDER_SUBSCRIPTION;
  const ids = new Map<string, string | undefined>();
  const resolving = new Set<string>();

  /** The ARM id of a resource in the stack: its known `id`, else built from its path parameters. */
  const idOf = (urn: string): string | undefined => {
    if (ids.has(urn)) return ids.get(urn);
    const entry = pending.get(urn);
    if (!entry || resolving.has(urn)) return undefined;
    resolving.add(urn);
    const id = knownId(entry) ?? buildId(entry, subscriptionId, idOf, (reason) => skipped.push({ urn, reason }));
    resolving.delete(urn);
    ids.set(urn, id);
    return id;
  };

  const resources: AdaptedResource[] = [];
  for (const entry of pending.values()) {
    const id = idOf(entry.view.urn);
    if (!id) continue;
    resolveReferences(entry, idOf);
    const planned = isPlanned(entry);
    if (planned) plan(entry, id, options.cloud ?? 'AzureCloud');
    resources.push({
      urn: entry.view.urn,
      name: entry.view.name,
      token: entry.view.type,
      mapping: entry.mapping,
      id,
      props: entry.props,
      unknowns: entry.unknowns,
      planned,
    });
  }
  return { resources, effects: [...plannedRecords(resources), ...reportedEffects(resources)], skipped, subscriptionId };
}

/** ARM resources of the adapted stack; `fill` stands in for unknown values (taint.ts compares fillings). */
export function armResources(stack: AdaptedStack, fill?: JsonValue): ArmResource[] {
  const resources = [...stack.resources, ...stack.effects].map((resource) => {
    const props = fill === undefined ? resource.props : withFilled(resource.props, resource.unknowns, fill);
    const shaped = armShape(resource.mapping, props);
    const armType = resource.mapping.armType.replace('{recordType}', asString(resource.props.recordType) ?? 'A');
    return { ...shaped, id: resource.id, name: resource.id.split('/').pop() ?? '', type: armType } as ArmResource;
  });
  return foldPeerings(resources);
}

const PEERING_TYPE = 'microsoft.network/virtualnetworks/virtualnetworkpeerings';

/**
 * A peering declared as its own resource goes inside its VNet (`properties.virtualNetworkPeerings`), where
 * ARM keeps it and the estate reads it. It replaces an inline peering of the same name: a VNet's outputs
 * are its state when it was PUT (the spoke's inline side still `Initiated`), the peering's own outputs
 * come later (`Connected` once the other side exists).
 */
function foldPeerings(resources: ArmResource[]): ArmResource[] {
  const vnets = new Map(
    resources.filter((r) => r.type.toLowerCase() === 'microsoft.network/virtualnetworks').map((r) => [idKey(r.id), r]),
  );
  for (const peering of resources.filter((r) => r.type.toLowerCase() === PEERING_TYPE)) {
    const vnet = vnets.get(idKey(parentId(peering.id)));
    if (!vnet) continue;
    const properties = (vnet.properties ??= {});
    const entry: JsonObject = { name: peering.name, id: peering.id, properties: peering.properties ?? {} };
    const others = asArray(properties.virtualNetworkPeerings).filter(
      (p) => asString(asObject(p)?.name)?.toLowerCase() !== peering.name.toLowerCase(),
    );
    properties.virtualNetworkPeerings = [...others, entry];
  }
  return resources;
}

export function estateOf(stack: AdaptedStack, fill?: JsonValue): Estate {
  return buildEstate(armResources(stack, fill));
}

function withFilled(props: JsonObject, unknowns: readonly string[], fill: JsonValue): JsonObject {
  const copy = structuredClone(props);
  for (const path of unknowns) setPath(copy, path, structuredClone(fill));
  return copy;
}

function knownSubscription(props: readonly JsonObject[]): string | undefined {
  const match = /\/subscriptions\/([^/"]+)\//i.exec(JSON.stringify(props));
  return match?.[1];
}

function knownId(entry: Pending): string | undefined {
  const id = asString(entry.props.id);
  return id && /^\/subscriptions\//i.test(id) ? id : undefined;
}

/** `/subscriptions/{s}/resourceGroups/{rg}/providers/...`: unknown path parameters come from the resource they depend on. */
function buildId(
  entry: Pending,
  subscriptionId: string,
  idOf: (urn: string) => string | undefined,
  problem: (reason: string) => void,
): string | undefined {
  const parts = [`/subscriptions/${subscriptionId}`];
  for (const segment of entry.mapping.segments) {
    if (segment.literal) {
      parts.push(segment.literal);
      continue;
    }
    const param = segment.param ?? '';
    let value = asString(entry.props[param]);
    // Without a name, azure-native auto-names the resource after its Pulumi name (plus a random suffix).
    if (value === undefined && param === entry.mapping.nameParam && !entry.unknowns.includes(param))
      value = entry.view.name;
    if (value === undefined && entry.unknowns.includes(param)) {
      const [dependency, ...others] = entry.view.propertyDependencies?.[param] ?? [];
      const dependencyId = dependency && others.length === 0 ? idOf(dependency) : undefined;
      value = dependencyId?.split('/').pop();
    }
    // An unknown name with no single dependency to take it from (a resource policy sees one resource):
    // a stand-in keeps the id unique; only relations use ids, and the rule's messages use names.
    if (value === undefined && entry.unknowns.includes(param)) value = `(unknown ${param})`;
    // A path parameter is part of the id, not of the ARM body: once the id is built it is not an unknown value.
    entry.unknowns = entry.unknowns.filter((path) => path !== param);
    if (value === undefined) {
      problem(`${entry.view.name} (${entry.view.type}): its ARM id cannot be built, ${param} is missing`);
      return undefined;
    }
    parts.push(value);
  }
  return parts.join('/');
}

/** Sub-resource references (`{id}`) that a preview may report unknown as a whole. */
const REFERENCES = new Set(['subnet', 'virtualNetwork', 'remoteVirtualNetwork', 'privateEndpoint']);

/** An unknown id inside a property that depends on exactly one resource is that resource's id (`subnet.id` ← the subnet). */
function resolveReferences(entry: Pending, idOf: (urn: string) => string | undefined): void {
  entry.unknowns = entry.unknowns.filter((path) => {
    const reference = REFERENCES.has(path);
    if (!reference && !/id$/i.test(path)) return true;
    const [dependency, ...others] = entry.view.propertyDependencies?.[topKey(path)] ?? [];
    const id = dependency && others.length === 0 ? idOf(dependency) : undefined;
    if (!id) return true;
    setPath(entry.props, path, reference ? { id } : id);
    return false;
  });
}

/** Outputs carry the provisioningState ARM reports; planned state (inputs) does not. */
function isPlanned(entry: Pending): boolean {
  const state = entry.mapping.keepsProperties
    ? getPath(entry.props, 'properties.provisioningState')
    : entry.props.provisioningState;
  return typeof state !== 'string';
}

function markUnknown(entry: Pending, path: string): void {
  if (getPath(entry.props, path) === undefined && !entry.unknowns.includes(path)) entry.unknowns.push(path);
}

function plan(entry: Pending, id: string, cloud: CloudName): void {
  const armType = entry.mapping.armType;
  if (armType === 'Microsoft.KeyVault/vaults') {
    const properties = asObject(entry.props.properties);
    if (properties && properties.vaultUri === undefined && !entry.unknowns.includes('properties.vaultUri')) {
      properties.vaultUri = `https://${id.split('/').pop()}.${CLOUDS[cloud].vaultSuffix}/`;
    }
    return;
  }
  if (armType === 'Microsoft.Network/privateEndpoints') {
    for (const [key, manual] of [
      ['privateLinkServiceConnections', false],
      ['manualPrivateLinkServiceConnections', true],
    ] as const) {
      for (const connection of asArray(entry.props[key])) {
        const c = asObject(connection);
        if (!c || c.privateLinkServiceConnectionState !== undefined) continue;
        c.privateLinkServiceConnectionState = manual
          ? { status: 'Pending', description: asString(c.requestMessage) ?? '', actionsRequired: 'None' }
          : { ...AUTO_APPROVED };
      }
    }
    markUnknown(entry, 'networkInterfaces');
  }
  markUnknown(entry, 'provisioningState');
}

/**
 * A planned DNS zone group makes Azure write an A record named after the vault in each zone it points at,
 * with the endpoint NIC's address: the record is planned, its addresses unknown.
 */
function plannedRecords(resources: readonly AdaptedResource[]): AdaptedResource[] {
  const effects: AdaptedResource[] = [];
  const byId = new Map(resources.map((r) => [idKey(r.id), r]));
  for (const group of resources) {
    if (!group.planned || group.mapping.armType !== 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups') continue;
    const endpoint = byId.get(idKey(parentId(group.id)));
    const vaultName = endpoint ? targetName(endpoint) : undefined;
    if (!vaultName) continue;
    for (const config of asArray(group.props.privateDnsZoneConfigs)) {
      const zoneId = asString(asObject(config)?.privateDnsZoneId);
      if (!zoneId || byId.has(idKey(`${zoneId}/A/${vaultName}`))) continue;
      const mapping = mappingFor('azure-native:privatedns:PrivateRecordSet');
      if (!mapping) continue;
      effects.push({
        urn: group.urn,
        name: `${vaultName} (written by ${group.name})`,
        token: mapping.token,
        mapping,
        id: `${zoneId}/A/${vaultName}`,
        props: { recordType: 'A', ttl: 10 },
        unknowns: ['aRecords'],
        planned: true,
      });
    }
  }
  return effects;
}

/** The name of the vault an endpoint connects to (the first label of the FQDN its A record serves). */
function targetName(endpoint: AdaptedResource): string | undefined {
  for (const key of ['privateLinkServiceConnections', 'manualPrivateLinkServiceConnections']) {
    for (const connection of asArray(endpoint.props[key])) {
      const target = asString(asObject(connection)?.privateLinkServiceId);
      if (target) return target.split('/').pop()?.toLowerCase();
    }
  }
  return undefined;
}

/**
 * After deployment, what Azure created on its own is not a resource of the stack, but the outputs report
 * it: the endpoint's NIC (its `networkInterfaces` and the addresses in `customDnsConfigs`) and the A
 * records a zone group wrote (its `recordSets`). They are rebuilt from those outputs.
 */
function reportedEffects(resources: readonly AdaptedResource[]): AdaptedResource[] {
  const effects: AdaptedResource[] = [];
  const declared = new Set(resources.map((r) => idKey(r.id)));
  const nicMapping = mappingFor('azure-native:network:NetworkInterface');
  const recordMapping = mappingFor('azure-native:privatedns:PrivateRecordSet');
  for (const resource of resources) {
    if (resource.planned) continue;
    const armType = resource.mapping.armType;
    if (armType === 'Microsoft.Network/privateEndpoints' && nicMapping) {
      const addresses = asArray(resource.props.customDnsConfigs)
        .flatMap((c) => asArray(asObject(c)?.ipAddresses).map(asString))
        .filter((a): a is string => a !== undefined);
      const subnet = asObject(resource.props.subnet);
      for (const nic of asArray(resource.props.networkInterfaces)) {
        const nicId = asString(asObject(nic)?.id);
        if (!nicId || declared.has(idKey(nicId))) continue;
        const ipConfigurations = [...new Set(addresses)].map((address, i) => ({
          name: `ipconfig${i + 1}`,
          privateIPAddress: address,
          ...(subnet ? { subnet } : {}),
        }));
        effects.push({
          urn: resource.urn,
          name: nicId.split('/').pop() ?? '',
          token: nicMapping.token,
          mapping: nicMapping,
          id: nicId,
          props: { privateEndpoint: { id: resource.id }, ipConfigurations, provisioningState: 'Succeeded' },
          unknowns: [],
          planned: false,
        });
      }
    }
    if (armType === 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups' && recordMapping) {
      for (const config of asArray(resource.props.privateDnsZoneConfigs)) {
        const zoneId = asString(asObject(config)?.privateDnsZoneId);
        for (const recordSet of asArray(asObject(config)?.recordSets)) {
          const record = asObject(recordSet);
          const name = asString(record?.recordSetName);
          if (!zoneId || !name || asString(record?.recordType) !== 'A' || declared.has(idKey(`${zoneId}/A/${name}`)))
            continue;
          const aRecords = asArray(record?.ipAddresses).map((address) => ({ ipv4Address: address }));
          effects.push({
            urn: resource.urn,
            name: `${name} (written by ${resource.name})`,
            token: recordMapping.token,
            mapping: recordMapping,
            id: `${zoneId}/A/${name}`,
            props: { recordType: 'A', ttl: record?.ttl ?? 10, aRecords, fqdn: record?.fqdn ?? null },
            unknowns: [],
            planned: false,
          });
        }
      }
    }
  }
  return effects;
}
