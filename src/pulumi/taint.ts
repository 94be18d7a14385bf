import { EVERY_FIELD, taintedFields, type TaintedFields } from '../engine/taint';
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

/** Entity id (idKey) → its tainted fields, with the unknown values behind them for the skip reason. */
export interface Taint {
  /** `*`: every field but the entity's identity (an object it is built from is unknown as a whole). */
  fields: TaintedFields;
  /** `pe-kv.networkInterfaces`, `pe-kv (azure-native:network:PrivateEndpoint): privateLinkServiceId` */
  unknownValues: string[];
}

export function taintOf(stack: AdaptedStack, known: Estate): Taint {
  const fields: TaintedFields = new Map();
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
  const filled = STAND_INS.map((standIn) => estateOf(stack, standIn));
  return { fields: taintedFields(known, filled, fields), unknownValues };
}
