/**
 * The JSON and ARM-id helpers the emulator needs, its own: the emulator is the other side of the wire and
 * shares no code with the product it tests (ARCHITECTURE.md), so a bug in the product's id handling cannot
 * hide behind the same bug here. ARM ids are case-insensitive
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules).
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** An ARM resource as a GET returns it (the seed format; structurally the snapshot's resources). */
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
  return id.trim().replace(/\/+$/, '').toLowerCase();
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && idKey(a) === idKey(b);
}

/** The id of the parent resource (`.../privateDnsZones/z/A/r` → `.../privateDnsZones/z`). */
export function parentId(id: string): string {
  return id.replace(/\/+$/, '').split('/').slice(0, -2).join('/');
}

export function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}
export function asArray(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}
export function asString(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
export function asStrings(value: JsonValue | undefined): string[] {
  return asArray(value).filter((v): v is string => typeof v === 'string');
}
/** `{ id: "..." }` sub-resource references, as ARM writes them. */
export function refId(value: JsonValue | undefined): string | undefined {
  return asString(asObject(value)?.id);
}
