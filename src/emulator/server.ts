import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { armAudiences, authorizationUri, isArmAudience, type EmulatedCloud } from './clouds';
import type { ArmResource, JsonObject, JsonValue } from './json';
import { isWellFormedApiVersion } from './api-versions';
import { typeSpec, type TypeSpec } from './catalog';
import { ArmError, badRequest } from './errors';
import { listAnswer, present, type AnswerShape } from './shape';
import { Operations, isAsyncType } from './operations';
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
  /** The cloud whose ARM the emulator plays: the token audiences it accepts. */
  cloud: EmulatedCloud;
  shape: AnswerShape;
  /** Long-running operations in flight (./operations.ts). */
  operations: Operations;
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
  if (Operations.isOperationPath(target.path)) return `${method} (long-running operation)`;
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

/**
 * 401 as ARM sends it: ARM's challenge (`authorization_uri`, `error`, `error_description`, no `resource`:
 * the shape azure-sdk-for-go's azcore tests quote from ARM,
 * `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`)
 * and ARM's error body. A token for another audience (Key Vault, Graph, another cloud's ARM) gets
 * InvalidAuthenticationTokenAudience with ARM's message (as quoted in JetBrains/azure-tools-for-intellij#16).
 */
function authenticate(authorization: string | undefined, cloud: EmulatedCloud): Principal {
  const check = checkAuthorization(authorization);
  let code: string;
  let message: string;
  let description: string;
  if ('principal' in check) {
    if (check.claims.aud.some((audience) => isArmAudience(cloud, audience))) return check.principal;
    const allowed = armAudiences(cloud)
      .map((a) => `'${a}'`)
      .join(',');
    [code, message] = [
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${check.claims.aud.join(',')}'. It should exactly match with one of the allowed audiences ${allowed}.`,
    ];
    description = message;
  } else if (check.problem === 'missing') {
    [code, message] = ['AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."];
    description = "The authentication failed because of missing 'Authorization' header.";
  } else if (check.problem === 'expired') {
    [code, message] = ['ExpiredAuthenticationToken', 'The access token has expired.'];
    description = message;
  } else {
    [code, message] = ['InvalidAuthenticationToken', 'The access token is invalid.'];
    description = message;
  }
  throw new ArmError(401, code, message, {
    'www-authenticate': `Bearer authorization_uri="${authorizationUri(cloud)}", error="invalid_token", error_description="${description.replace(/"/g, "'")}"`,
  });
}

function checkApiVersion(query: URLSearchParams, target: ArmTarget, location: string): void {
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
  if (target.spec.apiVersions.includes(version)) return;
  // ARM's own routes (subscriptions, resource groups, the generic list) answer InvalidApiVersionParameter; a
  // provider's type answers NoRegisteredProviderFound for a well-formed version it never published.
  const armOwn = target.spec.type.toLowerCase().startsWith('microsoft.resources/');
  if (!isWellFormedApiVersion(version) || armOwn)
    throw badRequest(
      'InvalidApiVersionParameter',
      `The api-version '${version}' is invalid. The supported versions are '${target.spec.apiVersions.join(',')}'.`,
    );
  const [, ...rest] = target.spec.type.split('/');
  throw badRequest(
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${location}' and API version '${version}' for type '${rest.join('/')}'. The supported api-versions are '${target.spec.apiVersions.join(', ')}'.`,
  );
}

/** The location ARM names in NoRegisteredProviderFound: the resource's, else its resource group's, else global. */
function locationOf(state: ServerState, target: ArmTarget): string {
  const group =
    target.subscriptionId && target.resourceGroup
      ? state.store.resourceGroup(target.subscriptionId, target.resourceGroup)
      : undefined;
  return state.store.get(target.path)?.location ?? group?.location ?? 'global';
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

/** A resource an operation is writing reads `Updating` (or `Deleting`) until the operation has finished. */
function interim(state: ServerState, body: JsonObject): JsonObject {
  const id = typeof body.id === 'string' ? body.id : undefined;
  const pending = id ? state.operations.interimState(id) : undefined;
  const properties = body.properties;
  if (!pending || !properties || typeof properties !== 'object' || Array.isArray(properties)) return body;
  return { ...body, properties: { ...properties, provisioningState: pending } };
}

function resourceExists(state: ServerState, target: ArmTarget): boolean {
  try {
    read(state.store, target, new URLSearchParams());
    return true;
  } catch (error) {
    if (error instanceof ArmError && error.status === 404 && !/parent|group|subscription/i.test(error.code))
      return false;
    throw error;
  }
}

/** The spec of one listed item: its own type's (ALL lists every record type), else the route's. */
function itemSpec(item: ArmResource | JsonObject, target: ArmTarget): TypeSpec | undefined {
  return typeof item.type === 'string' && target.spec?.kind !== 'extension'
    ? (typeSpec(item.type) ?? target.spec)
    : target.spec;
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
    const principal = authenticate(request.headers.authorization, state.cloud);
    if (Operations.isOperationPath(url.pathname) && method === 'GET') {
      const polled = state.operations.poll(url.pathname);
      return send(response, polled.status, { ...headers, ...polled.headers }, polled.body, false);
    }
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
    checkApiVersion(url.searchParams, target, locationOf(state, target));
    if (method !== 'GET' && method !== 'PUT' && method !== 'DELETE' && method !== 'PATCH')
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
      if ('item' in result)
        return send(response, 200, headers, present(interim(state, result.item), target.spec, state.shape), truncate);
      const stored = page(
        result.items,
        state.baseUrl,
        url.pathname.replace(/\/{2,}/g, '/'),
        url.searchParams,
        state.pageSize,
        state.shape === 'minimal',
        target.spec?.top === true,
      );
      const answer = listAnswer(
        stored.value.map((item) => present(interim(state, copy(item)), itemSpec(item, target), state.shape)),
        stored.nextLink,
        state.shape,
      );
      vanishAfterList(state, stored.value);
      const slow = state.faults.slowPageDelay(faultRequest);
      if (slow > 0) await state.clock.sleep(slow);
      return send(response, 200, headers, answer, truncate);
    }
    const apiVersion = url.searchParams.get('api-version') ?? '';
    const asynchronous = target.spec !== undefined && isAsyncType(target.spec.type) && !target.collection;
    if (asynchronous && method === 'DELETE') {
      // Existence now (a missing resource is a 204 at once), the delete itself when the operation finishes.
      if (!resourceExists(state, target)) return send(response, 204, headers, undefined, truncate);
      const operation = state.operations.start(target, 'delete', () => {
        write(state.store, target, method, bodyText, apiVersion);
      });
      const pollHeaders = state.operations.headers(state.baseUrl, target, operation, apiVersion);
      return send(response, 202, { ...headers, ...pollHeaders }, undefined, truncate);
    }
    const outcome = write(state.store, target, method, bodyText, apiVersion);
    let pollHeaders: Record<string, string> = {};
    if (asynchronous && method === 'PUT') {
      const operation = state.operations.start(target, 'put', () => undefined);
      pollHeaders = state.operations.headers(state.baseUrl, target, operation, apiVersion);
    }
    const body = outcome.body && present(interim(state, outcome.body), target.spec, state.shape);
    send(response, outcome.status, { ...headers, ...pollHeaders }, body, truncate);
  } catch (error) {
    if (error instanceof ArmError)
      return send(response, error.status, { ...headers, ...error.headers }, error.body(), truncate);
    throw error;
  }
}
