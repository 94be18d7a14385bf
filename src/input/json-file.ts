import * as fs from 'node:fs';
import { UsageError } from '../errors';
import { jsonErrorOffset } from './json-error-offset';

/**
 * Reads a JSON file a user hands us, so that every way it can be wrong is one line naming the file:
 * missing, a folder, empty, UTF-16 from PowerShell's `>` redirection, or invalid JSON at a line and column.
 */
export function readJsonFile(file: string): unknown {
  return parseJsonText(readJsonText(file), file);
}

/** The file's text, decoded (`-` is standard input); every failure is one line naming the file. */
export function readJsonText(file: string): string {
  return decode(readBytes(file), file);
}

/** `-` reads standard input, so `az graph query ... | kvguard audit --snapshot -` works. */
function readBytes(file: string): Buffer {
  try {
    return fs.readFileSync(file === '-' ? 0 : file);
  } catch (thrown) {
    const code = (thrown as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${file}: no such file`);
    if (code === 'EISDIR') throw new UsageError(`${file}: is a folder, expected a JSON file`);
    if (code === 'EACCES' || code === 'EPERM') throw new UsageError(`${file}: permission denied`);
    throw new UsageError(`${file}: cannot read file (${code ?? (thrown as Error).message})`);
  }
}

/** UTF-8 with or without BOM, or UTF-16 LE with BOM (Windows PowerShell 5 writes `>` redirections that way). */
function decode(bytes: Buffer, file: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    throw new UsageError(`${file}: UTF-16 big-endian is not supported, save the file as UTF-8`);
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function parseJsonText(text: string, file: string): unknown {
  if (text.trim() === '') throw new UsageError(`${file}: is empty, expected JSON`);
  try {
    return JSON.parse(text) as unknown;
  } catch (thrown) {
    const offset = jsonErrorOffset(text);
    const { line, column } = lineAndColumn(text, offset);
    throw new UsageError(
      `${file}: line ${line}, column ${column}: invalid JSON: ${reasonOf((thrown as Error).message, text, offset)}`,
    );
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}

/** V8's reason without its position or its quote of the whole input (which can be megabytes long). */
function reasonOf(message: string, text: string, offset: number): string {
  if (offset >= text.length) return 'unexpected end of input';
  const reason = message
    .replace(/,\s*(\.\.\.)?".*" is not valid JSON$/s, '')
    .replace(/\s*in JSON at position \d+.*$/s, '')
    .replace(/\s*after JSON at position \d+.*$/s, ' after the JSON value');
  return reason.charAt(0).toLowerCase() + reason.slice(1);
}
