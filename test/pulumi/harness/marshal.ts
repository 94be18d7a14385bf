/**
 * Property values as the Pulumi engine marshals them for an analyzer (pulumi/pulumi
 * sdk/go/common/resource/plugin/rpc.go, MarshalPropertyValue with KeepUnknowns and KeepSecrets, which
 * analyzer_plugin.go passes for Analyze, AnalyzeStack and Remediate):
 * - an unknown (computed) value becomes a sentinel string by the type of its element; providers mark
 *   computed outputs with a string element (azure-native's makeComputedValue: "we always use a string
 *   property with an empty string, regardless of the type"), so unknowns arrive as UnknownStringValue, for
 *   scalars and whole objects alike;
 * - a secret becomes `{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": v}`
 *   (resource.SigKey, resource.SecretSig);
 * - nulls are kept; keys starting with `__` are skipped at the top level (SkipInternalKeys).
 */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
export const SIG_KEY = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/** A value the engine does not know yet. */
export const Unknown: unique symbol = Symbol('unknown');
export type Unknown = typeof Unknown;

export class Secret {
  constructor(readonly value: PropertyValue) {}
}

export type PropertyValue =
  null | string | number | boolean | Unknown | Secret | PropertyValue[] | { [key: string]: PropertyValue };
export type PropertyMap = Record<string, PropertyValue>;

export function isObject(value: PropertyValue | undefined): value is { [key: string]: PropertyValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Secret);
}

type Json = null | string | number | boolean | Json[] | { [key: string]: Json };

export function marshalValue(value: PropertyValue): Json {
  if (value === Unknown) return UNKNOWN;
  if (value instanceof Secret) return { [SIG_KEY]: SECRET_SIG, value: marshalValue(value.value) };
  if (Array.isArray(value)) return value.map(marshalValue);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, marshalValue(v)]));
  return value;
}

export function marshalProperties(props: PropertyMap): Record<string, Json> {
  return Object.fromEntries(
    Object.entries(props)
      .filter(([key]) => !key.startsWith('__'))
      .map(([key, value]) => [key, marshalValue(value)]),
  );
}

/** The reverse, for what Remediate returns: sentinels back to Unknown, secret signatures to Secret. */
export function unmarshalValue(value: unknown): PropertyValue {
  if (value === UNKNOWN) return Unknown;
  if (Array.isArray(value)) return value.map(unmarshalValue);
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (object[SIG_KEY] === SECRET_SIG) return new Secret(unmarshalValue(object.value));
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, unmarshalValue(v)]));
  }
  return value as PropertyValue;
}
