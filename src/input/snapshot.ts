import Ajv from 'ajv';
import { UsageError } from '../errors';
import type { Notice } from '../model/notice';
import { ArmResource, idKey } from '../model/arm';
import { MODEL_TYPES, isModelType } from '../model/estate';
import schema from '../../schema/snapshot.schema.json';
import { parseJsonText, readJsonText } from './json-file';
import { resourceLines } from './resource-lines';
import { describeSchemaError } from './schema-error';

/**
 * The snapshot file (DESIGN 2.1): ARM resources as ARM GET returns them, as a bare array, as
 * `{ "resources": [...] }` or as an Azure Resource Graph response `{ "data": [...] }`. The file is
 * validated whole against the shipped schema; the first problem is one line naming the file and the JSON
 * pointer. Resources of types the model does not read are dropped with a count, and a file without a
 * vault is an error: auditing nothing must not look like a pass.
 */
export interface Snapshot {
  resources: ArmResource[];
  notices: Notice[];
  shape: 'array' | 'resources' | 'resource-graph';
  /** Read from a file: the line of each resource's id in it, by `idKey` (reports point there). */
  resourceLines?: Record<string, number>;
}

const validate = new Ajv({ allErrors: false, strict: false, verbose: true }).compile(schema);
const ROOT_EXPECTED = schema.else['x-expected'];
const VAULT_TYPES: readonly string[] = [MODEL_TYPES.vault, MODEL_TYPES.managedHsm];
/** Fields ARM omits when unset but Resource Graph rows carry as null. */
const NULLABLE_FIELDS = ['location', 'tags', 'etag', 'sku', 'kind'] as const;

export function readSnapshot(file: string): Snapshot {
  const text = readJsonText(file);
  return { ...parseSnapshot(parseJsonText(text, file), file), resourceLines: resourceLines(text) };
}

export function parseSnapshot(data: unknown, file: string): Snapshot {
  if (!validate(data)) {
    const first = validate.errors?.find((e) => e.keyword !== 'if') ?? validate.errors?.[0];
    throw new UsageError(`${file}: ${first ? describeSchemaError(first, ROOT_EXPECTED) : '/: is not a snapshot'}`);
  }
  const { list, pointer, shape } = unwrap(data as SnapshotFile);
  const resources = list.map(withoutNulls);
  checkResources(resources, pointer, file);
  const notices: Notice[] = [];
  const ignored = ignoredTypes(resources);
  if (ignored) notices.push({ level: 'info', message: ignored });
  if (shape === 'resource-graph' && isTruncated(data as ResourceGraphResponse)) {
    notices.push({
      level: 'error',
      message: `${file} is one page of a Resource Graph result (it carries a skip token or resultTruncated): resources on the other pages are not in this audit`,
    });
  }
  return { resources: resources.filter((r) => isModelType(r.type)), notices, shape };
}

type SnapshotFile = ArmResource[] | { resources: ArmResource[] } | ResourceGraphResponse;

interface ResourceGraphResponse {
  data: ArmResource[];
  $skipToken?: unknown;
  skipToken?: unknown;
  /** `az graph query` renames the fields to snake case. */
  skip_token?: unknown;
  resultTruncated?: unknown;
}

function unwrap(data: SnapshotFile): { list: ArmResource[]; pointer: string; shape: Snapshot['shape'] } {
  if (Array.isArray(data)) return { list: data, pointer: '', shape: 'array' };
  if ('data' in data) return { list: data.data, pointer: '/data', shape: 'resource-graph' };
  return { list: data.resources, pointer: '/resources', shape: 'resources' };
}

function withoutNulls(resource: ArmResource): ArmResource {
  const copy: ArmResource = { ...resource };
  for (const field of NULLABLE_FIELDS) if (copy[field] === null) delete copy[field];
  return copy;
}

/** What the schema cannot say: ids are unique (case-insensitively, as ARM's are), the model's types carry properties, a vault is present. */
function checkResources(resources: readonly ArmResource[], pointer: string, file: string): void {
  const seen = new Map<string, number>();
  resources.forEach((resource, index) => {
    const key = idKey(resource.id);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new UsageError(
        `${file}: ${pointer}/${index}/id: expected a unique resource id, found the id of ${pointer}/${first} again (ARM ids are case-insensitive)`,
      );
    }
    seen.set(key, index);
    if (isModelType(resource.type) && resource.properties === undefined) {
      // A Resource Graph query that projects only id, name, type yields rows no rule can judge.
      throw new UsageError(
        `${file}: ${pointer}/${index}/properties: expected the ${resource.type} properties object, found nothing (a Resource Graph query must project properties)`,
      );
    }
  });
  if (!resources.some((r) => VAULT_TYPES.includes(r.type.toLowerCase()))) {
    const found =
      resources.length === 0
        ? 'an empty list'
        : `none among ${resources.length} resource${resources.length === 1 ? '' : 's'}`;
    throw new UsageError(
      `${file}: ${pointer || '/'}: expected at least one Microsoft.KeyVault/vaults or Microsoft.KeyVault/managedHSMs resource, found ${found}`,
    );
  }
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

function isTruncated(response: ResourceGraphResponse): boolean {
  const token = response.$skipToken ?? response.skipToken ?? response.skip_token;
  return (
    (typeof token === 'string' && token !== '') ||
    response.resultTruncated === true ||
    response.resultTruncated === 'true'
  );
}
