import { idKey, type JsonValue } from '../model/arm';
import type { Estate } from '../model/estate';
import { ANY_OBJECT, ANY_OBJECT_OF_LISTS, estateOf, type AdaptedStack } from './adapter';

/**
 * Which results depend on values unknown until deployment, found without teaching kvguard which rule
 * reads which field: the estate is built once with unknown values left out and once per stand-in value;
 * an entity field that changes with the stand-in is tainted. A rule is then run on an estate that records
 * every entity field it reads; a result that read a tainted field is undetermined, and becomes `skipped`.
 */
const STAND_INS: JsonValue[] = [
  'kvguard-unknown',
  true,
  1,
  [{ id: '/kvguard-unknown', name: 'kvguard-unknown', properties: {} }],
  ANY_OBJECT,
  ANY_OBJECT_OF_LISTS,
];

type EntityIndexes = Pick<
  Estate,
  | 'vaults'
  | 'privateEndpoints'
  | 'zoneGroups'
  | 'networkInterfaces'
  | 'zones'
  | 'links'
  | 'aRecords'
  | 'virtualNetworks'
  | 'subnets'
>;
const INDEXES: (keyof EntityIndexes)[] = [
  'vaults',
  'privateEndpoints',
  'zoneGroups',
  'networkInterfaces',
  'zones',
  'links',
  'aRecords',
  'virtualNetworks',
  'subnets',
];

/** Entity id (idKey) → its tainted fields, with the unknown values behind them for the skip reason. */
export interface Taint {
  /** `*`: every field but the entity's identity (an object it is built from is unknown as a whole). */
  fields: Map<string, Set<string>>;
  /** `pe-kv.networkInterfaces`, `pe-kv (azure-native:network:PrivateEndpoint): privateLinkServiceId` */
  unknownValues: string[];
}

/** What names an entity: reading it never depends on an unknown value. */
const IDENTITY = new Set(['id', 'name']);
const EVERY_FIELD = '*';

export function taintOf(stack: AdaptedStack, known: Estate): Taint {
  const fields = new Map<string, Set<string>>();
  const unknownValues = [
    ...[...stack.resources, ...stack.effects].flatMap((r) => r.unknowns.map((path) => `${r.name}.${path}`)),
    ...stack.danglingReferences,
  ];
  if (unknownValues.length === 0) return { fields, unknownValues };
  const everything = (id: string): void => void fields.set(idKey(id), new Set([EVERY_FIELD]));
  for (const resource of stack.resources) if (resource.opaque) everything(resource.id);
  // A reference that stays unknown may point at any vault: what a vault's rules conclude from its relations
  // (no endpoint, no zone) cannot stand.
  if (stack.danglingReferences.length > 0) for (const vault of known.allVaults()) everything(vault.id);
  const entries = (estate: Estate): Map<string, Record<string, unknown>> => {
    const map = new Map<string, Record<string, unknown>>();
    for (const index of INDEXES)
      for (const entity of estate[index].all())
        map.set(`${index}:${idKey(entity.id)}`, entity as unknown as Record<string, unknown>);
    return map;
  };
  const base = entries(known);
  for (const standIn of STAND_INS) {
    const filled = entries(estateOf(stack, standIn));
    for (const [key, entity] of base) {
      const other = filled.get(key);
      const id = key.slice(key.indexOf(':') + 1);
      const set = fields.get(id) ?? new Set<string>();
      if (set.has(EVERY_FIELD)) continue;
      if (!other) set.add(EVERY_FIELD);
      else for (const path of differences(entity, other, '')) set.add(path);
      if (set.size > 0) fields.set(id, set);
    }
  }
  return { fields, unknownValues };
}

/**
 * Where two values differ, as paths (`connections[0].provisioningState`): arrays of one length and objects
 * are compared member by member, so an unknown sibling does not taint what a rule reads.
 */
function differences(a: unknown, b: unknown, path: string): string[] {
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length)
    return a.flatMap((item, i) => differences(item, b[i], `${path}[${i}]`));
  if (isRecord(a) && isRecord(b) && !Array.isArray(a) && !Array.isArray(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((key) =>
      key === 'resource' ? [] : differences(a[key], b[key], path === '' ? key : `${path}.${key}`),
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

/** The tainted fields a rule read, or an empty list when its result stands. */
export function taintedReads(taint: Taint, log: AccessLog): string[] {
  const hits: string[] = [];
  for (const entry of log.read) {
    const [id = '', field = ''] = entry.split('|');
    const tainted = taint.fields.get(id);
    if (tainted && taints(tainted, field)) hits.push(entry);
  }
  return hits;
}
