import { ALL_RECORD_SETS, GENERIC_RESOURCES, RESOURCE_GROUPS, SUBSCRIPTIONS, typeSpec, type TypeSpec } from './catalog';

/**
 * What an ARM path addresses. ARM paths are case-insensitive and the SDKs build some of them with a
 * doubled slash (`/{+resourceUri}` with a resourceUri that starts with `/`), so the path is normalized
 * before it is read: empty segments dropped, each segment percent-decoded.
 */
export type ScopeKind = 'tenant' | 'subscription' | 'resourceGroup' | 'resource';

export interface ArmTarget {
  /** Normalized path: `/a/b/c`, original casing. For an item this is its ARM id. */
  path: string;
  /** The served type, or undefined when no route matches. */
  spec: TypeSpec | undefined;
  /** The type as the URL spells it (for error messages). */
  typeName: string;
  collection: boolean;
  /** For a collection, the scope or parent it is listed under; for an item, the scope or parent it lives in. */
  scope: string;
  scopeKind: ScopeKind;
  subscriptionId: string | undefined;
  resourceGroup: string | undefined;
  /** Last segment (items only). */
  name: string | undefined;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function pathSegments(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s.length > 0)
    .map(decode);
}

function join(segments: readonly string[]): string {
  return segments.length === 0 ? '' : `/${segments.join('/')}`;
}

function scopeKindOf(segments: readonly string[]): ScopeKind {
  const lower = segments.map((s) => s.toLowerCase());
  if (segments.length === 0) return 'tenant';
  if (segments.length === 2 && lower[0] === 'subscriptions') return 'subscription';
  if (segments.length === 4 && lower[0] === 'subscriptions' && lower[2] === 'resourcegroups') return 'resourceGroup';
  return 'resource';
}

function valueAfter(segments: readonly string[], key: string): string | undefined {
  const index = segments.findIndex((s) => s.toLowerCase() === key);
  return index >= 0 ? segments[index + 1] : undefined;
}

/** Routes without a `providers` segment: the subscription, its resource groups and the generic resource list. */
function resourceManagerTarget(segments: string[], path: string): ArmTarget | undefined {
  const lower = segments.map((s) => s.toLowerCase());
  if (lower[0] !== 'subscriptions' || segments.length < 2) return undefined;
  const subscriptionId = segments[1];
  const base = { path, subscriptionId, typeName: '', name: undefined as string | undefined };
  if (segments.length === 2)
    return {
      ...base,
      spec: SUBSCRIPTIONS,
      typeName: SUBSCRIPTIONS.type,
      collection: false,
      scope: '',
      scopeKind: 'tenant',
      resourceGroup: undefined,
      name: subscriptionId,
    };
  const subscriptionScope = join(segments.slice(0, 2));
  if (segments.length === 3 && lower[2] === 'resources')
    return {
      ...base,
      spec: GENERIC_RESOURCES,
      typeName: GENERIC_RESOURCES.type,
      collection: true,
      scope: subscriptionScope,
      scopeKind: 'subscription',
      resourceGroup: undefined,
    };
  if (lower[2] !== 'resourcegroups') return undefined;
  if (segments.length === 3)
    return {
      ...base,
      spec: RESOURCE_GROUPS,
      typeName: RESOURCE_GROUPS.type,
      collection: true,
      scope: subscriptionScope,
      scopeKind: 'subscription',
      resourceGroup: undefined,
    };
  const resourceGroup = segments[3];
  if (segments.length === 4)
    return {
      ...base,
      spec: RESOURCE_GROUPS,
      typeName: RESOURCE_GROUPS.type,
      collection: false,
      scope: subscriptionScope,
      scopeKind: 'subscription',
      resourceGroup,
      name: resourceGroup,
    };
  if (segments.length === 5 && lower[4] === 'resources')
    return {
      ...base,
      spec: GENERIC_RESOURCES,
      typeName: GENERIC_RESOURCES.type,
      collection: true,
      scope: join(segments.slice(0, 4)),
      scopeKind: 'resourceGroup',
      resourceGroup,
    };
  return undefined;
}

/** Parses an ARM path (a request path or a resource id). Unknown routes come back with `spec: undefined`. */
export function parseTarget(rawPath: string): ArmTarget {
  const segments = pathSegments(rawPath);
  const path = join(segments);
  const lower = segments.map((s) => s.toLowerCase());
  const unknown: ArmTarget = {
    path,
    spec: undefined,
    typeName: '',
    collection: false,
    scope: '',
    scopeKind: 'tenant',
    subscriptionId: valueAfter(segments, 'subscriptions'),
    resourceGroup: valueAfter(segments, 'resourcegroups'),
    name: segments[segments.length - 1],
  };
  const providers = lower.lastIndexOf('providers', segments.length - 2);
  if (providers < 0) return resourceManagerTarget(segments, path) ?? unknown;
  const scopeSegments = segments.slice(0, providers);
  const tail = segments.slice(providers + 1);
  if (tail.length < 2) return unknown;
  const typeParts = [tail[0] ?? ''];
  for (let i = 1; i < tail.length; i += 2) typeParts.push(tail[i] ?? '');
  const typeName = typeParts.join('/');
  const collection = tail.length % 2 === 0;
  let spec = typeSpec(typeName);
  if (!spec && collection && /^microsoft\.network\/privatednszones\/all$/i.test(typeName)) spec = ALL_RECORD_SETS;
  if (spec === ALL_RECORD_SETS && !collection) spec = undefined;
  const nested = tail.length > 3;
  // A child's scope is its parent resource; a tracked resource's is its resource group (or subscription for lists).
  const parentTail = collection ? tail.slice(0, -1) : tail.slice(0, -2);
  const scope = nested ? `${join(scopeSegments)}/providers/${parentTail.join('/')}` : join(scopeSegments);
  return {
    path,
    spec,
    typeName,
    collection,
    scope,
    scopeKind: nested ? 'resource' : scopeKindOf(scopeSegments),
    subscriptionId: unknown.subscriptionId,
    resourceGroup: unknown.resourceGroup,
    name: collection ? undefined : segments[segments.length - 1],
  };
}
