import { badRequest } from './errors';

/**
 * ARM list paging: `{ value, nextLink }`, where nextLink is an absolute URL on the server's own base
 * (the SDKs follow it verbatim) carrying an opaque `$skiptoken`; the last page has no nextLink.
 * `$top`, where an operation takes it, sets the page size (Microsoft's listVaultBySubscription example:
 * `$top=1` answers one vault and a nextLink).
 */
export interface Page<T> {
  value: T[];
  nextLink?: string;
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof parsed.offset === 'number' && Number.isInteger(parsed.offset) && parsed.offset >= 0)
      return parsed.offset;
  } catch {
    // falls through to the 400 below
  }
  throw badRequest('InvalidSkipToken', `The $skiptoken '${token}' is invalid.`);
}

function queryValue(query: URLSearchParams, name: string): string | undefined {
  for (const [key, value] of query) if (key.toLowerCase() === name.toLowerCase()) return value;
  return undefined;
}

export function pageSizeOf(query: URLSearchParams, defaultPageSize: number, takesTop = true): number {
  const top = takesTop ? queryValue(query, '$top') : undefined;
  if (top === undefined) return defaultPageSize;
  if (!/^\d+$/.test(top) || Number(top) < 1)
    throw badRequest('InvalidTopParameter', `The value '${top}' of $top is invalid; it must be a positive integer.`);
  return Number(top);
}

/** One page of `items`, for the request at `baseUrl + path + query`. */
export function page<T>(
  items: readonly T[],
  baseUrl: string,
  path: string,
  query: URLSearchParams,
  defaultPageSize: number,
  emptyFirstPage = false,
  takesTop = true,
): Page<T> {
  const token = queryValue(query, '$skiptoken');
  const nextLink = (offset: number): string => {
    const parts: string[] = [];
    for (const [key, value] of query) if (key.toLowerCase() !== '$skiptoken') parts.push(queryPart(key, value));
    parts.push(queryPart('$skiptoken', encodeToken(offset)));
    return `${baseUrl}${path}?${parts.join('&')}`;
  };
  // The service may answer an empty page that is not the last one (ARM's paging contract: follow nextLink until
  // there is none); the minimal shape does so on every first page.
  if (emptyFirstPage && token === undefined && items.length > 0) return { value: [], nextLink: nextLink(0) };
  const offset = token === undefined ? 0 : decodeToken(token);
  const size = pageSizeOf(query, defaultPageSize, takesTop);
  const value = items.slice(offset, offset + size);
  if (offset + size >= items.length) return { value };
  return { value, nextLink: nextLink(offset + size) };
}

/**
 * `key=value` with the key's `$` literal, as ARM writes its nextLinks (`...&$skiptoken=...`; Microsoft's
 * listVaultBySubscription example), not URLSearchParams' `%24skiptoken`.
 */
function queryPart(key: string, value: string): string {
  return `${encodeURIComponent(key).replace(/%24/g, '$')}=${encodeURIComponent(value)}`;
}
