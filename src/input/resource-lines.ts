import { idKey } from '../model/arm';

/**
 * The line on which each resource's `"id"` stands in a snapshot file's text (first occurrence; 1-based),
 * keyed by `idKey`, so a SARIF result about a resource can point at its line in the file the run read.
 */
export function resourceLines(text: string): Record<string, number> {
  const lines: Record<string, number> = {};
  const pattern = /"id"\s*:\s*"([^"\\]+)"/g;
  text.split('\n').forEach((line, index) => {
    for (const match of line.matchAll(pattern)) {
      const key = idKey(match[1] ?? '');
      if (lines[key] === undefined) lines[key] = index + 1;
    }
  });
  return lines;
}
