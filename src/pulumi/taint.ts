import { idKey, type JsonValue } from '../model/arm';
import type { Estate } from '../model/estate';
import { estateOf, type AdaptedStack } from './adapter';

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
  fields: Map<string, Set<string>>;
  /** `pe-kv (azure-native:network:PrivateEndpoint): networkInterfaces` */
  unknownValues: string[];
}

export function taintOf(stack: AdaptedStack, known: Estate): Taint {
  const fields = new Map<string, Set<string>>();
  const unknownValues = [...stack.resources, ...stack.effects].flatMap((r) =>
    r.unknowns.map((path) => `${r.name}.${path}`),
  );
  if (unknownValues.length === 0) return { fields, unknownValues };
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
      for (const field of new Set([...Object.keys(entity), ...Object.keys(other ?? {})])) {
        if (!other || JSON.stringify(entity[field]) !== JSON.stringify(other[field])) set.add(field);
      }
      if (set.size > 0) fields.set(id, set);
    }
  }
  return { fields, unknownValues };
}

/** Every `entity.field` a rule read, as `idKey|field`. */
export interface AccessLog {
  read: Set<string>;
}

/**
 * The estate (or an entity) behind a proxy that logs reads of entity fields. Methods run on the real
 * object (Maps inside the estate need their own receiver); what they return is wrapped in turn.
 */
export function recording<T extends object>(target: T, log: AccessLog, cache = new WeakMap<object, object>()): T {
  const cached = cache.get(target);
  if (cached) return cached as T;
  const wrap = (value: unknown): unknown =>
    value !== null && typeof value === 'object' ? recording(value, log, cache) : value;
  const isArray = Array.isArray(target);
  const entityId =
    !isArray && typeof (target as { id?: unknown }).id === 'string' ? idKey((target as { id: string }).id) : undefined;
  const proxy = new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, isArray ? receiver : object);
      if (typeof property === 'string' && entityId !== undefined) log.read.add(`${entityId}|${property}`);
      if (typeof value === 'function') {
        if (isArray) return value;
        return (...args: unknown[]) => wrap((value as (...a: unknown[]) => unknown).apply(object, args));
      }
      const descriptor = Object.getOwnPropertyDescriptor(object, property);
      if (descriptor && descriptor.configurable === false && descriptor.writable === false) return value;
      return wrap(value);
    },
  });
  cache.set(target, proxy);
  return proxy;
}

/** The tainted fields a rule read, or an empty list when its result stands. */
export function taintedReads(taint: Taint, log: AccessLog): string[] {
  const hits: string[] = [];
  for (const entry of log.read) {
    const [id = '', field = ''] = entry.split('|');
    if (taint.fields.get(id)?.has(field)) hits.push(entry);
  }
  return hits;
}
