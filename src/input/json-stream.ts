import * as fs from 'node:fs';
import type JSONParserType from '@streamparser/json/dist/mjs/jsonparser';
import type { ParsedElementInfo } from '@streamparser/json/dist/mjs/utils/types/parsedElementInfo';

// The package is ESM with a CommonJS build behind `exports`, which this project's `node` resolution does not
// read for types: the types come from its .d.ts, the code from the CommonJS entry Node resolves.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const JSONParser = (require('@streamparser/json/jsonparser.js') as { default: typeof JSONParserType }).default;
type JSONParser = JSONParserType;
import { UsageError } from '../errors';

/**
 * Large JSON inputs, read in chunks and never as one string (V8 cannot hold a string over ~512 MiB, and a
 * 2 GiB snapshot would need it whole). @streamparser/json parses synchronously as bytes are written (so the
 * snapshot reader stays synchronous), emits each element of the resource list as it completes, and with
 * `keepStack: false` drops it from its parent: memory holds what `keep` returns, not the file.
 */
export const STREAM_ABOVE_BYTES = 64 * 1024 * 1024;

const CHUNK_BYTES = 1 << 20;
/** Where a large document's resource list may sit, and the page fields shapes.ts reads beside it. */
const LIST_KEYS = ['resources', 'data', 'value'] as const;
const PAGE_FIELDS = ['nextLink', '$skipToken', 'skipToken', 'skip_token', 'resultTruncated', 'count', 'totalRecords'];

export function fileSize(file: string): number | undefined {
  try {
    return fs.statSync(file).size;
  } catch {
    return undefined; // the ordinary reader words a missing file
  }
}

/**
 * The document in `file`, with each element of its resource list passed through `keep` as it is read (the
 * snapshot reader stubs resources the model does not read). A top-level array, or an object whose list is
 * `resources`, `data` or `value`; every failure is one line naming the file and a line and column.
 */
export function readLargeJson(file: string, keep: (element: unknown) => unknown): unknown {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (thrown) {
    throw new UsageError(`${file}: cannot read file (${(thrown as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return parseChunks(fd, file, keep);
  } finally {
    fs.closeSync(fd);
  }
}

function parseChunks(fd: number, file: string, keep: (element: unknown) => unknown): unknown {
  const buffer = Buffer.alloc(CHUNK_BYTES);
  let parser: JSONParser | undefined;
  let root: 'array' | 'object' | undefined;
  const list: unknown[] = [];
  const fields: Record<string, unknown> = {};
  let listKey: string | undefined;
  let failure: Error | undefined;
  const position = new Position();
  for (let first = true; ; first = false) {
    const read = fs.readSync(fd, buffer, 0, CHUNK_BYTES, null);
    if (read === 0) break;
    let chunk = buffer.subarray(0, read);
    if (first) {
      if (chunk[0] === 0xff && chunk[1] === 0xfe)
        throw new UsageError(`${file}: is UTF-16; a file this large must be UTF-8`);
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    if (!parser) {
      const start = chunk.findIndex((byte) => !isBlank(byte));
      if (start < 0) {
        position.advance(chunk);
        continue;
      }
      root = chunk[start] === 0x5b ? 'array' : chunk[start] === 0x7b ? 'object' : undefined;
      if (!root)
        throw new UsageError(
          `${file}: expected a JSON array of ARM resources or an object holding one (resources, data or value)`,
        );
      parser = new JSONParser({
        paths: root === 'array' ? ['$.*'] : [...LIST_KEYS.map((k) => `$.${k}.*`), ...PAGE_FIELDS.map((f) => `$.${f}`)],
        keepStack: false,
      });
      parser.onError = (error: Error) => {
        failure ??= error;
      };
      parser.onValue = ({ value, key, stack }: ParsedElementInfo) => {
        if (root === 'array' && stack.length === 1) list.push(keep(value));
        else if (stack.length === 2) {
          listKey ??= String(stack[1]?.key);
          if (String(stack[1]?.key) === listKey) list.push(keep(value));
        } else if (stack.length === 1 && typeof key === 'string') fields[key] = value;
      };
    }
    parser.write(chunk);
    if (failure) throw syntaxError(file, failure, position, chunk);
    position.advance(chunk);
  }
  if (!parser) throw new UsageError(`${file}: is empty, expected JSON`);
  if (!parser.isEnded) parser.end();
  if (failure) throw syntaxError(file, failure, position, Buffer.alloc(0));
  if (root === 'array') return list;
  if (listKey === undefined)
    throw new UsageError(
      `${file}: a file this large must hold its resources in a non-empty "resources", "data" or "value" array`,
    );
  return { ...fields, [listKey]: list };
}

/** Line and column of the bytes read so far, to place an error without keeping the text. */
class Position {
  offset = 0;
  line = 1;
  lineStart = 0;

  advance(chunk: Buffer): void {
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === 0x0a) {
        this.line += 1;
        this.lineStart = this.offset + i + 1;
      }
    }
    this.offset += chunk.length;
  }

  /** Line and column of an absolute byte offset within `chunk` (the chunk that starts at `this.offset`). */
  at(absolute: number, chunk: Buffer): { line: number; column: number } {
    let line = this.line;
    let lineStart = this.lineStart;
    const end = Math.min(chunk.length, Math.max(0, absolute - this.offset));
    for (let i = 0; i < end; i++) {
      if (chunk[i] === 0x0a) {
        line += 1;
        lineStart = this.offset + i + 1;
      }
    }
    return { line, column: absolute - lineStart + 1 };
  }
}

/** The parser's message quotes the offending character; ours names only where it is. */
function syntaxError(file: string, error: Error, position: Position, chunk: Buffer): UsageError {
  const offset = /absolute position "?(\d+)"?/.exec(error.message)?.[1];
  const ended = /ended|end of/i.test(error.message) || offset === undefined;
  if (ended || offset === undefined)
    return new UsageError(
      `${file}: line ${position.line}, column ${position.offset - position.lineStart + 1}: invalid JSON: unexpected end of input`,
    );
  const { line, column } = position.at(Number(offset), chunk);
  return new UsageError(`${file}: line ${line}, column ${column}: invalid JSON: unexpected character`);
}

function isBlank(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
