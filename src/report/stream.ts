import type { Reporter, ReportSink, StreamingReporter } from './types';

/** The whole text of a streamed report (tests, small reports, `merge`). */
export function collected(stream: StreamingReporter): Reporter {
  return (result, options) => {
    const parts: string[] = [];
    stream(result, options, (chunk) => {
      parts.push(chunk);
    });
    return parts.join('');
  };
}

/** A reporter that builds one string, as a stream of one piece. */
export function whole(reporter: Reporter): StreamingReporter {
  return (result, options, write) => write(reporter(result, options));
}

/**
 * Writes `skeleton` as `JSON.stringify(skeleton, null, 2)` would, except that the value at `marker` (a string
 * placed in the skeleton where the large array goes) is written from `items` one element at a time. The text
 * equals stringifying the whole document, without ever holding it.
 */
export function streamJson(
  write: ReportSink,
  skeleton: unknown,
  marker: string,
  items: Iterable<unknown>,
  trailingNewline = true,
): void {
  const text = JSON.stringify(skeleton, null, 2);
  const placeholder = JSON.stringify(marker);
  const at = text.indexOf(placeholder);
  if (at < 0) throw new Error('streamJson: the marker is not in the skeleton');
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const indent = /^ */.exec(text.slice(lineStart))?.[0] ?? '';
  const inner = `${indent}  `;
  write(text.slice(0, at));
  let first = true;
  for (const item of items) {
    const json = JSON.stringify(item, null, 2);
    if (json === undefined) continue;
    write(`${first ? '[\n' : ',\n'}${inner}${json.replace(/\n/g, `\n${inner}`)}`);
    first = false;
  }
  write(first ? '[]' : `\n${indent}]`);
  write(text.slice(at + placeholder.length));
  if (trailingNewline) write('\n');
}

/** Yields `map(item)` for the items that pass `keep`, without building the filtered array. */
export function* mapped<T, U>(items: Iterable<T>, keep: (item: T) => boolean, map: (item: T) => U): Generator<U> {
  for (const item of items) if (keep(item)) yield map(item);
}
