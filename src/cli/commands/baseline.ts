import { Command } from 'commander';
import { EXIT } from '../../engine/gate';
import { CallerFlags, addCallerOptions, callerProfile } from '../caller-flags';
import { UsageError } from '../../errors';
import { setExitCode } from '../main';
import { SourceFlags, SourceOptionSet, addSourceOptions, sourceOf } from '../source';

/**
 * `kvguard baseline -o kvguard.baseline.json`: audits like `kvguard audit` (the same source, caller and config
 * flags, declared by the same helpers so the two never drift) and records today's fail findings.
 * `kvguard audit --baseline FILE` then fails only on findings not in it. A baseline is not recorded from an
 * incomplete run unless --allow-partial says so: it would silently accept whatever could not be read.
 */
interface BaselineFlags extends SourceFlags, CallerFlags {
  output: string;
  allowPartial?: boolean;
}

const BASELINE_SOURCE: SourceOptionSet = { command: 'baseline', snapshot: true, scale: false, skipReads: false };

export function register(program: Command): void {
  const baseline = program
    .command('baseline')
    .description("record today's failing findings, so `audit --baseline FILE` fails only on new ones")
    .option('-o, --output <file>', 'the baseline file to write', 'kvguard.baseline.json');
  addCallerOptions(addSourceOptions(baseline, BASELINE_SOURCE))
    .option(
      '--config <file>',
      'kvguard.config.json: scope, caller, rule settings, suppressions (its baseline is not applied)',
    )
    .option('--allow-partial', 'record the baseline even when some vault could not be evaluated (otherwise exit 2)')
    .option('--verbose', 'log live collection on stderr')
    .action(async (flags: BaselineFlags, self: Command) => {
      setExitCode(self, await recordBaseline(flags));
    });
}

async function recordBaseline(flags: BaselineFlags): Promise<number> {
  const { loadConfigFile, runAudit, toolInfo, writeFileAtomic } = await import('../pipeline');
  const { baselineFrom } = await import('../../gate/baseline');
  const config = flags.config === undefined ? undefined : await loadConfigFile(flags.config);
  const now = new Date();
  // The config's own baseline is left out: the new one records every failure of today.
  const { result } = await runAudit({
    source: sourceOf(flags, config, BASELINE_SOURCE),
    caller: callerProfile(flags, config?.caller, flags.config),
    ...(config ? { config: { ...config, baseline: undefined } } : {}),
    now,
  });
  if (!result.summary.complete && !flags.allowPartial) {
    throw new UsageError(
      `incomplete run: ${result.summary.error} finding(s) could not be evaluated; no baseline written (--allow-partial records it anyway)`,
    );
  }
  const baseline = baselineFrom(result, now, toolInfo());
  writeFileAtomic(flags.output, `${JSON.stringify(baseline, null, 2)}\n`, `-o ${flags.output}`, {
    inputs: [flags.snapshot, flags.config],
  });
  process.stderr.write(
    `kvguard: recorded ${baseline.findings.length} failing finding${baseline.findings.length === 1 ? '' : 's'} in ${flags.output}\n`,
  );
  return EXIT.ok;
}
