import { MODEL_TYPES } from '../model/estate';
import { ARM_TYPES } from '../model/arm-types';
import {
  asArray,
  asObject,
  asString,
  idKey,
  parentId,
  type ArmResource,
  type JsonObject,
  type JsonValue,
  lastSegment,
} from '../model/arm';
import { CLOUDS, type CloudName } from '../model/cloud';
import { buildEstate, type Estate } from '../model/estate';
import { armShape, isComputed, mappingFor, paramsOf, type TypeMapping } from './arm-types';
import { getPath, setPath, topKey } from './paths';
import { plainProps } from './plain';

/**
 * Pulumi resources → ARM resources → the estate the rules read (DESIGN 1: "Pulumi resources are mapped
 * to it"), from what the engine hands a policy pack (pulumi/pulumi pkg/resource/deploy/step_generator.go):
 * AnalyzeStack gets every resource's outputs with its parent, dependencies and propertyDependencies; Analyze
 * gets one resource's inputs. After `pulumi up` the outputs carry ARM ids. In a preview they carry
 * azure-native's planned outputs: every output the program gives no input for is unknown (`id`, `name`, the
 * states Azure sets), path parameters (`resourceGroupName`, `vaultName`...) are absent, and apply-wrapped
 * inputs (Vault.properties, PrivateEndpoint.subnet) are unknown as a whole while any nested value is
 * (pulumi/pulumi-azure-native provider/pkg/convert PreviewOutputs; provider.go Create/Update with preview).
 *
 * So ids are built from the path parameters, taken from the resource's own inputs (which the pack records
 * when Analyze sees them), else from the resource a parameter came from (propertyDependencies: the VNet a
 * subnet's `virtualNetworkName` came from), else from `names` in the pack's config. References that are
 * unknown (`subnet.id`, `privateLinkServiceId`) are the id of the one resource of the expected type the
 * property depends on. What stays unknown is recorded, never read as absent: rules that read it are skipped
 * with the reason (taint.ts).
 *
 * Resources created by this deployment get what ARM sets deterministically at creation: a vault's
 * `vaultUri`, no private endpoint connections but those its endpoints create, an automatic connection
 * Approved and a manual one Pending (Private Link's documented behaviour) unless a vault-side
 * `keyvault:PrivateEndpointConnection` of the stack sets its state, and the A record a DNS zone group writes
 * (addresses unknown). A resource is being created when its `name` output is unknown: on an update
 * azure-native keeps `name` from the old state (provider.go Update, `stableOutputs`).
 */
export interface PulumiResourceView {
  urn: string;
  type: string;
  name: string;
  /** Outputs (AnalyzeStack) or inputs (Analyze); may be wrapped in @pulumi/policy's unknownCheckingProxy. */
  props: unknown;
  /** Top-level input → URNs of the resources its value came from (the analyzer's `propertyDependencies`). */
  propertyDependencies?: Record<string, string[]>;
  /** Every resource this one depends on. */
  dependencies?: string[];
  /** The resource's inputs as Analyze saw them, when the pack has them. */
  inputs?: unknown;
}

export interface AdapterOptions {
  cloud?: CloudName;
  /** Used when no known ARM id in the stack names the subscription (a first preview). */
  subscriptionId?: string;
  /** Azure names by Pulumi resource name, for names neither outputs nor inputs tell (auto-named resources). */
  names?: Record<string, string>;
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
  /** True for resources this deployment creates. */
  planned: boolean;
  /** An object field is unknown as a whole: nothing the entity is built from can be trusted. */
  opaque: boolean;
}

export interface AdaptedStack {
  resources: AdaptedResource[];
  /** Resources Azure creates as side effects (the A record of a zone group), planned with unknown values. */
  effects: AdaptedResource[];
  /** Resources of mapped types whose id cannot be built, with the reason. */
  skipped: { urn: string; reason: string }[];
  /** Types seen that kvguard does not map (sorted, once each; `pulumi:` types excluded). */
  unmapped: string[];
  /** References left unknown (`pe-kv (azure-native:network:PrivateEndpoint): privateLinkServiceId`). */
  danglingReferences: string[];
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
  /** The resource's own inputs (plain), when known. */
  inputs: JsonObject | undefined;
  creating: boolean;
}

/** Outputs merged with what the inputs say: a path parameter, or an unknown output the program left out. */
function merged(view: PulumiResourceView, mapping: TypeMapping): Pending {
  const outputs = plainProps(view.props);
  const inputs = view.inputs === undefined ? undefined : plainProps(view.inputs);
  const props = outputs.value;
  const creating = outputs.unknowns.includes('name');
  const unknowns = outputs.unknowns.filter((path) => {
    if (!inputs) return true;
    if (inputs.unknowns.some((u) => path === u || path.startsWith(`${u}.`) || path.startsWith(`${u}[`))) return true;
    const given = getPath(inputs.value, path);
    if (given !== undefined) {
      setPath(props, path, structuredClone(given));
      return false;
    }
    // Left out by the program: ARM's default, unless Azure sets it.
    return isComputed(mapping, path);
  });
  for (const param of paramsOf(mapping)) {
    const given = inputs?.value[param];
    if (given !== undefined && props[param] === undefined) props[param] = given;
    if (inputs?.unknowns.includes(param) && !unknowns.includes(param)) unknowns.push(param);
  }
  return { view, mapping, props, unknowns, inputs: inputs?.value, creating };
}

export function adaptStack(views: readonly PulumiResourceView[], options: AdapterOptions = {}): AdaptedStack {
  const skipped: AdaptedStack['skipped'] = [];
  const unmapped = new Set<string>();
  const pending = new Map<string, Pending>();
  for (const view of views) {
    const mapping = mappingFor(view.type);
    if (!mapping) {
      if (!view.type.startsWith('pulumi:')) unmapped.add(view.type);
      continue;
    }
    pending.set(view.urn, merged(view, mapping));
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
    const id =
      knownId(entry) ??
      buildId(entry, subscriptionId, idOf, options.names ?? {}, (reason) => skipped.push({ urn, reason }));
    resolving.delete(urn);
    ids.set(urn, id);
    return id;
  };

  const dangling: string[] = [];
  const resources: AdaptedResource[] = [];
  for (const entry of pending.values()) {
    const id = idOf(entry.view.urn);
    if (!id) continue;
    for (const d of resolveReferences(entry, idOf, pending)) dangling.push(d);
    if (entry.mapping.token === 'azure-native:resources:ResourceGroup') continue;
    const planned = entry.creating || isPlanned(entry);
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
      opaque: entry.unknowns.some((path) => isObjectPath(entry.mapping, path)),
    });
  }
  approveFromVaultSide(resources);
  return {
    resources,
    effects: [...plannedRecords(resources), ...reportedEffects(resources)],
    skipped,
    unmapped: [...unmapped].sort(),
    danglingReferences: dangling,
    subscriptionId,
  };
}

function isObjectPath(mapping: TypeMapping, path: string): boolean {
  const generic = path.replace(/\[\d+\]/g, '[]');
  return (
    (mapping.objectPaths ?? []).includes(generic) || (mapping.keepsProperties === true && generic === 'properties')
  );
}
/**
 * Stands in for an unknown object: every field of it reads `kvguard-unknown` (so an unknown connection state
 * reads as a status nobody wrote). A fresh one per use: nothing may write into another's.
 */
export const ANY_OBJECT = 'kvguard:any-object';
/** The same, with every field reading as a list of one unknown sub-resource (`ipRules`, `addressPrefixes`). */
export const ANY_OBJECT_OF_LISTS = 'kvguard:any-object-of-lists';

function anyObject(field: () => JsonValue): JsonObject {
  return new Proxy({} as JsonObject, {
    get: (_target, key) => (typeof key === 'symbol' || key === 'toJSON' || key === 'then' ? undefined : field()),
  });
}

function standIn(fill: JsonValue): JsonValue {
  if (fill === ANY_OBJECT) return anyObject(() => 'kvguard-unknown');
  if (fill === ANY_OBJECT_OF_LISTS)
    return anyObject(() => [
      { id: '/kvguard-unknown', name: 'kvguard-unknown', value: 'kvguard-unknown', properties: {} },
    ]);
  return structuredClone(fill);
}

/** ARM resources of the adapted stack; `fill` stands in for unknown values (taint.ts compares fillings). */
export function armResources(stack: AdaptedStack, fill?: JsonValue): ArmResource[] {
  const resources = [...stack.resources, ...stack.effects].map((resource) => {
    const props = fill === undefined ? resource.props : withFilled(resource.props, resource.unknowns, fill);
    const shaped = armShape(resource.mapping, props);
    const armType = resource.mapping.armType.replace('{recordType}', asString(resource.props.recordType) ?? 'A');
    return { ...shaped, id: resource.id, name: lastSegment(resource.id), type: armType } as ArmResource;
  });
  return connectPeerings(foldChildren(resources));
}

/**
 * A peering is `Initiated` until the remote VNet peers back, then ARM turns both sides `Connected`
 * (https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-peering#create-a-peering). A VNet's
 * outputs are its state when it was PUT, so the first side of a pair the stack declares still reads
 * `Initiated` after `up`: when the stack also declares the way back, ARM's answer is Connected.
 */
function connectPeerings(resources: ArmResource[]): ArmResource[] {
  const vnets = resources.filter((r) => r.type.toLowerCase() === MODEL_TYPES.virtualNetwork);
  const peerings = (vnet: ArmResource): JsonObject[] =>
    asArray(vnet.properties?.virtualNetworkPeerings)
      .map(asObject)
      .filter((p): p is JsonObject => p !== undefined);
  const remoteOf = (peering: JsonObject): string =>
    idKey(asString(asObject(asObject(peering.properties)?.remoteVirtualNetwork)?.id) ?? '');
  for (const vnet of vnets)
    for (const peering of peerings(vnet)) {
      const properties = asObject(peering.properties);
      if (!properties || properties.peeringState !== 'Initiated') continue;
      const remote = vnets.find((v) => idKey(v.id) === remoteOf(peering));
      if (remote && peerings(remote).some((back) => remoteOf(back) === idKey(vnet.id)))
        properties.peeringState = 'Connected';
    }
  return resources;
}

/** Child resources ARM also lists inside their parent, where the estate reads them: collection in the parent. */
const FOLDED: Readonly<Record<string, string>> = {
  [MODEL_TYPES.peering]: 'virtualNetworkPeerings',
  'microsoft.network/routetables/routes': 'routes',
  'microsoft.network/networksecuritygroups/securityrules': 'securityRules',
};

/**
 * A peering, route or security rule declared as its own resource goes inside its parent
 * (`properties.virtualNetworkPeerings`, `routes`, `securityRules`), where ARM keeps it and the estate reads it.
 * It replaces an inline entry of the same name: a VNet's outputs are its state when it was PUT (the spoke's
 * inline peering still `Initiated`), the child's own outputs come later (`Connected` once the other side exists).
 */
function foldChildren(resources: ArmResource[]): ArmResource[] {
  const byId = new Map(resources.map((r) => [idKey(r.id), r]));
  for (const child of resources) {
    const collection = FOLDED[child.type.toLowerCase()];
    const parent = collection ? byId.get(idKey(parentId(child.id))) : undefined;
    if (!collection || !parent) continue;
    const properties = (parent.properties ??= {});
    const entry: JsonObject = { name: child.name, id: child.id, properties: child.properties ?? {} };
    const others = asArray(properties[collection]).filter(
      (p) => asString(asObject(p)?.name)?.toLowerCase() !== child.name.toLowerCase(),
    );
    properties[collection] = [...others, entry];
  }
  return resources;
}

export function estateOf(stack: AdaptedStack, fill?: JsonValue): Estate {
  return buildEstate(armResources(stack, fill));
}

function withFilled(props: JsonObject, unknowns: readonly string[], fill: JsonValue): JsonObject {
  const copy = structuredClone(props);
  for (const path of unknowns) setPath(copy, path, standIn(fill));
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

/** A parameter's value from the resource it came from: a resource group's name, a VNet's name... */
function dependencyName(entry: Pending, param: string, idOf: (urn: string) => string | undefined): string | undefined {
  const [dependency, ...others] = entry.view.propertyDependencies?.[param] ?? [];
  if (!dependency || others.length > 0) return undefined;
  const id = idOf(dependency);
  return id === undefined ? undefined : lastSegment(id);
}

/**
 * `/subscriptions/{s}/resourceGroups/{rg}/providers/...` (or `{scope}/providers/...` for an extension resource):
 * each path parameter from the inputs, else from the resource it depends on, else from config `names`.
 */
function buildId(
  entry: Pending,
  subscriptionId: string,
  idOf: (urn: string) => string | undefined,
  names: Record<string, string>,
  problem: (reason: string) => void,
): string | undefined {
  const scopeParam = entry.mapping.scopeParam;
  let scope = `/subscriptions/${subscriptionId}`;
  if (scopeParam) {
    const given = asString(entry.props[scopeParam]);
    const [dependency, ...others] = entry.view.propertyDependencies?.[scopeParam] ?? [];
    const value = given ?? (dependency && others.length === 0 ? idOf(dependency) : undefined);
    if (!value) {
      problem(`${entry.view.name} (${entry.view.type}): its ARM id cannot be built, ${scopeParam} is unknown`);
      return undefined;
    }
    scope = value;
    entry.unknowns = entry.unknowns.filter((path) => path !== scopeParam);
  }
  const parts = [scope];
  for (const segment of entry.mapping.segments) {
    if (segment.literal) {
      parts.push(segment.literal);
      continue;
    }
    const param = segment.param ?? '';
    const own = param === entry.mapping.nameParam;
    let value = asString(entry.props[param]);
    // The name ARM reports, once the resource exists (the output `name` is the id's last segment).
    if (value === undefined && own) value = asString(entry.props.name);
    value ??= dependencyName(entry, param, idOf);
    if (value === undefined && own) value = names[entry.view.name];
    // Without a name input, azure-native names the resource after its Pulumi name (plus a random suffix).
    if (
      value === undefined &&
      own &&
      (!entry.inputs || entry.inputs[param] === undefined) &&
      !entry.unknowns.includes(param)
    )
      value = entry.view.name;
    // An unknown name with no single dependency to take it from: a stand-in keeps the id unique; only
    // relations use ids, and the rules' messages use names.
    if (value === undefined && (entry.unknowns.includes(param) || !entry.inputs)) value = `(unknown ${param})`;
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

/**
 * What a reference may point at, by the name of the field holding it: a dependency of another type is not
 * the target (a `privateLinkServiceConnections` entry may also depend on the resource its name came from).
 */
const REFERENCE_TARGETS: Readonly<Record<string, readonly string[]>> = {
  subnet: [ARM_TYPES.subnet],
  virtualNetwork: [ARM_TYPES.virtualNetwork],
  remoteVirtualNetwork: [ARM_TYPES.virtualNetwork],
  privateEndpoint: [ARM_TYPES.privateEndpoint],
  privateLinkServiceId: [ARM_TYPES.vault],
  privateDnsZoneId: [ARM_TYPES.privateDnsZone],
  routeTable: [ARM_TYPES.routeTable],
  networkSecurityGroup: [ARM_TYPES.networkSecurityGroup],
  resourceUri: [],
};

/** `subnet`, `subnet.id`, `privateLinkServiceConnections[0].privateLinkServiceId` → the field naming the target. */
function referenceField(path: string): { field: string; whole: boolean } | undefined {
  const parts = path.split(/[.[\]]+/).filter((p) => p !== '' && !/^\d+$/.test(p));
  const last = parts[parts.length - 1] ?? '';
  if (last in REFERENCE_TARGETS) return { field: last, whole: !last.endsWith('Id') && last !== 'resourceUri' };
  const before = parts[parts.length - 2];
  if (last === 'id' && before && before in REFERENCE_TARGETS) return { field: before, whole: false };
  return undefined;
}

/**
 * An unknown reference is the id of the one resource of the expected type its property depends on
 * (`subnet.id` ← the subnet); for a vault-side connection's `privateEndpoint`, the one endpoint it depends on.
 * Returns the references left unknown.
 */
function resolveReferences(
  entry: Pending,
  idOf: (urn: string) => string | undefined,
  pending: ReadonlyMap<string, Pending>,
): string[] {
  const dangling: string[] = [];
  entry.unknowns = entry.unknowns.filter((path) => {
    const reference = referenceField(path);
    if (!reference) return true;
    const expected = REFERENCE_TARGETS[reference.field] ?? [];
    const fits = (urn: string): boolean => {
      const target = pending.get(urn);
      return target !== undefined && (expected.length === 0 || expected.includes(target.mapping.armType));
    };
    const fromProperty = (entry.view.propertyDependencies?.[topKey(path)] ?? []).filter(fits);
    const candidates = fromProperty.length > 0 ? fromProperty : (entry.view.dependencies ?? []).filter(fits);
    const [only, ...others] = [...new Set(candidates)];
    const id = only && others.length === 0 ? idOf(only) : undefined;
    if (!id) {
      dangling.push(`${entry.view.name} (${entry.view.type}): ${path}`);
      return true;
    }
    const target = reference.whole && !path.endsWith('.id') ? { id } : id;
    setPath(entry.props, path, target);
    return false;
  });
  return dangling;
}

/** Outputs carry the provisioningState ARM reports; planned state (inputs) does not. */
function isPlanned(entry: Pending): boolean {
  const state = entry.mapping.keepsProperties
    ? getPath(entry.props, 'properties.provisioningState')
    : entry.props.provisioningState;
  return typeof state !== 'string' && !entry.unknowns.some((u) => u.endsWith('provisioningState'));
}

function markUnknown(entry: Pending, path: string): void {
  if (getPath(entry.props, path) === undefined && !entry.unknowns.includes(path)) entry.unknowns.push(path);
}

/** Sets what ARM decides at creation, and takes it off the unknown values. */
function settle(entry: Pending, path: string, value: JsonValue): void {
  setPath(entry.props, path, value);
  entry.unknowns = entry.unknowns.filter((u) => u !== path);
}

function plan(entry: Pending, id: string, cloud: CloudName): void {
  const armType = entry.mapping.armType;
  const unknown = (path: string): boolean => entry.unknowns.includes(path);
  if (armType === ARM_TYPES.vault) {
    const properties = asObject(entry.props.properties);
    if (!properties) return;
    if (properties.vaultUri === undefined)
      settle(entry, 'properties.vaultUri', `https://${lastSegment(id)}.${CLOUDS[cloud].vaultSuffix}/`);
    // A vault this deployment creates has no connections but those its endpoints create (read from their side).
    if (entry.creating && unknown('properties.privateEndpointConnections'))
      settle(entry, 'properties.privateEndpointConnections', []);
    return;
  }
  if (armType === ARM_TYPES.privateEndpoint) {
    for (const [key, manual] of [
      ['privateLinkServiceConnections', false],
      ['manualPrivateLinkServiceConnections', true],
    ] as const) {
      asArray(entry.props[key]).forEach((connection, index) => {
        const c = asObject(connection);
        const path = `${key}[${index}].privateLinkServiceConnectionState`;
        if (!c || (c.privateLinkServiceConnectionState !== undefined && !unknown(path))) return;
        if (!entry.creating && unknown(path)) return;
        settle(
          entry,
          path,
          manual
            ? { status: 'Pending', description: asString(c.requestMessage) ?? '', actionsRequired: 'None' }
            : { ...AUTO_APPROVED },
        );
      });
    }
    markUnknown(entry, 'networkInterfaces');
  }
  // A VNet link is Completed once its PUT succeeds, the only outcome a deployment that goes on can have.
  if (armType === ARM_TYPES.virtualNetworkLink && entry.creating) {
    if (unknown('virtualNetworkLinkState')) settle(entry, 'virtualNetworkLinkState', 'Completed');
    if (unknown('provisioningState')) settle(entry, 'provisioningState', 'Succeeded');
  }
  markUnknown(entry, 'provisioningState');
}

/**
 * A vault-side `keyvault:PrivateEndpointConnection` of the stack sets the state of the endpoint's connection
 * to that vault (the owner's approval shows on both ends): the endpoint's planned Pending gives way to it.
 */
function approveFromVaultSide(resources: readonly AdaptedResource[]): void {
  for (const connection of resources) {
    if (connection.mapping.armType !== ARM_TYPES.vaultConnection) continue;
    const state = asObject(connection.props.privateLinkServiceConnectionState);
    const endpointId = asString(asObject(connection.props.privateEndpoint)?.id);
    const endpoint = resources.find((r) => endpointId !== undefined && idKey(r.id) === idKey(endpointId));
    if (!state || !endpoint?.planned) continue;
    const vaultId = parentId(connection.id);
    for (const key of ['privateLinkServiceConnections', 'manualPrivateLinkServiceConnections']) {
      for (const item of asArray(endpoint.props[key])) {
        const c = asObject(item);
        if (c && idKey(asString(c.privateLinkServiceId) ?? '') === idKey(vaultId))
          c.privateLinkServiceConnectionState = { ...state };
      }
    }
  }
}

/**
 * A planned DNS zone group makes Azure write an A record named after the vault in each zone it points at,
 * with the endpoint NIC's address: the record is planned, its addresses unknown.
 */
function plannedRecords(resources: readonly AdaptedResource[]): AdaptedResource[] {
  const effects: AdaptedResource[] = [];
  const byId = new Map(resources.map((r) => [idKey(r.id), r]));
  for (const group of resources) {
    if (!group.planned || group.mapping.armType !== ARM_TYPES.zoneGroup) continue;
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
        opaque: false,
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
      if (target) return lastSegment(target).toLowerCase();
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
    if (armType === ARM_TYPES.privateEndpoint && nicMapping) {
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
          name: lastSegment(nicId),
          token: nicMapping.token,
          mapping: nicMapping,
          id: nicId,
          props: { privateEndpoint: { id: resource.id }, ipConfigurations, provisioningState: 'Succeeded' },
          unknowns: [],
          planned: false,
          opaque: false,
        });
      }
    }
    if (armType === ARM_TYPES.zoneGroup && recordMapping) {
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
            opaque: false,
          });
        }
      }
    }
  }
  return effects;
}
