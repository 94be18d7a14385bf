import { idKey } from '../model/arm';
import type { Estate } from '../model/estate';

/**
 * Which entity fields depend on values a plan leaves unknown (a Pulumi preview, a Terraform plan), found without
 * teaching kvguard which rule reads which field: the estate is built once with the unknown values left out and
 * once per stand-in value; a field whose value changes with a stand-in is tainted. A rule then runs on an estate
 * that records every field it reads (`recording`); a result that read a tainted field is undetermined.
 * Shared by src/pulumi/taint.ts and src/engine/undetermined.ts.
 */

/** Entity idKey → tainted field paths (`connections[0].state.status`); `*` taints all but the identity. */
export type TaintedFields = Map<string, Set<string>>;

/** What names an entity: reading it never depends on an unknown value. */
const IDENTITY = new Set(['id', 'name']);
export const EVERY_FIELD = '*';

interface EntityIndex {
  all(): { id: string }[];
  get(id: string): unknown;
}

function isIndex(value: unknown): value is EntityIndex {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { all?: unknown }).all === 'function' &&
    typeof (value as { get?: unknown }).get === 'function'
  );
}

/** Every entity of every index of the estate, by `index:idKey`. */
function entities(estate: Estate): Map<string, Record<string, unknown>> {
  const map = new Map<string, Record<string, unknown>>();
  for (const [name, index] of Object.entries(estate)) {
    if (!isIndex(index)) continue;
    for (const entity of index.all()) map.set(`${name}:${idKey(entity.id)}`, entity as Record<string, unknown>);
  }
  return map;
}

/**
 * The fields of `known`'s entities that differ in some `filled` estate. `fields` may come seeded (an entity the
 * source knows to be unknown as a whole gets EVERY_FIELD). An entity missing from a filled estate is tainted whole.
 */
export function taintedFields(
  known: Estate,
  filled: readonly Estate[],
  fields: TaintedFields = new Map(),
  options: DifferenceOptions = {},
): TaintedFields {
  const base = entities(known);
  for (const estate of filled) {
    const other = entities(estate);
    for (const [key, entity] of base) {
      const twin = other.get(key);
      const id = key.slice(key.indexOf(':') + 1);
      const set = fields.get(id) ?? new Set<string>();
      if (set.has(EVERY_FIELD)) continue;
      if (!twin) set.add(EVERY_FIELD);
      else for (const path of differences(entity, twin, '', options)) set.add(path);
      if (set.size > 0) fields.set(id, set);
    }
  }
  return fields;
}

/**
 * Where two values differ, as paths (`connections[0].provisioningState`): arrays of one length and objects are
 * compared member by member, so an unknown sibling does not taint what a rule reads.
 */
export interface DifferenceOptions {
  /**
   * A longer array in the filled estate is the known elements plus elements that may exist (a plan's open list:
   * a hub VNet's peerings the plan does not manage): only the extra positions differ. Safe only where the caller
   * also compares results across the filled estates (runRulesOnPlan), since a rule that finds nothing in the
   * known list reads no element.
   */
  openArrays?: boolean;
}

function differences(a: unknown, b: unknown, path: string, options: DifferenceOptions = {}): string[] {
  if (Array.isArray(a) && Array.isArray(b) && (a.length === b.length || (options.openArrays && b.length > a.length)))
    return b.flatMap((item, i) =>
      i < a.length ? differences(a[i], item, `${path}[${i}]`, options) : [`${path}[${i}]`],
    );
  if (isRecord(a) && isRecord(b) && !Array.isArray(a) && !Array.isArray(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((key) =>
      key === 'resource' ? [] : differences(a[key], b[key], path === '' ? key : `${path}.${key}`, options),
    );
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

/** Every `entity.path` a rule read, as `idKey|path` (`…/pe-kv|connections[0].state.status`). */
export interface AccessLog {
  read: Set<string>;
}

/**
 * The estate (or an entity) behind a proxy that logs reads of entity fields, down to nested values
 * (`connections[0].state.status`). Methods run on the real object (Maps inside the estate need their own
 * receiver); what they return is wrapped in turn.
 */
export function recording<T extends object>(
  target: T,
  log: AccessLog,
  cache = new WeakMap<object, Map<string, object>>(),
  context?: { entity: string; path: string },
): T {
  const isArray = Array.isArray(target);
  const ownId =
    !isArray && typeof (target as { id?: unknown }).id === 'string' ? (target as { id: string }).id : undefined;
  // An entity starts its own paths; a nested object continues its entity's.
  const here = ownId !== undefined ? { entity: idKey(ownId), path: '' } : context;
  const key = here ? `${here.entity}|${here.path}` : '';
  const byContext = cache.get(target) ?? new Map<string, object>();
  cache.set(target, byContext);
  const cached = byContext.get(key);
  if (cached) return cached as T;
  const child = (property: string | symbol): { entity: string; path: string } | undefined => {
    if (!here || typeof property !== 'string') return undefined;
    const step = isArray && /^\d+$/.test(property) ? `[${property}]` : here.path === '' ? property : `.${property}`;
    return { entity: here.entity, path: `${here.path}${step}` };
  };
  const proxy = new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, isArray ? receiver : object);
      const next = child(property);
      if (next && !(isArray && property === 'length')) log.read.add(`${next.entity}|${next.path}`);
      if (typeof value === 'function') {
        if (isArray) return value;
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(object, args);
          return result !== null && typeof result === 'object' ? recording(result, log, cache, undefined) : result;
        };
      }
      const descriptor = Object.getOwnPropertyDescriptor(object, property);
      if (descriptor && descriptor.configurable === false && descriptor.writable === false) return value;
      return value !== null && typeof value === 'object' ? recording(value, log, cache, next) : value;
    },
  });
  byContext.set(key, proxy);
  return proxy;
}

/** A read is tainted when it reached a tainted value or something inside one. */
function taints(tainted: ReadonlySet<string>, path: string): boolean {
  const field = path.split(/[.[]/)[0] ?? path;
  if (tainted.has(EVERY_FIELD)) return !IDENTITY.has(field);
  for (let p = path; p !== ''; p = p.replace(/(\.[^.[]*|\[\d+\])$/, '')) {
    if (tainted.has(p)) return true;
    if (!/[.[]/.test(p)) break;
  }
  return false;
}

/** The tainted reads of a log (`idKey|path`), or an empty list when the result stands. */
export function taintedReads(fields: TaintedFields, log: AccessLog): string[] {
  const hits: string[] = [];
  for (const entry of log.read) {
    const [id = '', path = ''] = entry.split('|');
    const tainted = fields.get(id);
    if (tainted && taints(tainted, path)) hits.push(entry);
  }
  return hits;
}
