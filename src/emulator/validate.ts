import { asObject, type JsonObject, type JsonValue } from './json';
import { badRequest, invalidBody } from './errors';

/** Readers for PUT bodies that answer nonsense with ARM-style 400s naming the field. */
export function requireObject(value: JsonValue | undefined, field: string): JsonObject {
  const object = asObject(value);
  if (!object) throw invalidBody(field, 'must be an object');
  return object;
}

export function optionalObject(value: JsonValue | undefined, field: string): JsonObject | undefined {
  return value === undefined || value === null ? undefined : requireObject(value, field);
}

export function requireString(value: JsonValue | undefined, field: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw invalidBody(field, 'is required and must be a non-empty string');
  return value;
}

export function optionalString(value: JsonValue | undefined, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidBody(field, 'must be a string');
  return value;
}

export function optionalBoolean(value: JsonValue | undefined, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidBody(field, 'must be a boolean');
  return value;
}

export function optionalNumber(value: JsonValue | undefined, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidBody(field, 'must be a number');
  return value;
}

export function optionalArray(value: JsonValue | undefined, field: string): JsonValue[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidBody(field, 'must be an array');
  return value;
}

export function oneOf<T extends string>(
  value: JsonValue | undefined,
  field: string,
  allowed: readonly T[],
  fallback?: T,
): T {
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  const match = allowed.find((a) => typeof value === 'string' && a.toLowerCase() === value.toLowerCase());
  if (!match) throw invalidBody(field, `must be one of ${allowed.join(', ')}`);
  return match;
}

export function requireGuid(value: JsonValue | undefined, field: string): string {
  const text = requireString(value, field);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text))
    throw invalidBody(field, `must be a GUID, got '${text}'`);
  return text;
}

/** `{ id: "..." }` references in PUT bodies. */
export function requireRef(value: JsonValue | undefined, field: string): string {
  return requireString(requireObject(value, field).id, `${field}.id`);
}

export function optionalTags(value: JsonValue | undefined): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const tags = requireObject(value, 'tags');
  for (const [key, tag] of Object.entries(tags))
    if (typeof tag !== 'string') throw invalidBody(`tags.${key}`, 'must be a string');
  return tags as Record<string, string>;
}

/** Regions compare without case or spaces (`West Europe` is `westeurope`). */
export function sameRegion(a: string | undefined, b: string | undefined): boolean {
  const norm = (s: string | undefined): string => (s ?? '').replace(/\s+/g, '').toLowerCase();
  return norm(a) === norm(b);
}

/** A tracked resource's `location`: ARM refuses a PUT without one. */
export function requireLocation(body: JsonObject): string {
  const location = body.location;
  if (typeof location !== 'string' || location.trim() === '')
    throw badRequest('LocationRequired', 'The location property is required for this definition.');
  return location;
}
