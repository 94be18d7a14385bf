import { Command, CommanderError } from 'commander';
import { Readable } from 'node:stream';
import { UsageError } from '../../src/cli/errors';
import type { CommandModule } from '../../src/cli/main';

/**
 * Runs one command module the way `main` runs it (exit-code hook, UsageError → one stderr line and exit 2),
 * capturing stdout and stderr, with optional stdin. Lets these tests run before the lead registers the module.
 */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(modules: CommandModule[], argv: string[], stdin?: string): Promise<CliRun> {
  const program = new Command('kvguard').exitOverride().configureOutput({ writeErr: (t) => err.push(t), writeOut: (t) => out.push(t) });
  const out: string[] = [];
  const err: string[] = [];
  for (const m of modules) m.register(program);
  let code = 0;
  program.hook('postAction', (_this, action) => {
    const value = (action as Command & { kvguardExitCode?: number }).kvguardExitCode;
    if (typeof value === 'number') code = value;
  });
  const stdoutSpy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const originalStdin = Object.getOwnPropertyDescriptor(process, 'stdin');
  if (stdin !== undefined) Object.defineProperty(process, 'stdin', { value: Object.assign(Readable.from([Buffer.from(stdin)]), { isTTY: false }), configurable: true });
  try {
    await program.parseAsync(['node', 'kvguard', ...argv]);
  } catch (thrown) {
    if (thrown instanceof CommanderError) code = thrown.exitCode === 0 ? 0 : 2;
    else if (thrown instanceof UsageError) {
      err.push(`kvguard: ${thrown.message}\n`);
      code = 2;
    } else throw thrown;
  } finally {
    stdoutSpy.mockRestore();
    if (originalStdin) Object.defineProperty(process, 'stdin', originalStdin);
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}
