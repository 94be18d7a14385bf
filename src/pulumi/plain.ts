import type { JsonObject, JsonValue } from '../model/arm';

/**
 * Pulumi property bags as plain JSON. During `pulumi preview` a value that depends on a resource not yet
 * created is unknown: the policy analyzer hands props wrapped in @pulumi/policy's `unknownCheckingProxy`,
 * which throws `UnknownValueError` when such a value is read; the mock runtime and the engine's wire format
 * carry the sentinel strings instead. Either way the value is left out and its path recorded, so the
 * adapter can say which fields are unknown rather than treating them as absent.
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  '1c4a061d-8072-4f0a-a4cb-0ff528b18fe7', // boolean
  '3eeb2bf0-c639-47a8-9e75-3b44932eb421', // number
  '04da6b54-80e4-46f7-96ec-b56ff0331ba9', // string (also what the mock runtime sends for any unknown)
  '6a19a0b0-7e62-4c92-b797-7f8e31da9cc2', // array
  '030794c1-ac77-496b-92df-f27374a8bd58', // asset
  'e48ece36-62e2-4504-bad9-02848725956a', // archive
  'dd056dcd-154b-4c76-9bd3-c8f88648b5ff', // object
]);

export const UNKNOWN_STRING = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

export interface PlainProps {
  value: JsonObject;
  /** Dotted paths (`privateLinkServiceConnections[0].privateLinkServiceId`) whose value is unknown. */
  unknowns: string[];
}

function isUnknownError(thrown: unknown): boolean {
  return thrown instanceof Error && thrown.constructor.name === 'UnknownValueError';
}

/** Reads `source[key]`, turning an unknown (thrown or sentinel) into `undefined` and recording its path. */
function read(source: object, key: string | number, path: string, unknowns: string[]): unknown {
  let value: unknown;
  try {
    value = (source as Record<string | number, unknown>)[key];
  } catch (thrown) {
    if (!isUnknownError(thrown)) throw thrown;
    unknowns.push(path);
    return undefined;
  }
  if (typeof value === 'string' && UNKNOWN_SENTINELS.has(value)) {
    unknowns.push(path);
    return undefined;
  }
  return value;
}

function convert(value: unknown, path: string, unknowns: string[]): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value)) {
    const items: JsonValue[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = convert(read(value, i, `${path}[${i}]`, unknowns), `${path}[${i}]`, unknowns);
      if (item !== undefined) items.push(item);
    }
    return items;
  }
  if (typeof value === 'object') {
    const object: JsonObject = {};
    for (const key of Object.keys(value)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      const child = convert(read(value, key, childPath, unknowns), childPath, unknowns);
      if (child !== undefined) object[key] = child;
    }
    return object;
  }
  return undefined;
}

export function plainProps(props: unknown): PlainProps {
  const unknowns: string[] = [];
  const value = convert(props, '', unknowns);
  return { value: value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {}, unknowns };
}
