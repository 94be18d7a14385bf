import { idKey, type ArmResource, type JsonObject, type JsonValue } from './json';
import { TENANT } from './tenant';
import { isRecordSetType, typeSpec } from './catalog';
import { ArmError, badRequest } from './errors';
import { KqlError, evaluate, invalidQuery, parseQuery, type Table } from './kql';
import type { ResourceStore } from './store';
import { parseTarget } from './target';

/**
 * Azure Resource Graph's query endpoint, `POST /providers/Microsoft.ResourceGraph/resources` (the
 * ResourcesBasicQuery / ResourcesNextPageQuery examples in test/fixtures/arm-examples): the body's `query`
 * (the KQL subset of kql.ts) runs over the stored resources of the requested `subscriptions`; answers
 * `{totalRecords, count, data, facets, resultTruncated}` with at most `options.$top` rows (1,000 at most)
 * and a `$skipToken` when more remain. Rows look like ARG's: `type` lower-cased, `resourceGroup` and
 * `subscriptionId` columns, the ARM body's `properties`.
 *
 * Tables (https://learn.microsoft.com/azure/governance/resource-graph/reference/supported-tables-resources):
 * `resources` holds tracked resources (vaults, managed HSMs, private endpoints, NICs, VNets, private DNS
 * zones) and virtual network links; `dnsresources` holds private DNS record sets. Private endpoints' DNS
 * zone groups, diagnostic settings and role assignments are in neither, as in Azure.
 *
 * Quota: 15 queries per 5 seconds per user, told in `x-ms-user-quota-remaining` and
 * `x-ms-user-quota-resets-after` (hh:mm:ss) on every answer, 429 when spent
 * (https://learn.microsoft.com/azure/governance/resource-graph/concepts/guidance-for-throttled-requests).
 */
export const GRAPH_API_VERSIONS = ['2024-04-01', '2022-10-01', '2021-03-01'];
export const GRAPH_PAGE_LIMIT = 1000;
export const GRAPH_QUOTA = { queries: 15, windowMs: 5000 };

export function isGraphRoute(path: string): boolean {
  return /^\/providers\/microsoft\.resourcegraph\/resources\/?$/i.test(path);
}

const LINK_TYPE = 'microsoft.network/privatednszones/virtualnetworklinks';

export function tableOf(resource: ArmResource): Table | undefined {
  const type = resource.type.toLowerCase();
  if (isRecordSetType(type)) return 'dnsresources';
  if (type === LINK_TYPE) return 'resources';
  const spec = typeSpec(type);
  return spec?.kind === 'tracked' ? 'resources' : undefined;
}

/** A stored resource as an ARG row. */
export function graphRow(resource: ArmResource): JsonObject {
  const target = parseTarget(resource.id);
  const row: JsonObject = {
    id: resource.id,
    name: resource.name,
    type: resource.type.toLowerCase(),
    tenantId: TENANT,
    kind: resource.kind ?? '',
    location: resource.location ?? '',
    resourceGroup: (target.resourceGroup ?? '').toLowerCase(),
    subscriptionId: target.subscriptionId ?? '',
    managedBy: '',
    sku: resource.sku ?? null,
    plan: null,
    // Shared with the store while the query runs; only the answered page is copied (graphQuery).
    properties: (resource.properties ?? {}) as JsonValue,
    tags: (resource.tags ?? null) as JsonValue,
    identity: null,
    zones: null,
    extendedLocation: null,
  };
  return row;
}

interface GraphRequest {
  query: string;
  subscriptions: string[] | undefined;
  top: number;
  offset: number;
  /** The result a continuation token names, when still kept. */
  result: number | undefined;
}

function parseRequest(bodyText: string): GraphRequest {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    throw badRequest('InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  }
  const object = (body ?? {}) as {
    query?: unknown;
    subscriptions?: unknown;
    options?: { $top?: unknown; $skipToken?: unknown; $skip?: unknown };
  };
  if (typeof object.query !== 'string' || object.query.trim() === '')
    throw badRequest('BadRequest', "The request must have a 'query'.");
  const subscriptions = Array.isArray(object.subscriptions)
    ? object.subscriptions.filter((s): s is string => typeof s === 'string')
    : undefined;
  const top = object.options?.$top === undefined ? 100 : Number(object.options.$top);
  if (!Number.isInteger(top) || top < 1 || top > GRAPH_PAGE_LIMIT)
    throw badRequest('BadRequest', `options.$top must be between 1 and ${GRAPH_PAGE_LIMIT}.`);
  let offset = 0;
  let result: number | undefined;
  if (typeof object.options?.$skipToken === 'string')
    ({ offset, result } = decodeSkipToken(object.options.$skipToken, object.query));
  else if (object.options?.$skip !== undefined) offset = Number(object.options.$skip);
  if (!Number.isInteger(offset) || offset < 0)
    throw badRequest('BadRequest', 'options.$skip must be a non-negative integer.');
  return { query: object.query, subscriptions, top, offset, result };
}

/**
 * Opaque to clients; bound to the query so a token cannot page another query, and naming the result the
 * first page computed: later pages are read from it, as ARG's token "captures the context of the query"
 * (the result is not recomputed per page, which at 10,000 vaults would cost a full evaluation per page).
 */
function encodeSkipToken(offset: number, query: string, result: number): string {
  return Buffer.from(JSON.stringify({ offset, query: query.length, result })).toString('base64url');
}

function decodeSkipToken(token: string, query: string): { offset: number; result: number | undefined } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      offset?: unknown;
      query?: unknown;
      result?: unknown;
    };
    if (typeof parsed.offset === 'number' && parsed.query === query.length)
      return { offset: parsed.offset, result: typeof parsed.result === 'number' ? parsed.result : undefined };
  } catch {
    // falls through
  }
  throw badRequest('BadRequest', `The $skipToken '${token}' is invalid for this query.`);
}

/** Results being paged, by number; the oldest are dropped (a client that never reads on costs nothing). */
const RESULTS_KEPT = 32;
const pagedResults = new Map<number, JsonObject[]>();
let resultNumber = 0;

function keepResult(result: JsonObject[]): number {
  resultNumber += 1;
  pagedResults.set(resultNumber, result);
  for (const key of pagedResults.keys()) {
    if (pagedResults.size <= RESULTS_KEPT) break;
    pagedResults.delete(key);
  }
  return resultNumber;
}

/** Runs one ARG request against the store. */
export function graphQuery(store: ResourceStore, bodyText: string): JsonObject {
  const request = parseRequest(bodyText);
  let query;
  try {
    query = parseQuery(request.query);
  } catch (thrown) {
    if (thrown instanceof KqlError) throw invalidQuery(thrown);
    throw thrown;
  }
  const kept = request.result === undefined ? undefined : pagedResults.get(request.result);
  const result = kept ?? evaluate(query, rowsOf(store, query.table, request.subscriptions));
  const number = request.result !== undefined && kept ? request.result : keepResult(result);
  const data = structuredClone(result.slice(request.offset, request.offset + request.top));
  const answer: JsonObject = {
    totalRecords: result.length,
    count: data.length,
    data,
    facets: [],
    resultTruncated: 'false',
  };
  if (request.offset + request.top < result.length)
    answer.$skipToken = encodeSkipToken(request.offset + request.top, request.query, number);
  else pagedResults.delete(number);
  return answer;
}

function rowsOf(store: ResourceStore, table: Table, subscriptions: string[] | undefined): JsonObject[] {
  const wanted = subscriptions ? new Set(subscriptions.map((s) => s.toLowerCase())) : undefined;
  return (
    store
      .all()
      .filter((resource) => tableOf(resource) === table)
      .filter((resource) => !wanted || wanted.has((parseTarget(resource.id).subscriptionId ?? '').toLowerCase()))
      // ARG's natural order is not documented; the emulator's is stable (by id) so paging is repeatable.
      .sort((a, b) => (idKey(a.id) < idKey(b.id) ? -1 : idKey(a.id) > idKey(b.id) ? 1 : 0))
      .map(graphRow)
  );
}

/** `hh:mm:ss`, as ARG writes x-ms-user-quota-resets-after. */
export function resetsAfter(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

export function graphThrottled(resetMs: number): ArmError {
  return new ArmError(
    429,
    'RateLimiting',
    'Please provide below info when asking for support: timestamp, correlationId. Details: Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed.',
    {
      'x-ms-user-quota-remaining': '0',
      'x-ms-user-quota-resets-after': resetsAfter(resetMs),
    },
  );
}
