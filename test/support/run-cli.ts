import * as path from 'node:path';
import { Readable } from 'node:stream';

/**
 * Runs the CLI in-process, as `bin/kvguard.js` does, and captures what it writes. Commands write through
 * process.stdout / process.stderr, so spying on them sees exactly what a user would.
 */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Piped on stdin (a token, an error response, a snapshot for `--snapshot -`). */
  stdin?: string;
}

export const ROOT = path.resolve(__dirname, '../..');

export async function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const cwd = process.cwd();
  const saved: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(options.env ?? {})) {
    saved[key] = process.env[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const stdin = Object.getOwnPropertyDescriptor(process, 'stdin');
  if (options.stdin !== undefined) {
    Object.defineProperty(process, 'stdin', {
      value: Object.assign(Readable.from([Buffer.from(options.stdin)]), { isTTY: false }),
      configurable: true,
    });
  }
  try {
    if (options.cwd) process.chdir(options.cwd);
    const { result: code, stdout, stderr } = await captureOutput(() => loadMain()(['node', 'kvguard', ...args]));
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    if (stdin) Object.defineProperty(process, 'stdin', stdin);
  }
}

/** Everything written to stdout, and to stderr and the console (where the Azure SDKs and Pulumi log), while `run` runs. */
export async function captureOutput<T>(run: () => Promise<T>): Promise<{ result: T; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const spies = [
    jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => (out.push(chunk.toString()), true)),
    jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => (err.push(chunk.toString()), true)),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void err.push(args.map(String).join(' '))),
    ),
  ];
  try {
    const result = await run();
    return { result, stdout: out.join(''), stderr: err.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

function loadMain(): (argv: string[]) => Promise<number> {
  // Required lazily so a test file can jest.mock a module (the collector) before the CLI loads it.

  return (require('../../src/cli/main') as { main: (argv: string[]) => Promise<number> }).main;
}

export function example(name: string): string {
  return path.join(ROOT, 'examples', `${name}.json`);
}
