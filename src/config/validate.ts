import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { UsageError } from '../errors';

export { readJsonFile } from '../input/json-file';

/**
 * JSON files the user writes (config, baseline) are validated whole with ajv; the first problem becomes
 * one line naming the file and the field: `kvguard.config.json: /suppressions/0/reason: is required`.
 */
export function compileSchema(schema: object): ValidateFunction {
  return new Ajv({ allErrors: false, strict: false, verbose: true }).compile(schema);
}

export function assertValid<T>(validate: ValidateFunction, data: unknown, label: string): T {
  if (!validate(data)) throw new UsageError(`${label}: ${describeError(validate.errors?.[0])}`);
  return data as T;
}

/** `base` is the pointer of the validated value inside its file, when it is not the whole file. */
export function describeError(error: ErrorObject | undefined, base = ''): string {
  if (!error) return `${base || '/'}: is invalid`;
  const at = base + error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${at}/${String(params.missingProperty)}: is required`;
    case 'additionalProperties':
      return `${at}/${String(params.additionalProperty)}: is not allowed here`;
    case 'enum':
      return `${at || '/'}: must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'propertyNames':
      return `${at}/${String(params.propertyName)}: is not a rule id or name`;
    case 'pattern':
      return `${at || '/'}: ${JSON.stringify(error.data)} does not match ${String(params.pattern)}`;
    default:
      return `${at || '/'}: ${error.message ?? 'is invalid'}`;
  }
}
