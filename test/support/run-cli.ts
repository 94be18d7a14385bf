import * as path from 'node:path';

/**
 * Runs the CLI in-process, as `bin/kvguard.js` does, and captures what it writes. Commands write through
 * process.stdout / process.stderr, so spying on them sees exactly what a user would.
 */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export const ROOT = path.resolve(__dirname, '../..');

export async function runCli(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  const cwd = process.cwd();
  const saved: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(options.env ?? {})) {
    saved[key] = process.env[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    if (options.cwd) process.chdir(options.cwd);
    const code = await loadMain()(['node', 'kvguard', ...args]);
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    out.mockRestore();
    err.mockRestore();
  }
}

function loadMain(): (argv: string[]) => Promise<number> {
  // Required lazily so a test file can jest.mock a module (the collector) before the CLI loads it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../src/cli/main') as { main: (argv: string[]) => Promise<number> }).main;
}

export function example(name: string): string {
  return path.join(ROOT, 'examples', `${name}.json`);
}
