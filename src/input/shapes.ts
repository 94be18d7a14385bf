import { UsageError } from '../errors';
import { type ArmResource, type JsonObject, type JsonValue, parseId } from '../model/arm';
import { describeValue } from './schema-error';

/**
 * The one normalizer from the outputs users already have to ARM GET bodies (DESIGN 0, "Sources"). Each JSON
 * document of the input is one of:
 *
 * - a JSON array of resources, `{"resources": [...]}` (DESIGN 2.1);
 * - an Azure Resource Graph response, `{"data": [...]}` (REST) or `{"count", "data", "skip_token"}` (`az graph query`);
 * - an ARM list page, `{"value": [...], "nextLink": ...}`, as ARM's list operations and `az rest` print it
 *   (https://learn.microsoft.com/azure/azure-resource-manager/management/azure-resource-manager-rest-api);
 * - one resource, as `az resource show --ids <id>` or `az keyvault show` print it (an array for several ids);
 * - `pulumi stack export`, `{"version": 3, "deployment": {...}}`, handed to the Pulumi adapter by the caller.
 *
 * Several documents may follow each other (`az rest` once per list, pages one after the other).
 *
 * A resource without `properties` is the az CLI's flattened output (`az network private-endpoint show`,
 * `nic show`, `vnet show`, `private-dns zone/link/record-set show`): the CLI's generated commands mark ARM's
 * `properties` `client_flatten`, at the top and in every sub-resource (Azure/azure-cli,
 * `src/azure-cli/azure/cli/command_modules/network/aaz/latest/network/private_endpoint/_show.py`), and add
 * `resourceGroup`. It is re-nested here: ARM's envelope fields stay, `resourceGroup` goes, everything else
 * moves back into `properties`, and so for the sub-resources the rules read. A resource with nothing to
 * re-nest is `az resource list` output, which carries no properties at all: refused, with the command that works.
 */
export type InputShape = 'array' | 'resources' | 'resource-graph' | 'arm-list' | 'resource' | 'pulumi-export';

export interface InputDocument {
  shape: InputShape;
  /** The document's resources (not for `pulumi-export`), re-nested where the CLI flattened them. */
  resources: ArmResource[];
  /** Where each resource sits in the input, for error messages: `/value/3`, `document 2: /0`. */
  pointers: string[];
  /** Resources re-nested from the az CLI's flattened form (their pointers name the flattened field). */
  flattened: boolean[];
  /** `pulumi stack export`'s deployment. */
  deployment?: JsonObject;
  /** Where the document's list sits: `/`, `/data`, `/value`, `/resources`. */
  listPointer: string;
  /** A page that says more follow (ARG skip token, resultTruncated, or an ARM nextLink). */
  truncated?: string;
  /**
   * `{"resources": [...], "unreadable": [{"id", "reason"}]}` (written by `kvguard snapshot`): referenced
   * resources the live read could not see (a managed endpoint's 404, another tenant's 403), so a snapshot
   * audit judges them as the live audit did instead of asking for their scope.
   */
  unreadable?: Map<string, string>;
}

/** ARM's envelope: the fields that stay outside `properties`. */
const ENVELOPE = new Set([
  'id',
  'name',
  'type',
  'location',
  'tags',
  'etag',
  'sku',
  'kind',
  'zones',
  'extendedLocation',
  'identity',
  'managedBy',
  'plan',
  'systemData',
]);
/** What `az resource list` adds to each row: no property of the resource itself. */
const LIST_ONLY = new Set(['resourceGroup', 'createdTime', 'changedTime', 'provisioningState']);

/** Sub-resources the rules read, re-nested as their parent is (by lower-cased parent type). */
const NESTED: Readonly<Record<string, readonly string[]>> = {
  'microsoft.network/privateendpoints': [
    'privateLinkServiceConnections',
    'manualPrivateLinkServiceConnections',
    'ipConfigurations',
  ],
  'microsoft.network/networkinterfaces': ['ipConfigurations'],
  'microsoft.network/virtualnetworks': ['subnets', 'virtualNetworkPeerings'],
  'microsoft.network/privateendpoints/privatednszonegroups': ['privateDnsZoneConfigs'],
};

export const RESOURCE_LIST_HINT =
  'this is `az resource list` output, which carries no properties: use `az resource show --ids <ids>`, or `az graph query -q "$(kvguard snapshot --print-query resources)"`';

/** One input document in ARM shape; `label` prefixes pointers when the input holds several documents. */
export function readDocument(data: unknown, file: string, label: string): InputDocument {
  if (Array.isArray(data)) return fromList(data, '', 'array', file, label);
  if (!isObject(data))
    throw new UsageError(`${file}: ${label}/: expected ${ROOT_EXPECTED}, found ${describeValue(data)}`);
  if ('deployment' in data && 'version' in data) {
    if (!isObject(data.deployment))
      throw new UsageError(
        `${file}: ${label}/deployment: expected the deployment object of \`pulumi stack export\`, found ${describeValue(data.deployment)}`,
      );
    return {
      shape: 'pulumi-export',
      resources: [],
      pointers: [],
      flattened: [],
      listPointer: '/deployment',
      deployment: data.deployment,
    };
  }
  if ('data' in data) {
    const doc = fromList(listAt(data, 'data', file, label), '/data', 'resource-graph', file, label);
    if (graphTruncated(data)) doc.truncated = 'it carries a skip token or resultTruncated';
    return doc;
  }
  if ('value' in data) {
    const doc = fromList(listAt(data, 'value', file, label), '/value', 'arm-list', file, label);
    if (typeof data.nextLink === 'string' && data.nextLink !== '') doc.truncated = `its nextLink is ${data.nextLink}`;
    return doc;
  }
  if ('resources' in data) {
    const doc = fromList(listAt(data, 'resources', file, label), '/resources', 'resources', file, label);
    if ('unreadable' in data) doc.unreadable = unreadableAt(data.unreadable, file, label);
    return doc;
  }
  if (typeof data.id === 'string' && (typeof data.type === 'string' || typeFromId(data.id) !== undefined)) {
    const { resource, flattened } = toArm(data, '', file, label);
    return { shape: 'resource', resources: [resource], pointers: [''], flattened: [flattened], listPointer: '/' };
  }
  throw new UsageError(`${file}: ${label}/: expected ${ROOT_EXPECTED}, found an object with ${describeKeys(data)}`);
}

function unreadableAt(value: unknown, file: string, label: string): Map<string, string> {
  if (!Array.isArray(value))
    throw new UsageError(
      `${file}: ${label}/unreadable: expected an array of {id, reason}, found ${describeValue(value)}`,
    );
  const unreadable = new Map<string, string>();
  value.forEach((item, index) => {
    const entry = isObject(item) ? item : {};
    for (const field of ['id', 'reason'] as const)
      if (typeof entry[field] !== 'string' || entry[field] === '')
        throw new UsageError(
          `${file}: ${label}/unreadable/${index}/${field}: expected a non-empty string, found ${describeValue(isObject(item) ? entry[field] : item)}`,
        );
    unreadable.set(String(entry.id), String(entry.reason));
  });
  return unreadable;
}

export const ROOT_EXPECTED =
  'a JSON array of ARM resources, {"resources": [...]}, a Resource Graph response {"data": [...]}, an ARM list page {"value": [...]}, one ARM resource, or `pulumi stack export` output';

function fromList(list: unknown[], pointer: string, shape: InputShape, file: string, label: string): InputDocument {
  const doc: InputDocument = { shape, resources: [], pointers: [], flattened: [], listPointer: pointer || '/' };
  list.forEach((item, index) => {
    const at = `${pointer}/${index}`;
    if (!isObject(item))
      throw new UsageError(
        `${file}: ${label}${at}: expected an ARM resource object {id, name, type, properties, ...}, found ${describeValue(item)}`,
      );
    // Resource Graph rows are ARM bodies by projection: one without properties was not projected with them.
    const { resource, flattened } =
      shape === 'resource-graph'
        ? { resource: withoutNullProperties(item), flattened: false }
        : toArm(item, at, file, label);
    doc.resources.push(resource);
    doc.pointers.push(at);
    doc.flattened.push(flattened);
  });
  return doc;
}

function listAt(data: JsonObject, key: string, file: string, label: string): unknown[] {
  const list = data[key];
  if (!Array.isArray(list))
    throw new UsageError(`${file}: ${label}/${key}: expected an array of ARM resources, found ${describeValue(list)}`);
  return list;
}

/** An ARM resource as is, or re-nested from the az CLI's flattened form. */
function toArm(
  given: JsonObject,
  at: string,
  file: string,
  label: string,
): { resource: ArmResource; flattened: boolean } {
  const item = withType(given);
  if (item.properties !== undefined && item.properties !== null) {
    const { resourceGroup: _resourceGroup, ...rest } = item;
    return { resource: rest as ArmResource, flattened: false };
  }
  const own = Object.keys(item).filter((key) => key !== 'properties' && !ENVELOPE.has(key) && !LIST_ONLY.has(key));
  if (own.length === 0 && typeof item.type === 'string') {
    throw new UsageError(
      `${file}: ${label}${at}/properties: expected the ${item.type} properties object, found nothing: ${RESOURCE_LIST_HINT}`,
    );
  }
  return {
    resource: renest(item, typeof item.type === 'string' ? item.type.toLowerCase() : '') as ArmResource,
    flattened: true,
  };
}

/** `{id, name, type, a, b}` → `{id, name, type, properties: {a, b}}`, and the same for the sub-resources rules read. */
export function renest(item: JsonObject, type: string): JsonObject {
  const envelope: JsonObject = {};
  const properties: JsonObject = {};
  for (const [key, value] of Object.entries(item)) {
    if (key === 'resourceGroup' || key === 'properties') continue;
    if (ENVELOPE.has(key)) envelope[key] = value;
    else properties[key] = value;
  }
  for (const key of NESTED[type] ?? []) {
    const list = properties[key];
    if (Array.isArray(list)) properties[key] = list.map(renestSubResource);
  }
  return { ...envelope, properties };
}

function renestSubResource(value: JsonValue): JsonValue {
  if (!isObject(value) || value.properties !== undefined) return value;
  const outer: JsonObject = {};
  const properties: JsonObject = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'resourceGroup') continue;
    if (key === 'id' || key === 'name' || key === 'type' || key === 'etag') outer[key] = inner;
    else properties[key] = inner;
  }
  return { ...outer, properties };
}

/**
 * A sub-resource's GET may leave `type` out (Microsoft's own SubnetGet and PrivateEndpointDnsZoneGroupGet
 * examples do); its id names it exactly: `.../virtualNetworks/v/subnets/s` is `Microsoft.Network/virtualNetworks/subnets`.
 */
function withType(item: JsonObject): JsonObject {
  if (item.type !== undefined || typeof item.id !== 'string') return item;
  const type = typeFromId(item.id);
  return type === undefined ? item : { ...item, type };
}

function typeFromId(id: string): string | undefined {
  const type = parseId(id).type;
  return type && type.includes('/') ? type : undefined;
}

function withoutNullProperties(item: JsonObject): ArmResource {
  const { properties, ...rest } = item;
  return (properties === null || properties === undefined ? rest : item) as ArmResource;
}

function graphTruncated(response: JsonObject): boolean {
  const token = response.$skipToken ?? response.skipToken ?? response.skip_token;
  return (
    (typeof token === 'string' && token !== '') ||
    response.resultTruncated === true ||
    response.resultTruncated === 'true'
  );
}

function describeKeys(object: JsonObject): string {
  const keys = Object.keys(object);
  if (keys.length === 0) return 'no field';
  const shown = keys.slice(0, 5).join(', ');
  return `fields ${shown}${keys.length > 5 ? ', ...' : ''}`;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
