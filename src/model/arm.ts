/**
 * ARM resources exactly as an ARM GET returns them, and the few helpers every layer needs to read
 * them safely. ARM ids are case-insensitive (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules),
 * so every lookup goes through `idKey`.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface ArmResource {
  id: string;
  name: string;
  type: string;
  location?: string;
  properties?: JsonObject;
  tags?: Record<string, string>;
  etag?: string;
  sku?: JsonObject;
  kind?: string;
  [extra: string]: JsonValue | undefined;
}

/** The lookup key of an ARM id: lower-cased, without a trailing slash. */
export function idKey(id: string): string {
  const trimmed = id.trim();
  // The regex only when needed: idKey runs for every lookup (issue 7 measured it in the engine's profile).
  return (trimmed.endsWith('/') ? trimmed.replace(/\/+$/, '') : trimmed).toLowerCase();
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && idKey(a) === idKey(b);
}

export interface ParsedId {
  subscriptionId: string | undefined;
  resourceGroup: string | undefined;
  /** e.g. `Microsoft.Network/privateDnsZones/A` */
  type: string | undefined;
  name: string;
}

/** Splits an ARM id into subscription, resource group, full type and last name segment. */
export function parseId(id: string): ParsedId {
  const parts = id.replace(/^\/+|\/+$/g, '').split('/');
  const valueAfter = (key: string): string | undefined => {
    const index = parts.findIndex((p) => p.toLowerCase() === key);
    return index >= 0 ? parts[index + 1] : undefined;
  };
  const providerIndex = parts.map((p) => p.toLowerCase()).lastIndexOf('providers');
  let type: string | undefined;
  if (providerIndex >= 0) {
    const tail = parts.slice(providerIndex + 1);
    const typeParts = [tail[0]];
    for (let i = 1; i < tail.length; i += 2) typeParts.push(tail[i]);
    type = typeParts.join('/');
  }
  return {
    subscriptionId: valueAfter('subscriptions'),
    resourceGroup: valueAfter('resourcegroups'),
    type,
    name: parts[parts.length - 1] ?? '',
  };
}

/** The id of the parent resource (`.../privateDnsZones/z/A/r` → `.../privateDnsZones/z`). */
export function parentId(id: string): string {
  const parts = id.replace(/\/+$/, '').split('/');
  return parts.slice(0, -2).join('/');
}

/** The last segment of an id: the resource's own name (`.../vaults/kv1/` → `kv1`). */
export function lastSegment(id: string): string {
  const trimmed = id.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** The resource group an id lives in (`/subscriptions/s/resourceGroups/rg`), or undefined above one. */
export function resourceGroupId(id: string): string | undefined {
  const { subscriptionId, resourceGroup } = parseId(id);
  return subscriptionId && resourceGroup
    ? `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`
    : undefined;
}

// Safe readers for untyped ARM property bags: the model never trusts shapes it did not check.
export function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}
export function asArray(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}
export function asString(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
export function asBoolean(value: JsonValue | undefined): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}
export function asNumber(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}
export function asStrings(value: JsonValue | undefined): string[] {
  return asArray(value).filter((v): v is string => typeof v === 'string');
}
/** `{ id: "..." }` sub-resource references, as ARM writes them. */
export function refId(value: JsonValue | undefined): string | undefined {
  return asString(asObject(value)?.id);
}
/** Reads `properties` of an ARM object, falling back to the object itself for flattened shapes. */
export function props(value: JsonValue | undefined): JsonObject {
  const object = asObject(value) ?? {};
  return asObject(object.properties) ?? object;
}
