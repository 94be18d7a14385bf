import { randomUUID } from 'node:crypto';
import { asArray, asObject, asString, sameId, type ArmResource, type JsonObject, type JsonValue } from './json';
import { cidrRange, rangesOverlap, type Range } from './addresses';
import { badRequest, invalidBody } from './errors';
import { requireParent } from './reads';
import type { ResourceStore } from './store';
import type { ArmTarget } from './target';
import { optionalBoolean, requireObject, requireRef, requireString } from './validate';

/**
 * VNet peerings (VirtualNetworkPeerings_CreateOrUpdate / _Get / _Delete / _List). ARM keeps them inside
 * the VNet (`properties.virtualNetworkPeerings`, as a VNet GET returns them) and serves them as their own
 * resource too, like subnets. Their state follows both sides
 * (https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-peering):
 * `Initiated` while only one side exists, `Connected` on both once the remote VNet peers back, and the
 * remaining side `Disconnected` when one side (or its VNet) is deleted; a Disconnected side stays so until
 * it is PUT again (ARM: delete and re-create it).
 */
export const PEERING_TYPE = 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings';

type PeeringState = 'Initiated' | 'Connected' | 'Disconnected';

function peeringsOf(vnet: ArmResource): JsonObject[] {
  return asArray(vnet.properties?.virtualNetworkPeerings)
    .map((p: JsonValue) => asObject(p))
    .filter((p): p is JsonObject => p !== undefined);
}

function remoteIdOf(peering: JsonObject): string | undefined {
  return asString(asObject(asObject(peering.properties)?.remoteVirtualNetwork)?.id);
}

function setState(peering: JsonObject, state: PeeringState): void {
  const properties = (asObject(peering.properties) ?? {}) as JsonObject;
  properties.peeringState = state;
  peering.properties = properties;
}

function addressSpaceOf(vnet: ArmResource | undefined): JsonObject {
  return { addressPrefixes: asArray(asObject(vnet?.properties?.addressSpace)?.addressPrefixes) };
}

function rangesOf(space: JsonObject): { prefix: string; range: Range }[] {
  return asArray(space.addressPrefixes).flatMap((p) => {
    const prefix = asString(p) ?? '';
    const range = cidrRange(prefix);
    return range ? [{ prefix, range }] : [];
  });
}

/** The remote side's peerings back to `localVnetId`. */
function peeringsBack(store: ResourceStore, remoteVnetId: string, localVnetId: string): JsonObject[] {
  const remote = store.get(remoteVnetId);
  return remote ? peeringsOf(remote).filter((p) => sameId(remoteIdOf(p), localVnetId)) : [];
}

export interface BuiltPeering {
  entry: JsonObject;
  /** The remote side's peerings back to this VNet, Connected once the peering is stored (`connect`). */
  back: JsonObject[];
}

/**
 * Validates one peering of `localVnetId` (a PUT body, or one item of a VNet PUT's `virtualNetworkPeerings`)
 * and builds it as ARM stores it, its state decided by the remote side. Changes nothing: `connect` makes
 * the remote side Connected once every check of the PUT has passed. `localSpace` is the local VNet's
 * address space (from the VNet PUT body when it is one); `field` prefixes the body's field names.
 */
export function buildPeering(
  store: ResourceStore,
  localVnetId: string,
  localSpace: JsonObject,
  value: JsonValue,
  field: string,
): BuiltPeering {
  const at = (name: string): string => (field ? `${field}.${name}` : name);
  const peering = requireObject(value, field || 'body');
  const name = requireString(peering.name, at('name'));
  const properties = requireObject(peering.properties, at('properties'));
  const id = `${localVnetId}/virtualNetworkPeerings/${name}`;
  const remoteId = requireRef(properties.remoteVirtualNetwork, at('properties.remoteVirtualNetwork'));
  const remote = store.get(remoteId);
  if (!remote || remote.type.toLowerCase() !== 'microsoft.network/virtualnetworks') {
    throw badRequest(
      'InvalidGlobalResourceReference',
      `Resource ${remoteId} referenced by resource ${id} was not found. Please make sure that the referenced resource exists.`,
    );
  }
  const remoteSpace = addressSpaceOf(remote);
  const overlapping = rangesOf(localSpace).filter((l) =>
    rangesOf(remoteSpace).some((r) => rangesOverlap(l.range, r.range)),
  );
  if (overlapping.length > 0) {
    throw badRequest(
      'VnetAddressSpacesOverlap',
      `Cannot create or update peering ${id}. Virtual networks ${localVnetId} and ${remote.id} cannot be peered because their address spaces overlap. Overlapping address prefixes: ${overlapping.map((o) => o.prefix).join(', ')}.`,
    );
  }
  const back = peeringsBack(store, remote.id, localVnetId).filter(
    (p) => asString(asObject(p.properties)?.peeringState) !== 'Disconnected',
  );
  const flag = (key: string, fallback: boolean): boolean =>
    optionalBoolean(properties[key], at(`properties.${key}`)) ?? fallback;
  const entry: JsonObject = {
    name,
    id,
    type: PEERING_TYPE,
    etag: `W/"${randomUUID()}"`,
    properties: {
      ...properties,
      allowVirtualNetworkAccess: flag('allowVirtualNetworkAccess', true),
      allowForwardedTraffic: flag('allowForwardedTraffic', false),
      allowGatewayTransit: flag('allowGatewayTransit', false),
      useRemoteGateways: flag('useRemoteGateways', false),
      remoteVirtualNetwork: { id: remote.id },
      remoteAddressSpace: remoteSpace,
      remoteVirtualNetworkAddressSpace: remoteSpace,
      localAddressSpace: localSpace,
      localVirtualNetworkAddressSpace: localSpace,
      peeringState: back.length > 0 ? 'Connected' : 'Initiated',
      peeringSyncLevel: 'FullyInSync',
      provisioningState: 'Succeeded',
      resourceGuid: randomUUID(),
    },
  };
  return { entry, back };
}

export function connect(built: BuiltPeering): void {
  built.back.forEach((p) => setState(p, 'Connected'));
}

/** What was `peering` (a stored one of `localVnetId`) no longer exists: the remote side's peerings back are Disconnected. */
function disconnectRemote(store: ResourceStore, localVnetId: string, peering: JsonObject): void {
  const remoteId = remoteIdOf(peering);
  if (remoteId) peeringsBack(store, remoteId, localVnetId).forEach((p) => setState(p, 'Disconnected'));
}

/** PUT of one peering: stored in (or replaced inside) its VNet; the answer is the peering. */
export function putPeering(store: ResourceStore, target: ArmTarget, body: JsonObject): JsonObject {
  const vnet = requireParent(store, target.scope);
  const built = buildPeering(store, vnet.id, addressSpaceOf(vnet), { ...body, name: target.name ?? '' }, '');
  const entry = built.entry;
  const properties = (vnet.properties ??= {});
  const peerings = asArray(properties.virtualNetworkPeerings);
  const index = peerings.findIndex((p) => asString(asObject(p)?.name)?.toLowerCase() === target.name?.toLowerCase());
  const old = index >= 0 ? asObject(peerings[index]) : undefined;
  // Re-pointed at another VNet: the former remote loses its other side.
  if (old && !sameId(remoteIdOf(old), remoteIdOf(entry))) disconnectRemote(store, vnet.id, old);
  if (index >= 0) peerings[index] = entry;
  else peerings.push(entry);
  properties.virtualNetworkPeerings = peerings;
  connect(built);
  return entry;
}

export function peeringExists(store: ResourceStore, target: ArmTarget): boolean {
  const vnet = store.get(target.scope);
  return (
    vnet !== undefined && peeringsOf(vnet).some((p) => asString(p.name)?.toLowerCase() === target.name?.toLowerCase())
  );
}

/** DELETE of one peering: 200, or 204 when there was none; the remote side becomes Disconnected. */
export function deletePeering(store: ResourceStore, target: ArmTarget): { status: number } {
  const vnet = requireParent(store, target.scope);
  const peerings = asArray(vnet.properties?.virtualNetworkPeerings);
  const index = peerings.findIndex((p) => asString(asObject(p)?.name)?.toLowerCase() === target.name?.toLowerCase());
  const old = index >= 0 ? asObject(peerings[index]) : undefined;
  if (!old) return { status: 204 };
  peerings.splice(index, 1);
  disconnectRemote(store, vnet.id, old);
  return { status: 200 };
}

/**
 * A VNet PUT's `virtualNetworkPeerings`: absent keeps the stored ones (ARM does not delete peerings a VNet
 * PUT leaves out, https://github.com/Azure/arm-template-whatif/issues/163), an array replaces them and the
 * ones it drops disconnect their remote side.
 */
export function vnetPeerings(
  store: ResourceStore,
  vnetId: string,
  localSpace: JsonObject,
  value: JsonValue | undefined,
  existing: ArmResource | undefined,
): { peerings: JsonValue[]; apply: () => void } {
  const stored = existing ? peeringsOf(existing) : [];
  if (value === undefined || value === null) return { peerings: stored, apply: () => undefined };
  if (!Array.isArray(value)) throw invalidBody('properties.virtualNetworkPeerings', 'must be an array');
  const built = value.map((p, i) =>
    buildPeering(store, vnetId, localSpace, p, `properties.virtualNetworkPeerings[${i}]`),
  );
  const dropped = stored.filter(
    (old) =>
      !built.some(
        (b) => sameId(asString(b.entry.id), asString(old.id)) && sameId(remoteIdOf(b.entry), remoteIdOf(old)),
      ),
  );
  return {
    peerings: built.map((b) => b.entry),
    apply: () => {
      dropped.forEach((old) => disconnectRemote(store, vnetId, old));
      built.forEach(connect);
    },
  };
}

/** A deleted VNet: every peering that points at it, on any VNet, is Disconnected. */
export function disconnectPeeringsTo(store: ResourceStore, vnet: ArmResource): void {
  for (const other of store.all()) {
    if (other.type.toLowerCase() !== 'microsoft.network/virtualnetworks' || sameId(other.id, vnet.id)) continue;
    peeringsOf(other)
      .filter((p) => sameId(remoteIdOf(p), vnet.id))
      .forEach((p) => setState(p, 'Disconnected'));
  }
}
