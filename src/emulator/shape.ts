import { unansweredFields, type TypeSpec } from './catalog';
import { asObject, type JsonObject, type JsonValue } from './json';

/**
 * What an answer carries. `full`: every field the service returns. `minimal`: every field the spec marks
 * optional and the service may leave out is left out, and the list and id quirks the service is allowed are
 * used: a client that reads more than the spec promises breaks here instead of in Azure.
 *   - `etag` (optional in every model; Private DNS answers it, Network sometimes not);
 *   - `type` on child resources (optional, read-only; PrivateEndpointDnsZoneGroupGet.json has none);
 *   - empty `tags`, `systemData`, the zone counters (`numberOf*`, `maxNumberOf*`: read-only, optional in PrivateZoneProperties);
 *   - Private DNS child ids lower-cased, as the service returns them (RecordSetAGet.json: `recorda`);
 *   - lists: the first page empty with a nextLink, `nextLink: null` on the last page
 *     (nextLink is optional and nullable: x-nullable in the Network specs).
 */
export type AnswerShape = 'full' | 'minimal';

const ZONE_COUNTERS = /^(max)?numberOf/i;

function minimal(body: JsonObject, spec: TypeSpec | undefined): JsonObject {
  delete body.etag;
  delete body.systemData;
  const tags = asObject(body.tags);
  if (tags && Object.keys(tags).length === 0) delete body.tags;
  if (spec && (spec.kind === 'child' || spec.kind === 'embedded')) delete body.type;
  const properties = asObject(body.properties);
  if (properties) for (const key of Object.keys(properties)) if (ZONE_COUNTERS.test(key)) delete properties[key];
  if (spec?.privateDns && spec.kind === 'child' && typeof body.id === 'string') body.id = body.id.toLowerCase();
  return body;
}

/** One resource as answered (a copy is modified: the store is never touched). */
export function present(resource: JsonObject, spec: TypeSpec | undefined, shape: AnswerShape): JsonObject {
  const body = structuredClone(resource);
  for (const field of unansweredFields(spec)) delete body[field];
  return shape === 'minimal' ? minimal(body, spec) : body;
}

/** The list envelope: `nextLink` absent on the last page (full) or `null` (minimal). */
export function listAnswer(value: JsonValue[], nextLink: string | undefined, shape: AnswerShape): JsonObject {
  const answer: JsonObject = { value };
  if (nextLink) answer.nextLink = nextLink;
  else if (shape === 'minimal') answer.nextLink = null;
  return answer;
}
