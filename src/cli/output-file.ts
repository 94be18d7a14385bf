import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../errors';

/**
 * Writing a report or snapshot the user named: through a temporary file in the same folder renamed over the
 * target, so a reader never sees half a report and a failed run never leaves one behind that looks complete.
 * The target keeps its permission bits (a 0600 report stays 0600), an input of the run is never overwritten,
 * and a temporary file never outlives the process, even when it is stopped by a signal.
 */
export interface WriteOptions {
  /** Files the run reads (snapshot, config, baseline): writing over one of them is refused. */
  inputs?: readonly (string | undefined)[];
}

/** Temporary files being written right now, removed on exit and on SIGINT/SIGTERM/SIGHUP. */
const pending = new Set<string>();
let handlersInstalled = false;

/**
 * `content` is the text, or a function that writes it in pieces (a streamed report: a 10,000-vault JSON
 * report is never one string).
 */
export function writeFileAtomic(
  file: string,
  content: string | ((write: (chunk: string) => void) => void),
  label = file,
  options: WriteOptions = {},
): void {
  const target = path.resolve(file);
  refuseInput(target, label, options.inputs ?? []);
  const existingMode = modeOf(target, label);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  track(temporary);
  let fd: number | undefined;
  try {
    // `wx`: never follow or reuse a file someone else put at the temporary path.
    fd = fs.openSync(temporary, 'wx', existingMode ?? 0o666);
    const descriptor = fd;
    const sink = bufferedSink((text) => fs.writeSync(descriptor, text));
    if (typeof content === 'string') sink.write(content);
    else content(sink.write);
    sink.flush();
    fs.closeSync(fd);
    fd = undefined;
    if (existingMode !== undefined) fs.chmodSync(temporary, existingMode);
    fs.renameSync(temporary, target);
  } catch (thrown) {
    if (fd !== undefined) fs.closeSync(fd);
    removeQuietly(temporary);
    throw new UsageError(`${label}: cannot write (${whyNot(thrown, target)})`);
  } finally {
    pending.delete(temporary);
  }
}

const FLUSH_AT = 1 << 20;

/** Joins small pieces into writes of about a megabyte. */
export function bufferedSink(flushTo: (text: string) => void): { write: (chunk: string) => void; flush: () => void } {
  let parts: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (parts.length === 0) return;
    flushTo(parts.join(''));
    parts = [];
    size = 0;
  };
  return {
    write: (chunk) => {
      parts.push(chunk);
      size += chunk.length;
      if (size >= FLUSH_AT) flush();
    },
    flush,
  };
}

/** Checks a target before a long run, so a run is not wasted on a report it could never write. */
export function checkOutputTarget(file: string, label: string, options: WriteOptions = {}): void {
  const target = path.resolve(file);
  refuseInput(target, label, options.inputs ?? []);
  modeOf(target, label);
  const folder = statOrUndefined(path.dirname(target));
  if (folder === undefined) throw new UsageError(`${label}: cannot write (${whyNot({ code: 'ENOENT' }, target)})`);
  if (!folder.isDirectory()) throw new UsageError(`${label}: cannot write (${whyNot({ code: 'ENOTDIR' }, target)})`);
}

/** The same file as an input: same path, or (hard links, symlinks) the same device and inode. */
function refuseInput(target: string, label: string, inputs: readonly (string | undefined)[]): void {
  const targetStat = statOrUndefined(target);
  for (const input of inputs) {
    if (input === undefined || input === '-') continue;
    const resolved = path.resolve(input);
    const inputStat = statOrUndefined(resolved);
    const same =
      resolved === target ||
      (targetStat !== undefined &&
        inputStat !== undefined &&
        targetStat.dev === inputStat.dev &&
        targetStat.ino === inputStat.ino);
    if (same) throw new UsageError(`${label}: is also an input of this run (${input}); choose another file`);
  }
}

/** The permission bits of an existing target (undefined when there is none yet). */
function modeOf(target: string, label: string): number | undefined {
  const stat = statOrUndefined(target);
  if (stat === undefined) return undefined;
  if (stat.isDirectory()) throw new UsageError(`${label}: cannot write (is a folder)`);
  return stat.mode & 0o7777;
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

function whyNot(thrown: unknown, target: string): string {
  const code = (thrown as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return `folder ${path.dirname(target)} does not exist`;
    case 'ENOTDIR':
      return `${path.dirname(target)} is not a folder`;
    case 'EISDIR':
      return 'is a folder';
    case 'EACCES':
    case 'EPERM':
      return `permission denied in ${path.dirname(target)}`;
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'ENAMETOOLONG':
      return 'file name too long';
    default:
      return code ?? (thrown instanceof Error ? (thrown.message.split('\n')[0] ?? 'unknown error') : String(thrown));
  }
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * Registers a temporary file for removal should the process end before it is renamed. The signal handlers
 * are installed once, on first use, and end the process as the signal would have (128 + its number).
 */
export function track(temporary: string): void {
  pending.add(temporary);
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', removePending);
  for (const [signal, code] of Object.entries(SIGNAL_EXIT)) {
    process.on(signal, () => {
      removePending();
      // Other listeners (a server being stopped) run too; with none left, end as the signal would.
      if (process.listenerCount(signal) <= 1) process.exit(code);
    });
  }
}

export function untrack(temporary: string): void {
  pending.delete(temporary);
}

function removePending(): void {
  for (const file of pending) removeQuietly(file);
  pending.clear();
}

/** Removal that cannot fail: the file may never have been created (ENOENT, ENOTDIR). */
function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // nothing was there to leave behind
  }
}
