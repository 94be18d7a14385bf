import { type ArmResource, type JsonValue } from './arm';
import type { Estate } from './estate';

/**
 * ARM resources as a plan says they will be, before anything is deployed (a Terraform plan, a Pulumi preview):
 * some values are known only once Azure has created the resource (the endpoint NIC's address, an id), and some
 * facts about existing resources are not in the plan at all (a connection's approval state, records in a zone
 * someone else manages). Sources write these markers where such a value belongs; `materialize` turns them into
 * the estates the engine compares (src/engine/undetermined.ts): one with the values left out, and one per
 * stand-in value.
 */

/** A value known only after deployment (Terraform's "known after apply"). */
export const UNKNOWN = '\u0000kvguard:unknown-after-apply';
/** A fact about an existing resource that the plan does not carry: an overlaid live estate may tell it. */
export const UNSEEN = '\u0000kvguard:not-in-plan';

export function isMarker(value: JsonValue | undefined): boolean {
  return value === UNKNOWN || value === UNSEEN;
}

/**
 * Stand-ins for unknown values: a result that changes with them was not decided by the plan. Different JSON
 * types, so a check of any one type sees at least one value it does not expect.
 */
export const STAND_INS: readonly JsonValue[] = [
  'kvguard-unknown',
  true,
  false,
  1,
  [{ id: '/kvguard-unknown', name: 'kvguard-unknown', properties: {} }],
];

/**
 * The resources with every marker resolved: left out (an object key removed, an array element dropped) when
 * `fill` is undefined, else replaced by `fill`.
 */
export function materialize(resources: readonly ArmResource[], fill?: JsonValue): ArmResource[] {
  return resources.map((resource) => resolve(resource as unknown as JsonValue, fill) as unknown as ArmResource);
}

function resolve(value: JsonValue | undefined, fill: JsonValue | undefined): JsonValue | undefined {
  if (isMarker(value)) return fill === undefined ? undefined : structuredClone(fill);
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (const item of value) {
      const resolved = resolve(item, fill);
      if (resolved !== undefined) out.push(resolved);
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = resolve(item, fill);
      if (resolved !== undefined) out[key] = resolved;
    }
    return out;
  }
  return value;
}

/** Does any resource carry a marker? */
export function hasMarkers(resources: readonly ArmResource[]): boolean {
  const visit = (value: JsonValue | undefined): boolean =>
    isMarker(value) ||
    (Array.isArray(value)
      ? value.some(visit)
      : value !== null && typeof value === 'object' && Object.values(value).some(visit));
  return resources.some((r) => visit(r as unknown as JsonValue));
}

/** A plan's estates, as a source hands them to the engine (src/engine/undetermined.ts). */
export interface PlannedEstates {
  /** Markers left out. */
  known: Estate;
  /** One estate per stand-in value. */
  filled: readonly Estate[];
  /** What an entity's unknown values are called in the source (a Terraform address and attribute). */
  describe(entityIds: readonly string[]): string;
}
