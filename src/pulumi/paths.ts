import type { JsonObject, JsonValue } from '../model/arm';

/** Dotted property paths as plain.ts records them: `a.b[0].c`. */
function keys(path: string): (string | number)[] {
  return path.split('.').flatMap((part) => {
    const [name = '', ...indexes] = part.split('[');
    return [...(name === '' ? [] : [name]), ...indexes.map((i) => Number(i.replace(']', '')))];
  });
}

/** The top-level property of a path (`privateLinkServiceConnections[0].privateLinkServiceId` → `privateLinkServiceConnections`). */
export function topKey(path: string): string {
  return String(keys(path)[0] ?? '');
}

export function getPath(root: JsonObject, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = root;
  for (const key of keys(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, JsonValue>)[key];
  }
  return current;
}

/** Sets a value, creating the objects and arrays on the way. */
export function setPath(root: JsonObject, path: string, value: JsonValue): void {
  const list = keys(path);
  let current: Record<string | number, JsonValue> = root;
  list.forEach((key, index) => {
    if (index === list.length - 1) {
      current[key] = value;
      return;
    }
    const next = current[key];
    if (next === null || typeof next !== 'object') current[key] = typeof list[index + 1] === 'number' ? [] : {};
    current = current[key] as Record<string | number, JsonValue>;
  });
}
