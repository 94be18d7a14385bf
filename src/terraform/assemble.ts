import { MODEL_TYPES } from '../model/estate';
import { ARM_TYPES } from '../model/arm-types';
import { idKey, parentId, type ArmResource, type JsonObject, type JsonValue } from '../model/arm';
import type { CloudName } from '../model/cloud';
import { UNKNOWN, UNSEEN } from '../model/planned';
import { known, PLACEHOLDER_SUBSCRIPTION, PlanContext, type Patch, type PlannedResource } from './context';
import type { TerraformDocument, TerraformInstance } from './document';
import { lastSegment } from './mapper';
import { MAPPERS, mapperKey, QUIET_TYPES } from './mappers';

/**
 * A Terraform plan (or state) as the ARM resources it leaves behind, laid over the estate that exists now
 * (a snapshot or a live read, when given): what the plan creates or changes replaces the existing resource,
 * what it destroys leaves, what it does not show of an existing resource is taken from the existing estate.
 */
export interface PlannedEstate {
  /** ARM resources, with UNKNOWN / UNSEEN markers where the plan does not tell a value. */
  resources: ArmResource[];
  /** Resources that may exist although nothing shows them (records and links in a zone the plan only reads). */
  possible: ArmResource[];
  /** idKey of an ARM id → the Terraform address that declares it. */
  addresses: Map<string, string>;
  notices: string[];
  subscriptionId: string;
}

export interface AssembleOptions {
  /** The estate as it is now: the plan is laid over it. */
  base?: readonly ArmResource[];
  subscriptionId?: string;
  cloud?: CloudName;
}

const ENVIRONMENTS: Record<string, CloudName> = {
  public: 'AzureCloud',
  usgovernment: 'AzureUSGovernment',
  china: 'AzureChinaCloud',
};

export function assemble(document: TerraformDocument, options: AssembleOptions = {}): PlannedEstate {
  const subscriptionId =
    document.providerSubscriptionId ??
    knownSubscription(document) ??
    options.subscriptionId ??
    PLACEHOLDER_SUBSCRIPTION;
  const cloud = providerCloud(document) ?? options.cloud ?? 'AzureCloud';
  const context: PlanContext = new PlanContext(document, subscriptionId, cloud, (instance, ctx) =>
    MAPPERS[mapperKey(instance)]?.id(instance, ctx),
  );
  const notices: string[] = [];
  const planned: PlannedResource[] = [];
  const patches: Patch[] = [];
  const unmapped = new Map<string, number>();
  for (const instance of document.instances) {
    const key = mapperKey(instance);
    const mapper = MAPPERS[key];
    if (!mapper) {
      if (!QUIET_TYPES.has(key)) unmapped.set(key, (unmapped.get(key) ?? 0) + 1);
      continue;
    }
    const id = context.armId(instance);
    const out = mapper.map(instance, context, id ?? '');
    if (id === undefined && out.resources.length > 0) {
      notices.push(
        `${instance.address}: its ARM id cannot be built from the plan (a parent id is unknown); not judged`,
      );
      continue;
    }
    for (const r of out.resources) planned.push(r);
    for (const p of out.patches) patches.push(p);
    for (const n of out.notices ?? []) notices.push(n);
  }
  if (unmapped.size > 0) {
    const list = [...unmapped].sort(([a], [b]) => (a < b ? -1 : 1)).map(([type, n]) => `${type} (${n})`);
    notices.push(`ignored resources of types kvguard does not read: ${list.join(', ')}`);
  }

  const merged = overlay(planned, options.base ?? [], destroyedIds(document, context));
  settlePeerings(merged, planned);
  for (const patch of patches) {
    const target = merged.get(idKey(patch.targetId));
    if (target) patch.apply(target);
    else notices.push(`${patch.address}: ${patch.targetId} is neither in the plan nor in the estate; not applied`);
  }
  const resources = [...merged.values()];
  const addresses = new Map<string, string>();
  for (const p of planned) addresses.set(idKey(p.resource.id), p.address);
  return {
    resources,
    possible: possibleResources(resources, planned, options.base ?? []),
    addresses,
    notices,
    subscriptionId,
  };
}

/** The subscription of the first known ARM id in the plan: data sources and existing resources carry one. */
function knownSubscription(document: TerraformDocument): string | undefined {
  for (const instance of document.instances) {
    const match = /"\/subscriptions\/([0-9a-f-]{36})\//i.exec(JSON.stringify(instance.values));
    if (match?.[1]) return match[1];
  }
  return undefined;
}

function providerCloud(document: TerraformDocument): CloudName | undefined {
  const provider = document.configuration?.provider_config as JsonObject | undefined;
  const azurerm = provider?.azurerm as JsonObject | undefined;
  const expressions = azurerm?.expressions as JsonObject | undefined;
  const environment = (expressions?.environment as JsonObject | undefined)?.constant_value;
  return typeof environment === 'string' ? ENVIRONMENTS[environment.toLowerCase()] : undefined;
}

function destroyedIds(document: TerraformDocument, context: PlanContext): string[] {
  return document.destroyed
    .map((instance: TerraformInstance) => known(instance.values.id) ?? context.armId(instance))
    .filter((id): id is string => id !== undefined);
}

/**
 * The estate after apply: the base without what the plan destroys (and its children), then each planned
 * resource. A resource the plan changes but does not create keeps what the plan does not show (UNSEEN) from
 * the base; one it creates (or replaces) starts from nothing.
 */
function overlay(
  planned: readonly PlannedResource[],
  base: readonly ArmResource[],
  destroyed: readonly string[],
): Map<string, ArmResource> {
  const gone = destroyed.map(idKey);
  const isGone = (id: string): boolean => gone.some((d) => idKey(id) === d || idKey(id).startsWith(`${d}/`));
  const merged = new Map<string, ArmResource>();
  for (const resource of base) {
    const endpoint = (resource.properties?.privateEndpoint as JsonObject | undefined)?.id;
    if (isGone(resource.id) || (typeof endpoint === 'string' && isGone(endpoint))) continue;
    merged.set(idKey(resource.id), structuredClone(resource));
  }
  const declared = new Set(planned.filter((p) => !p.effect).map((p) => idKey(p.resource.id)));
  for (const p of planned) {
    const key = idKey(p.resource.id);
    // A resource the plan declares wins over the same resource written as a side effect (a zone group's record).
    if (p.effect && declared.has(key)) continue;
    const existing = merged.get(key);
    const resource = structuredClone(p.resource);
    merged.set(
      key,
      existing && !p.created
        ? (withSeen(resource as unknown as JsonValue, existing as unknown as JsonValue) as unknown as ArmResource)
        : resource,
    );
  }
  return merged;
}

/** Fills UNSEEN markers from the same place in the existing resource (array elements matched by name). */
function withSeen(planned: JsonValue, existing: JsonValue | undefined): JsonValue {
  if (planned === UNSEEN) return existing === undefined ? UNKNOWN : structuredClone(existing);
  if (Array.isArray(planned)) {
    const others = Array.isArray(existing) ? existing : [];
    return planned.map((item, index) => {
      const name = nameOf(item);
      const twin =
        name === undefined ? others[index] : others.find((o) => nameOf(o)?.toLowerCase() === name.toLowerCase());
      return withSeen(item, twin);
    });
  }
  if (planned !== null && typeof planned === 'object') {
    const twin = existing !== null && typeof existing === 'object' && !Array.isArray(existing) ? existing : {};
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(planned)) out[key] = withSeen(value, twin[key]);
    return out;
  }
  return planned;
}

function nameOf(value: JsonValue | undefined): string | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value.name === 'string'
    ? value.name
    : undefined;
}

const PEERING = MODEL_TYPES.peering;
const VNET = MODEL_TYPES.virtualNetwork;

/**
 * A peering is Connected once both sides exist, Initiated while only one does. With one side in the plan, the
 * other may exist outside it: decided only when the estate shows the remote VNet (with or without the reverse).
 * Then each peering goes inside its VNet, where ARM keeps it (VirtualNetworkGet).
 */
function settlePeerings(merged: Map<string, ArmResource>, planned: readonly PlannedResource[]): void {
  const sides = new Set<string>();
  const peerings = [...merged.values()].filter((r) => r.type.toLowerCase() === PEERING);
  for (const p of peerings) sides.add(`${idKey(parentId(p.id))}>${idKey(remoteOf(p) ?? '')}`);
  for (const vnet of [...merged.values()].filter((r) => r.type.toLowerCase() === VNET)) {
    const list = vnet.properties?.virtualNetworkPeerings;
    for (const entry of Array.isArray(list) ? list : []) {
      const remote = ((entry as JsonObject | null)?.properties as JsonObject | undefined)?.remoteVirtualNetwork;
      const id = (remote as JsonObject | undefined)?.id;
      if (typeof id === 'string') sides.add(`${idKey(vnet.id)}>${idKey(id)}`);
    }
  }
  const createdVnets = new Set(
    planned.filter((p) => p.created && p.resource.type.toLowerCase() === VNET).map((p) => idKey(p.resource.id)),
  );
  for (const peering of peerings) {
    const properties = (peering.properties ??= {});
    if (properties.peeringState !== UNSEEN && properties.peeringState !== UNKNOWN) continue;
    const local = idKey(parentId(peering.id));
    const remote = idKey(remoteOf(peering) ?? '');
    const remoteVnet = merged.get(remote);
    const remoteOpen = remoteVnet?.properties?.virtualNetworkPeerings === UNSEEN;
    if (sides.has(`${remote}>${local}`)) properties.peeringState = 'Connected';
    else if (createdVnets.has(remote) || (remoteVnet && !remoteOpen)) properties.peeringState = 'Initiated';
    else properties.peeringState = UNKNOWN;
  }
  for (const peering of peerings) {
    const vnet = merged.get(idKey(parentId(peering.id)));
    if (!vnet) continue;
    const properties = (vnet.properties ??= {});
    const current = properties.virtualNetworkPeerings;
    const list = Array.isArray(current) ? current : current === UNSEEN || current === UNKNOWN ? [current] : [];
    const entry: JsonObject = { name: peering.name, id: peering.id, properties: peering.properties ?? {} };
    // An open list keeps its marker last, so the known peerings keep their positions in every estate.
    const others = list.filter((p) => nameOf(p)?.toLowerCase() !== peering.name.toLowerCase());
    const open = others.filter((p) => p === UNSEEN || p === UNKNOWN);
    properties.virtualNetworkPeerings = [...others.filter((p) => p !== UNSEEN && p !== UNKNOWN), entry, ...open];
    merged.delete(idKey(peering.id));
  }
}

function remoteOf(peering: ArmResource): string | undefined {
  const remote = peering.properties?.remoteVirtualNetwork as JsonObject | undefined;
  return typeof remote?.id === 'string' ? remote.id : undefined;
}

const ZONE = MODEL_TYPES.privateDnsZone;

/**
 * A zone the plan does not create and the estate does not show in full may hold, besides what the plan shows,
 * an A record for any vault and a link to any VNet: those stand-ins exist only in the filled estates, so a
 * verdict that their absence would decide is not taken from the plan alone.
 */
function possibleResources(
  resources: readonly ArmResource[],
  planned: readonly PlannedResource[],
  base: readonly ArmResource[],
): ArmResource[] {
  const inBase = new Set(base.map((r) => idKey(r.id)));
  const existing = new Set(resources.map((r) => idKey(r.id)));
  const openZones = planned.filter(
    (p) => !p.created && p.resource.type.toLowerCase() === ZONE && !inBase.has(idKey(p.resource.id)),
  );
  const vaults = resources.filter((r) => r.type.toLowerCase() === MODEL_TYPES.vault);
  const vnets = resources.filter((r) => r.type.toLowerCase() === VNET);
  const out: ArmResource[] = [];
  for (const { resource: zone } of openZones) {
    for (const vault of vaults) {
      const id = `${zone.id}/A/${vault.name.toLowerCase()}`;
      if (!existing.has(idKey(id)))
        out.push({
          id,
          name: vault.name.toLowerCase(),
          type: ARM_TYPES.aRecordSet,
          properties: { ttl: 10, aRecords: UNKNOWN },
        });
    }
    for (const vnet of vnets) {
      const name = `kvguard-possible-${lastSegment(vnet.id)}`;
      out.push({
        id: `${zone.id}/virtualNetworkLinks/${name}`,
        name,
        type: ARM_TYPES.virtualNetworkLink,
        location: 'global',
        properties: {
          virtualNetwork: { id: vnet.id },
          registrationEnabled: false,
          virtualNetworkLinkState: 'Completed',
          provisioningState: 'Succeeded',
        },
      });
    }
  }
  return out;
}
