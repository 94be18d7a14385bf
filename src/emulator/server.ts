import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TENANT } from '../fixtures/arm-factory';
import type { ArmResource, JsonObject, JsonValue } from '../model/arm';
import { ArmError, badRequest } from './errors';
import type { FaultPlan, FaultRequest, FaultRule } from './faults';
import { GRAPH_API_VERSIONS, graphQuery, graphThrottled, isGraphRoute, resetsAfter } from './graph';
import { checkAuthorization, type Principal } from './identity';
import { page } from './paging';
import { copy, read } from './reads';
import type { ResourceStore } from './store';
import { parseTarget, type ArmTarget } from './target';
import type { RequestClass, Throttle, ThrottleDecision } from './throttle';
import type { EmulatorClock } from './clock';
import { write } from './writes';

/**
 * The ARM request pipeline: latency, authentication (401), throttling (429), api-version (400), route
 * (404), authorization faults (403), the private DNS quota (429), injected faults, then the operation.
 * Every request is counted by operation, whatever its outcome.
 */
export interface ServerState {
  store: ResourceStore;
  throttle: Throttle;
  /** Waits for latency and slow pages (the throttle reads the same clock). */
  clock: EmulatorClock;
  faults: FaultPlan;
  pageSize: number;
  /** Milliseconds to wait before answering this request. */
  latency: () => number;
  counts: Map<string, number>;
  /** `https://127.0.0.1:PORT`, known once listening: nextLinks are built on it. */
  baseUrl: string;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Resource Graph's checks, in ARG's order: its own per-user quota (not the subscription's read bucket),
 * api-version, POST only. Returns the quota headers every ARG answer carries.
 */
function graphHeaders(
  state: ServerState,
  principal: Principal,
  query: URLSearchParams,
  method: string,
): Record<string, string> {
  const quota = state.throttle.graphQuery(principal.objectId);
  if (!quota.allowed) throw graphThrottled(quota.resetMs);
  const version = query.get('api-version');
  if (!version)
    throw badRequest(
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  if (!GRAPH_API_VERSIONS.includes(version))
    throw badRequest(
      'InvalidApiVersionParameter',
      `The api-version '${version}' is invalid. The supported versions are '${GRAPH_API_VERSIONS.join(',')}'.`,
    );
  if (method !== 'POST')
    throw new ArmError(
      405,
      'MethodNotAllowed',
      `The HTTP method '${method}' is not supported for 'Microsoft.ResourceGraph/resources'.`,
    );
  return {
    'x-ms-user-quota-remaining': String(quota.remaining),
    'x-ms-user-quota-resets-after': resetsAfter(quota.resetMs),
  };
}

export function operationName(method: string, target: ArmTarget): string {
  if (isGraphRoute(target.path)) return `${method} Microsoft.ResourceGraph/resources`;
  const spec = target.spec;
  if (!spec) return `${method} (unknown route)`;
  if (!target.collection) return `${method} ${spec.type} (${method === 'GET' ? 'get' : method.toLowerCase()})`;
  const byGroup = spec.kind === 'tracked' && target.scopeKind === 'resourceGroup';
  return `${method} ${spec.type} (${byGroup ? 'list by resource group' : 'list'})`;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      size > MAX_BODY_BYTES
        ? reject(badRequest('RequestContentTooLarge', 'The request content is too large.'))
        : resolve(Buffer.concat(chunks).toString('utf8')),
    );
    request.on('error', reject);
  });
}

/** 401 as ARM sends it: a Bearer challenge naming the authority, and ARM's error body. */
function authenticate(authorization: string | undefined): Principal {
  const check = checkAuthorization(authorization);
  if ('principal' in check) return check.principal;
  const [code, message] =
    check.problem === 'missing'
      ? ['AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."]
      : check.problem === 'expired'
        ? ['ExpiredAuthenticationToken', 'The access token has expired.']
        : ['InvalidAuthenticationToken', 'The access token is invalid.'];
  throw new ArmError(401, code, message, {
    'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="https://management.azure.com/", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
  });
}

function checkApiVersion(query: URLSearchParams, target: ArmTarget): void {
  const version = query.get('api-version');
  if (!version)
    throw badRequest(
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  if (!target.spec) {
    if (!target.typeName) throw new ArmError(404, 'NotFound', `No route matches '${target.path}'.`);
    const namespace = target.typeName.split('/')[0] ?? '';
    throw new ArmError(
      404,
      'InvalidResourceType',
      `The resource type '${target.typeName.slice(namespace.length + 1)}' could not be found in the namespace '${namespace}' for api version '${version}'.`,
    );
  }
  if (!target.spec.apiVersions.includes(version)) {
    throw badRequest(
      'InvalidApiVersionParameter',
      `The api-version '${version}' is invalid. The supported versions are '${target.spec.apiVersions.join(',')}'.`,
    );
  }
}

function throttled(decision: ThrottleDecision, message: string): ArmError | undefined {
  if (decision.allowed) return undefined;
  return new ArmError(429, 'SubscriptionRequestsThrottled', message, {
    'retry-after': String(decision.retryAfterSeconds),
  });
}

function injected(rule: FaultRule, principal: Principal, target: ArmTarget, method: string): ArmError | undefined {
  switch (rule.kind) {
    case '403': {
      const action = `${target.spec?.type ?? target.typeName}/${method === 'GET' ? 'read' : method === 'DELETE' ? 'delete' : 'write'}`;
      return new ArmError(
        403,
        'AuthorizationFailed',
        `The client '${principal.objectId}' with object id '${principal.objectId}' does not have authorization to perform action '${action}' over scope '${target.collection ? target.scope : target.path}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      );
    }
    case '429':
      return new ArmError(
        429,
        'SubscriptionRequestsThrottled',
        'Number of read requests for subscription exceeded the limit (injected fault).',
        { 'retry-after': String(rule.retryAfterSeconds ?? 1) },
      );
    case '429-noretry':
      return new ArmError(429, 'TooManyRequests', 'Too many requests (injected fault, no Retry-After).');
    case '500':
      return new ArmError(500, 'InternalServerError', 'Encountered internal server error (injected fault).');
    case '502':
      return new ArmError(502, 'BadGateway', 'Bad gateway (injected fault).');
    case '503':
      return new ArmError(503, 'ServiceUnavailable', 'The service is unavailable (injected fault).');
    case '504':
      return new ArmError(
        504,
        'GatewayTimeout',
        'The gateway did not receive a response within the specified time period (injected fault).',
      );
    default:
      return undefined;
  }
}

/** ARM ids a list answer exposes: each item's id and every id-looking string inside it. */
function exposedIds(value: JsonValue, out: Set<string>): void {
  if (typeof value === 'string') {
    if (/^\/subscriptions\/[^/]+\/resourcegroups\//i.test(value)) out.add(value);
  } else if (Array.isArray(value)) value.forEach((v) => exposedIds(v, out));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => exposedIds(v, out));
}

/** 404-after-list: resources this list answer exposed that the fault plan deletes before the client's next GET. */
function vanishAfterList(state: ServerState, items: readonly (ArmResource | JsonObject)[]): void {
  if (!state.faults.hasVanishing) return;
  const ids = new Set<string>();
  items.forEach((item) => exposedIds(item as JsonObject, ids));
  for (const id of ids) {
    const resource = state.store.get(id);
    if (resource && state.faults.vanishesAfterList(resource.id, resource.type, parseTarget(resource.id).subscriptionId))
      state.store.remove(resource.id);
  }
}

function send(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: JsonValue | undefined,
  truncate: boolean,
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  const bytes = Buffer.from(text, 'utf8');
  const all: Record<string, string> = { ...headers, 'content-length': String(bytes.length) };
  if (body !== undefined) all['content-type'] = 'application/json; charset=utf-8';
  response.writeHead(status, all);
  if (truncate && bytes.length > 1) {
    // The announced length is never reached: the client sees a cut-off body, as with a dropped connection.
    response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => response.destroy());
    return;
  }
  response.end(bytes);
}

export function armHandler(state: ServerState): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    handle(state, request, response).catch((error: unknown) => {
      if (!response.headersSent)
        send(response, 500, {}, { error: { code: 'InternalServerError', message: String(error) } }, false);
      else response.destroy();
    });
  };
}

async function handle(state: ServerState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  // `/{+resourceUri}` routes arrive as `//subscriptions/...`, which URL would read as a host name.
  const url = new URL((request.url ?? '/').replace(/^\/{2,}/, '/'), state.baseUrl);
  const method = (request.method ?? 'GET').toUpperCase();
  const target = parseTarget(url.pathname);
  const operation = operationName(method, target);
  state.counts.set(operation, (state.counts.get(operation) ?? 0) + 1);
  const requestId = randomUUID();
  const headers: Record<string, string> = {
    'x-ms-request-id': requestId,
    'x-ms-correlation-request-id': requestId,
    'x-ms-routing-request-id': `LOCAL:${requestId}`,
  };
  let truncate = false;
  try {
    const bodyText = await readBody(request);
    const delay = state.latency();
    if (delay > 0) await state.clock.sleep(delay);
    const principal = authenticate(request.headers.authorization);
    if (isGraphRoute(url.pathname))
      return send(
        response,
        200,
        { ...headers, ...graphHeaders(state, principal, url.searchParams, method) },
        graphQuery(state.store, bodyText),
        false,
      );
    // Every authenticated request spends from its bucket, bad ones included, and says what is left.
    const requestClass: RequestClass = method === 'GET' ? 'reads' : method === 'DELETE' ? 'deletes' : 'writes';
    const budget = state.throttle.request(target.subscriptionId ?? 'tenant', principal.objectId, requestClass);
    headers[`x-ms-ratelimit-remaining-subscription-${requestClass}`] = String(budget.remaining);
    const limited = throttled(
      budget,
      `Number of ${requestClass} requests for subscription '${target.subscriptionId ?? 'tenant'}' and principal '${principal.objectId}' exceeded the limit. Please try again after some time.`,
    );
    if (limited) throw limited;
    checkApiVersion(url.searchParams, target);
    if (method !== 'GET' && method !== 'PUT' && method !== 'DELETE')
      throw new ArmError(
        405,
        'MethodNotAllowed',
        `The HTTP method '${method}' is not supported for '${target.typeName}'.`,
      );
    const faultRequest: FaultRequest = {
      method,
      path: target.path,
      subscriptionId: target.subscriptionId,
      type: (target.spec?.type ?? target.typeName).toLowerCase(),
      isList: target.collection,
    };
    const fault = state.faults.pick(faultRequest);
    if (fault?.kind === '403') throw injected(fault, principal, target, method);
    if (target.spec?.privateDns && method === 'GET' && target.subscriptionId) {
      const quota = state.throttle.privateDnsGet(target.subscriptionId);
      if (quota) {
        headers['x-ms-ratelimit-remaining-subscription-resource-requests'] = String(quota.remaining);
        const dnsLimited = throttled(
          quota,
          `Too many private DNS GET requests for subscription '${target.subscriptionId}' in the last 5 minutes. Please try again after some time.`,
        );
        if (dnsLimited) throw dnsLimited;
      }
    }
    if (fault?.kind === 'reset') {
      request.socket.destroy();
      return;
    }
    truncate = fault?.kind === 'truncate';
    const failure = fault ? injected(fault, principal, target, method) : undefined;
    if (failure) throw failure;
    if (method === 'GET') {
      const result = read(state.store, target, url.searchParams);
      if ('item' in result) return send(response, 200, headers, result.item, truncate);
      const stored = page(
        result.items,
        state.baseUrl,
        url.pathname.replace(/\/{2,}/g, '/'),
        url.searchParams,
        state.pageSize,
      );
      const answer: JsonObject = { value: stored.value.map(copy) };
      if (stored.nextLink) answer.nextLink = stored.nextLink;
      vanishAfterList(state, stored.value);
      const slow = state.faults.slowPageDelay(faultRequest);
      if (slow > 0) await state.clock.sleep(slow);
      return send(response, 200, headers, answer, truncate);
    }
    const outcome = write(state.store, target, method, bodyText);
    send(response, outcome.status, headers, outcome.body, truncate);
  } catch (error) {
    if (error instanceof ArmError)
      return send(response, error.status, { ...headers, ...error.headers }, error.body(), truncate);
    throw error;
  }
}
