import { Command } from 'commander';
import { EXIT } from '../../engine/gate';
import { UsageError } from '../errors';
import { setExitCode } from '../main';

/**
 * `kvguard baseline -o kvguard.baseline.json`: audits like `kvguard audit` (same source, caller and config
 * flags, taken from the audit command itself so the two never drift) and records today's fail findings.
 * `kvguard audit --baseline FILE` then fails only on findings not in it. A baseline is not recorded from an
 * incomplete run unless --allow-partial says so: it would silently accept whatever could not be read.
 */
const SHARED_FLAGS = new Set([
  '--snapshot', '--subscription', '--resource-group', '--vault', '--cloud', '--endpoint', '--ca-cert',
  '--caller-ip', '--caller-subnet', '--caller-vnet', '--trusted-service', '--caller-token', '--config', '--allow-partial', '--verbose',
]);

export function register(program: Command): void {
  const command = program
    .command('baseline')
    .description("record today's failing findings, so `audit --baseline FILE` fails only on new ones")
    .option('-o, --output <file>', 'the baseline file to write', 'kvguard.baseline.json');
  for (const option of auditOptions()) if (SHARED_FLAGS.has(option.long ?? '')) command.addOption(option);
  command.action(async (flags: BaselineFlags, self: Command) => {
    setExitCode(self, await recordBaseline(flags));
  });
}

interface BaselineFlags {
  output: string;
  config?: string;
  allowPartial?: boolean;
  subscription: string[];
  [flag: string]: unknown;
}

/** The audit command's options, read from a throw-away program so flags are declared once. */
function auditOptions(): Command['options'] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const audit = require('./audit') as { register(program: Command): void };
  const scratch = new Command();
  audit.register(scratch);
  const command = scratch.commands.find((c) => c.name() === 'audit');
  if (!command) throw new Error('kvguard: the audit command did not register');
  return command.options;
}

async function recordBaseline(flags: BaselineFlags): Promise<number> {
  const { sourceOf } = await import('./audit');
  const { callerProfile } = await import('../caller-flags');
  const { loadConfigFile, runAudit, toolInfo, writeFileAtomic } = await import('../pipeline');
  const { baselineFrom } = await import('../../gate/baseline');
  const auditFlags = { report: [], format: 'text', color: false, ...flags } as unknown as Parameters<typeof sourceOf>[0];
  const config = flags.config === undefined ? undefined : await loadConfigFile(flags.config);
  const now = new Date();
  // The config's own baseline is left out: the new one records every failure of today.
  const { result } = await runAudit({
    source: sourceOf(auditFlags, config),
    caller: callerProfile(auditFlags, config?.caller, flags.config),
    ...(config ? { config: { ...config, baseline: undefined } } : {}),
    now,
  });
  if (!result.summary.complete && !flags.allowPartial) {
    throw new UsageError(`incomplete run: ${result.summary.error} finding(s) could not be evaluated; no baseline written (--allow-partial records it anyway)`);
  }
  const baseline = baselineFrom(result, now, toolInfo());
  writeFileAtomic(flags.output, `${JSON.stringify(baseline, null, 2)}\n`, `-o ${flags.output}`);
  process.stderr.write(`kvguard: recorded ${baseline.findings.length} failing finding${baseline.findings.length === 1 ? '' : 's'} in ${flags.output}\n`);
  return EXIT.ok;
}
