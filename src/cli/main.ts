import { Command, CommanderError } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../engine/docs';
import { EXIT } from '../engine/gate';
import { UsageError } from '../errors';
import { escapeControl } from '../report/escape';

/**
 * Entry point. Each command lives in its own module under `src/cli/commands/` and registers itself; a
 * command module must import heavy dependencies (Azure SDKs, Pulumi, the emulator) inside its action, so
 * `kvguard --help` stays fast.
 */
const COMMANDS: readonly string[] = [
  './commands/audit',
  './commands/snapshot',
  './commands/rules',
  './commands/explain',
  './commands/demo',
  './commands/baseline',
  './commands/token',
  './commands/diagnose',
  './commands/emulator',
  './commands/stack',
  './commands/probe',
  './commands/merge',
];

export interface CommandModule {
  register(program: Command): void;
}

export function buildProgram(): Command {
  const program = new Command('kvguard')
    .description('Checks every link of the access path to Azure Key Vault: private endpoint, DNS, firewall, identity')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const path of COMMANDS) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require(path) as CommandModule).register(program);
  }
  return program;
}

/** Read from the package root: `require('../../package.json')` would miss it from dist/src/cli. */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Runs the CLI and resolves to the exit code; errors become one clear line on stderr and exit 2. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  let exitCode: number = EXIT.ok;
  program.hook('postAction', (_this, action) => {
    const code = (action as Command & { kvguardExitCode?: number }).kvguardExitCode;
    if (typeof code === 'number') exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      // --help and --version exit 0; every other parse error is a usage error.
      return thrown.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    if (thrown instanceof UsageError) {
      // One line, whatever the input put in the message: controls (a newline included) shown escaped.
      process.stderr.write(`kvguard: ${escapeControl(thrown.message)}\n`);
      return EXIT.error;
    }
    throw thrown;
  }
}

/** Commands set their exit code here rather than calling process.exit, so output is flushed and tests can run in-process. */
export function setExitCode(command: Command, code: number): void {
  (command as Command & { kvguardExitCode?: number }).kvguardExitCode = code;
}
