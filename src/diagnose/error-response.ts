/**
 * A Key Vault error response as a user pastes it: a raw HTTP response (status line, headers, body), a JSON
 * `{status, body}` (or `statusCode`, as the SDKs' RestError has it), or the bare Key Vault error body
 * `{error: {code, message, innererror: {code}}}`. Only the parts kvguard reads are kept; an Authorization
 * header, should one be pasted along, is dropped and never echoed.
 * https://learn.microsoft.com/azure/key-vault/general/rest-error-codes
 */
export interface ErrorResponse {
  status: number | undefined;
  /** `Forbidden`, `Unauthorized`, `Throttled`... */
  code: string | undefined;
  /** `ForbiddenByFirewall`, `ForbiddenByRbac`, `ForbiddenByPolicy`, `ForbiddenByConnection`... */
  innerCode: string | undefined;
  message: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
}

export class ErrorInputError extends Error {
  override readonly name = 'ErrorInputError';
}

const STATUS_LINE = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\b[^\r\n]*\r?\n/i;
// A Map: the code is user input (`constructor` must not find Object.prototype.constructor).
const CODE_STATUS = new Map<string, number>([
  ['unauthorized', 401],
  ['forbidden', 403],
  ['throttled', 429],
  ['toomanyrequests', 429],
]);

export function parseErrorResponse(text: string): ErrorResponse {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') throw new ErrorInputError('is empty: expected a Key Vault error response (status and body)');
  const statusLine = STATUS_LINE.exec(trimmed);
  if (statusLine) return fromHttp(trimmed, Number(statusLine[1]), statusLine[0].length);
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    throw new ErrorInputError(
      'is neither an HTTP response (HTTP/1.1 403 Forbidden ...) nor JSON ({"status": 403, "body": {...}} or {"error": {...}})',
    );
  }
  return fromJson(json);
}

function fromHttp(text: string, status: number, statusLength: number): ErrorResponse {
  const rest = text.slice(statusLength);
  const split = /\r?\n\r?\n/.exec(rest);
  const headerText = split ? rest.slice(0, split.index) : rest;
  const body = split ? rest.slice(split.index + split[0].length).trim() : '';
  const headers = emptyHeaders();
  for (const line of headerText.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === 'authorization') continue;
    headers[name] = line.slice(colon + 1).trim();
  }
  let parsed: unknown;
  try {
    parsed = body === '' ? {} : JSON.parse(body);
  } catch {
    parsed = body;
  }
  return { ...bodyFields(parsed), status, headers };
}

function fromJson(json: unknown): ErrorResponse {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new ErrorInputError('is JSON but not an object: expected {"status": 403, "body": {...}} or {"error": {...}}');
  const object = json as Record<string, unknown>;
  const statusValue = object.status ?? object.statusCode;
  const status =
    typeof statusValue === 'number'
      ? statusValue
      : typeof statusValue === 'string' && /^\d{3}$/.test(statusValue)
        ? Number(statusValue)
        : undefined;
  const headers = emptyHeaders();
  const rawHeaders = object.headers;
  if (rawHeaders && typeof rawHeaders === 'object' && !Array.isArray(rawHeaders)) {
    for (const [name, value] of Object.entries(rawHeaders))
      if (typeof value === 'string' && name.toLowerCase() !== 'authorization') headers[name.toLowerCase()] = value;
  }
  let body: unknown = object.body ?? object.details ?? object.response ?? object;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // A plain-text body is kept as the message.
    }
  }
  const fields = bodyFields(body);
  if (!fields.code && !fields.message && status === undefined)
    throw new ErrorInputError(
      'has no status and no error body: expected {"status": 403, "body": {"error": {...}}} or {"error": {"code", "message"}}',
    );
  const inferred = status ?? (fields.code ? CODE_STATUS.get(fields.code.toLowerCase()) : undefined);
  return { ...fields, status: inferred, headers };
}

function bodyFields(body: unknown): Pick<ErrorResponse, 'code' | 'innerCode' | 'message'> {
  if (typeof body === 'string') return { code: undefined, innerCode: undefined, message: body };
  const error = pick(pick(body, 'error') ?? body, undefined);
  const code = text(error?.code);
  const inner = pick(error, 'innererror') ?? pick(error, 'innerError');
  return { code, innerCode: text(inner?.code), message: text(error?.message) ?? '' };
}

function pick(value: unknown, key: string | undefined): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if (key === undefined) return value as Record<string, unknown>;
  const child = (value as Record<string, unknown>)[key];
  return child !== null && typeof child === 'object' && !Array.isArray(child)
    ? (child as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Header names are user input: an object without a prototype, so `__proto__` is a name like any other. */
function emptyHeaders(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}
