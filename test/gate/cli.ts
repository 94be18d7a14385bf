import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';

/**
 * Runs the CLI in-process through `main`, capturing what it writes.
 *
 * Until src/cli/main.ts lists './commands/baseline' in COMMANDS, callers mock the demo command module to
 * register the baseline command beside it (see cli-gate.test.ts); `baselineListedInMain` tells them.
 */
export const baselineListedInMain = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'cli', 'main.ts'), 'utf8').includes("'./commands/baseline'");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(...args: string[]): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (stdout.push(String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
  try {
    const code = await main(['node', 'kvguard', ...args]);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
