import { parseJsonText } from './json-file';

/**
 * The JSON documents of a text: one, or several one after the other (`az rest` run once per list, ARM list
 * pages appended to one file, the two Resource Graph queries of `kvguard snapshot --print-query`). Each is
 * parsed by parseJsonText, so an invalid one is still one line with its line and column in the whole text.
 */
export function parseJsonDocuments(text: string, file: string): unknown[] {
  const spans = documentSpans(text);
  if (spans.length <= 1) return [parseJsonText(text, file)];
  return spans.map(([start, end]) => {
    try {
      return parseJsonText(text.slice(start, end), file);
    } catch {
      // Re-parse with the text before blanked out, so the line and column count from the file's start.
      return parseJsonText(text.slice(0, start).replace(/[^\n]/g, ' ') + text.slice(start, end), file);
    }
  });
}

/**
 * [start, end) of each top-level value, found by bracket depth outside strings. Only objects and arrays can
 * be told apart without a separator; anything else (or unbalanced text) is left for JSON.parse to word.
 */
function documentSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      if (depth === 0) return [];
      inString = true;
    } else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth < 0) return [];
      if (depth === 0) spans.push([start, i + 1]);
    } else if (depth === 0 && !/\s/.test(c ?? '')) return [];
  }
  return depth === 0 ? spans : [];
}
