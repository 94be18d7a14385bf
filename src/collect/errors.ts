/**
 * Reading the SDKs' errors without importing them: `RestError` carries `statusCode`, `code` (ARM's error
 * code, e.g. `AuthorizationFailed`) and `message` (ARM's message); request and response objects are never
 * printed, so no header (Authorization included) can reach output.
 */
export interface ErrorFacts {
  statusCode: number | undefined;
  code: string | undefined;
  message: string;
}

export function errorFacts(thrown: unknown): ErrorFacts {
  if (thrown !== null && typeof thrown === 'object') {
    const record = thrown as { statusCode?: unknown; code?: unknown; message?: unknown };
    return {
      statusCode: typeof record.statusCode === 'number' ? record.statusCode : undefined,
      code: typeof record.code === 'string' ? record.code : undefined,
      message: typeof record.message === 'string' ? record.message : String(thrown),
    };
  }
  return { statusCode: undefined, code: undefined, message: String(thrown) };
}

/** One line: `403 AuthorizationFailed: The client ... does not have authorization ...`. */
export function describeError(thrown: unknown): string {
  const facts = errorFacts(thrown);
  const firstLine = facts.message.split('\n')[0]?.trim() ?? '';
  const prefix = [facts.statusCode, facts.code].filter((part) => part !== undefined).join(' ');
  return prefix ? `${prefix}: ${firstLine}` : firstLine;
}

export function isNotFound(thrown: unknown): boolean {
  return errorFacts(thrown).statusCode === 404;
}
