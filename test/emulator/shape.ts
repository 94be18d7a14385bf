/**
 * Recursive JSON shape comparison: the same property names, each with the same JSON type
 * (string, number, boolean, null, array, object), arrays element by element.
 */
export type JsonShape = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object' | 'undefined';

export function shapeOf(value: unknown): JsonShape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean' || type === 'object') return type;
  return 'undefined';
}

/** Differences between an expected and an actual JSON value, as `path: problem` lines (empty when the shapes agree). */
export function shapeDifferences(
  expected: unknown,
  actual: unknown,
  path = '',
  tolerated: (path: string) => boolean = () => false,
): string[] {
  const [want, got] = [shapeOf(expected), shapeOf(actual)];
  if (want !== got) return [`${path || '/'}: expected ${want}, got ${got}`];
  if (want === 'array') {
    const [a, b] = [expected as unknown[], actual as unknown[]];
    if (a.length !== b.length) return [`${path}: expected ${a.length} elements, got ${b.length}`];
    return a.flatMap((item, i) => shapeDifferences(item, b[i], `${path}/${i}`, tolerated));
  }
  if (want !== 'object') return [];
  const [a, b] = [expected as Record<string, unknown>, actual as Record<string, unknown>];
  const problems: string[] = [];
  for (const key of Object.keys(a)) {
    if (!(key in b)) problems.push(`${path}/${key}: missing`);
    else problems.push(...shapeDifferences(a[key], b[key], `${path}/${key}`, tolerated));
  }
  for (const key of Object.keys(b))
    if (!(key in a) && !tolerated(`${path}/${key}`)) problems.push(`${path}/${key}: not in the example`);
  return problems;
}
