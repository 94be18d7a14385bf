import type { ErrorObject } from 'ajv';

/**
 * Words ajv's first error as `/json/pointer: expected ..., found ...`. The schema says what it expects
 * in an `x-expected` keyword beside the failing one (ajv's `verbose` hands us that schema), so the
 * wording lives with the schema rather than in a table here.
 */
export function describeSchemaError(error: ErrorObject, rootExpected: string): string {
  const at = error.instancePath;
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  const params = error.params as Record<string, unknown>;
  if (at === '' && (error.keyword === 'type' || error.keyword === 'required')) {
    return `/: expected ${rootExpected}, found ${describeValue(error.data)}`;
  }
  if (error.keyword === 'required') {
    const property = String(params.missingProperty);
    const expected = parent.properties?.[property]?.['x-expected'] ?? 'a value';
    return `${at}/${property}: expected ${expected}, found nothing`;
  }
  return `${at}: expected ${parent['x-expected'] ?? error.message ?? 'something else'}, found ${describeValue(error.data)}`;
}

interface SchemaNode {
  'x-expected'?: string;
  properties?: Record<string, SchemaNode>;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `the string ${quote(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  return typeof value;
}

function quote(text: string): string {
  const short = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return JSON.stringify(short);
}
