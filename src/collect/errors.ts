/**
 * Reading the SDKs' errors without importing them: `RestError` carries `statusCode`, `code` (ARM's error
 * code, e.g. `AuthorizationFailed`) and `message` (ARM's message); request and response objects are never
 * printed, so no header (Authorization included) can reach output.
 */
export interface ErrorFacts {
  statusCode: number | undefined;
  code: string | undefined;
  message: string;
  /** `GET /subscriptions/…/providers/…`: the request that failed (method and path, never the query or headers). */
  request: string | undefined;
}

export function errorFacts(thrown: unknown): ErrorFacts {
  if (thrown !== null && typeof thrown === 'object') {
    const record = thrown as { statusCode?: unknown; code?: unknown; message?: unknown; request?: unknown };
    return {
      statusCode: typeof record.statusCode === 'number' ? record.statusCode : undefined,
      code: typeof record.code === 'string' ? record.code : undefined,
      message: typeof record.message === 'string' ? record.message : String(thrown),
      request: requestOf(record.request),
    };
  }
  return { statusCode: undefined, code: undefined, message: String(thrown), request: undefined };
}

/** RestError's request (a PipelineRequest), or the request line kvguard's own errors carry. */
function requestOf(request: unknown): string | undefined {
  if (typeof request === 'string') return request;
  if (request === null || typeof request !== 'object') return undefined;
  const { method, url } = request as { method?: unknown; url?: unknown };
  if (typeof method !== 'string' || typeof url !== 'string') return undefined;
  try {
    return `${method} ${new URL(url).pathname}`;
  } catch {
    return undefined;
  }
}

/**
 * One line naming status, code and request:
 * `403 AuthorizationFailed: The client ... does not have authorization ... (GET /subscriptions/…/vaults)`.
 */
export function describeError(thrown: unknown): string {
  const facts = errorFacts(thrown);
  const firstLine = facts.message.split('\n')[0]?.trim() ?? '';
  const prefix = [facts.statusCode, facts.code].filter((part) => part !== undefined).join(' ');
  const text = prefix ? `${prefix}: ${firstLine}` : firstLine;
  return facts.request && !text.includes(facts.request) ? `${text} (${facts.request})` : text;
}

export function isNotFound(thrown: unknown): boolean {
  return errorFacts(thrown).statusCode === 404;
}
