/**
 * How deep a value nests, checked without recursion (a 10,000-level document must not blow the stack of
 * the code that later walks it). ARM resources nest about a dozen levels; 64 leaves room for any real one.
 */
export const MAX_DEPTH = 64;

/** The JSON pointer (relative) of the first value nested deeper than `max`, or undefined. */
export function tooDeep(value: unknown, max = MAX_DEPTH): string | undefined {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop() as { value: unknown; path: string[] };
    if (current === null || typeof current !== 'object') continue;
    if (path.length >= max) return pointerOf(path);
    const entries = Array.isArray(current) ? current.map((v, i) => [String(i), v] as const) : Object.entries(current);
    for (const [key, child] of entries) stack.push({ value: child, path: [...path, key] });
  }
  return undefined;
}

/** `/a/b/c/…` with the first eight segments (RFC 6901 escaping), never the whole 10,000-segment path. */
function pointerOf(path: readonly string[]): string {
  const shown = path.slice(0, 8).map((key) => key.replace(/~/g, '~0').replace(/\//g, '~1'));
  return `/${shown.join('/')}${path.length > 8 ? `/… (${path.length} levels)` : ''}`;
}
