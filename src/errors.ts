/**
 * An error the user can fix (bad flag, bad file, bad field): printed as one line, exit 2. The message
 * names the file, field or resource, e.g. `examples/x.json: /resources/3/type: must be string`.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
