import Ajv, { type ValidateFunction } from 'ajv';
import { UsageError } from '../errors';
import type { Notice } from '../model/notice';
import { ArmResource, JsonObject, idKey } from '../model/arm';
import { MODEL_TYPES, isModelType } from '../model/estate';
import schema from '../../schema/snapshot.schema.json';
import { parseJsonDocuments } from './json-documents';
import { readJsonText } from './json-file';
import { STREAM_ABOVE_BYTES, fileSize, readLargeJson } from './json-stream';
import { MAX_DEPTH, tooDeep } from './depth';
import { resourceLines } from './resource-lines';
import { describeSchemaError } from './schema-error';
import { type InputShape, readDocument } from './shapes';

/**
 * The snapshot input (DESIGN 2.1 and its amendments): ARM resources in any of the shapes shapes.ts reads
 * (arrays, `{resources}`, Resource Graph responses, ARM list pages, single resources, the az CLI's flattened
 * output, several documents one after the other), or `pulumi stack export` (adapted by the caller, see
 * src/pulumi/stack-export.ts). Every resource is validated against the shipped schema, its `properties`
 * against the entry of its type (every field the rules read): the first problem is one line naming the file
 * and the JSON pointer. Resources of types the model does not read are dropped with a count, and an input
 * without a vault is an error: auditing nothing must not look like a pass.
 */
export interface Snapshot {
  resources: ArmResource[];
  notices: Notice[];
  /** The shape of the first document (`resource-graph` when any document is one). */
  shape: InputShape;
  /** Every document's shape, in order. */
  shapes: InputShape[];
  /** Read from a file: the line of each resource's id in it, by `idKey` (reports point there). */
  resourceLines?: Record<string, number>;
  /** `pulumi stack export` deployments, for the Pulumi adapter (the input layer does not import it). */
  pulumiDeployments: JsonObject[];
  /** Referenced ids the live read that made the snapshot could not see, and why (`kvguard snapshot`). */
  unreadable: Map<string, string>;
}

const ajv = new Ajv({ allErrors: false, strict: false, verbose: true });
// Validated as a one-element list, so a missing field is worded with its pointer (`/0/id`), not as the root.
const validateResource = ajv.compile({
  definitions: schema.definitions,
  type: 'array',
  items: { $ref: '#/definitions/resource' },
});
const propertiesValidators = new Map<string, ValidateFunction>();
const VAULT_TYPES: readonly string[] = [MODEL_TYPES.vault, MODEL_TYPES.managedHsm];
/** Fields ARM omits when unset but Resource Graph rows carry as null. */
const NULLABLE_FIELDS = ['location', 'tags', 'etag', 'sku', 'kind'] as const;

export function readSnapshot(file: string, streamAboveBytes = STREAM_ABOVE_BYTES): Snapshot {
  return snapshotOf(readInputDocuments(file, streamAboveBytes), file);
}

/** The JSON documents of an input file, and its text when it was small enough to hold (for resource lines). */
export interface InputDocuments {
  documents: unknown[];
  text?: string;
}

export function readInputDocuments(file: string, streamAboveBytes = STREAM_ABOVE_BYTES): InputDocuments {
  // A large file is streamed, never held as one string; resources of types the model does not read are kept
  // as {id, name, type} only (counted, then dropped), so memory follows what is audited, not the file's size.
  if (file !== '-' && (fileSize(file) ?? 0) > streamAboveBytes)
    return { documents: [readLargeJson(file, stubIgnoredType)] };
  const text = readJsonText(file);
  return { documents: parseJsonDocuments(text, file), text };
}

export function snapshotOf(input: InputDocuments, file: string): Snapshot {
  const snapshot = parseSnapshotDocuments(input.documents, file);
  return input.text === undefined ? snapshot : { ...snapshot, resourceLines: resourceLines(input.text) };
}

/** One parsed JSON value (tests, the emulator's seed). */
export function parseSnapshot(data: unknown, file: string): Snapshot {
  return parseSnapshotDocuments([data], file);
}

export function parseSnapshotDocuments(data: readonly unknown[], file: string): Snapshot {
  const documents = data.map((value, index) =>
    readDocument(value, file, data.length > 1 ? `document ${index + 1}: ` : ''),
  );
  const notices: Notice[] = [];
  const resources: ArmResource[] = [];
  const where: string[] = [];
  documents.forEach((doc, index) => {
    doc.resources.forEach((resource, i) => {
      const pointer = `${data.length > 1 ? `document ${index + 1}: ` : ''}${doc.pointers[i] ?? ''}`;
      validate(resource, pointer, doc.flattened[i] ?? false, file);
      resources.push(withoutNulls(resource));
      where.push(pointer);
    });
    // A page that says more follow is incomplete, unless the page after it is in the input too.
    const followed = index < documents.length - 1 && documents[index + 1]?.shape === doc.shape;
    if (doc.truncated && !followed) {
      const what = doc.shape === 'resource-graph' ? 'a Resource Graph result' : 'an ARM list';
      notices.push({
        level: 'error',
        message: `${file}${data.length > 1 ? ` (document ${index + 1})` : ''} is one page of ${what} (${doc.truncated}): resources on the other pages are not in this audit`,
      });
    }
  });
  const pulumiDeployments = documents.flatMap((d) => (d.deployment ? [d.deployment] : []));
  const listPointer = documents.length === 1 ? (documents[0]?.listPointer ?? '/') : 'the input';
  checkResources(resources, where, file, pulumiDeployments.length > 0, listPointer);
  const ignored = ignoredTypes(resources);
  if (ignored) notices.push({ level: 'info', message: ignored });
  const shapes = documents.map((d) => d.shape);
  const unreadable = new Map<string, string>();
  for (const doc of documents) for (const [id, reason] of doc.unreadable ?? []) unreadable.set(id, reason);
  return {
    resources: resources.filter((r) => isModelType(r.type)),
    unreadable,
    notices,
    shape: shapes.includes('resource-graph') ? 'resource-graph' : (shapes[0] ?? 'array'),
    shapes,
    pulumiDeployments,
  };
}

/** The resource envelope, then its type's properties: the first problem, with its pointer in the input. */
function validate(resource: ArmResource, pointer: string, flattened: boolean, file: string): void {
  const deep = tooDeep(resource);
  if (deep !== undefined)
    throw new UsageError(`${file}: ${pointer}${deep}: nested deeper than ${MAX_DEPTH} levels, no ARM resource does`);
  if (!validateResource([resource])) throw schemaError(validateResource, pointer, flattened, file, true);
  const type = resource.type.toLowerCase();
  const properties = resource.properties;
  if (properties === undefined) return;
  const check = propertiesValidator(type);
  if (check && !check(properties)) throw schemaError(check, `${pointer}/properties`, flattened, file);
}

function propertiesValidator(type: string): ValidateFunction | undefined {
  if (!(type in schema.definitions.typeProperties.properties)) return undefined;
  let check = propertiesValidators.get(type);
  if (!check) {
    check = ajv.compile({
      definitions: schema.definitions,
      $ref: `#/definitions/typeProperties/properties/${type.replace(/\//g, '~1')}`,
    });
    propertiesValidators.set(type, check);
  }
  return check;
}

function schemaError(
  check: ValidateFunction,
  pointer: string,
  flattened: boolean,
  file: string,
  inList = false,
): UsageError {
  const first = check.errors?.find((e) => e.keyword !== 'if') ?? check.errors?.[0];
  const raw = first ? describeSchemaError(first, 'an ARM resource object') : '/: is not an ARM resource';
  const described = inList ? raw.replace(/^\/0(?=[/:])/, '') : raw;
  // Errors inside a re-nested az CLI resource name the field where the CLI printed it (no `properties`).
  const at = flattened ? `${pointer}${described}`.replace(/\/properties(?=\/|:)/g, '') : `${pointer}${described}`;
  return new UsageError(`${file}: ${at.startsWith('/') || at.startsWith('document') ? at : `/${at}`}`);
}

/** A resource the model does not read, reduced to what the ignored-types notice and the id checks need. */
function stubIgnoredType(element: unknown): unknown {
  if (element === null || typeof element !== 'object' || Array.isArray(element)) return element;
  const { id, name, type } = element as Record<string, unknown>;
  if (typeof type !== 'string' || typeof id !== 'string' || typeof name !== 'string' || isModelType(type))
    return element;
  // An empty properties object: shapes.ts reads a resource without one as `az resource list` output.
  return { id, name, type, properties: {} };
}

function withoutNulls(resource: ArmResource): ArmResource {
  const copy: ArmResource = { ...resource };
  for (const field of NULLABLE_FIELDS) if (copy[field] === null) delete copy[field];
  return copy;
}

/** What the schema cannot say: ids are unique (case-insensitively, as ARM's are), the model's types carry properties, a vault is present. */
function checkResources(
  resources: readonly ArmResource[],
  where: readonly string[],
  file: string,
  pulumi: boolean,
  listPointer: string,
): void {
  const seen = new Map<string, number>();
  resources.forEach((resource, index) => {
    const key = idKey(resource.id);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new UsageError(
        `${file}: ${where[index] ?? ''}/id: expected a unique resource id, found the id of ${where[first] ?? ''} again (ARM ids are case-insensitive)`,
      );
    }
    seen.set(key, index);
    if (isModelType(resource.type) && resource.properties === undefined) {
      // A Resource Graph query that projects only id, name, type yields rows no rule can judge.
      throw new UsageError(
        `${file}: ${where[index] ?? ''}/properties: expected the ${resource.type} properties object, found nothing (a Resource Graph query must project properties: kvguard snapshot --print-query)`,
      );
    }
  });
  if (pulumi) return; // the stack's resources are checked once adapted (src/pulumi/stack-export.ts)
  if (!resources.some((r) => VAULT_TYPES.includes(r.type.toLowerCase()))) {
    const found =
      resources.length === 0
        ? 'an empty list'
        : `none among ${resources.length} resource${resources.length === 1 ? '' : 's'}`;
    throw new UsageError(
      `${file}: ${listPointer}: expected at least one Microsoft.KeyVault/vaults or Microsoft.KeyVault/managedHSMs resource, found ${found}`,
    );
  }
}

/** Adapted resources (`pulumi stack export`): the same checks as a file's, pointers naming the resource. */
export function checkAdaptedResources(resources: readonly ArmResource[], file: string): void {
  const where = resources.map((r) => `resource ${r.id}: `);
  resources.forEach((r, i) => validate(r, where[i] ?? '', false, file));
  checkResources(resources, where, file, false, 'the stack');
}

/** "ignored 3 resources of types the model does not read: microsoft.compute/virtualmachines (3)", or undefined. */
export function ignoredTypes(resources: readonly ArmResource[]): string | undefined {
  const counts = new Map<string, number>();
  for (const r of resources) {
    if (!isModelType(r.type)) counts.set(r.type.toLowerCase(), (counts.get(r.type.toLowerCase()) ?? 0) + 1);
  }
  if (counts.size === 0) return undefined;
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const list = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([type, n]) => `${type} (${n})`);
  return `ignored ${total} resource${total === 1 ? '' : 's'} of types the model does not read: ${list.join(', ')}`;
}
