import { Command, Option } from 'commander';
import { EXIT } from '../../engine/gate';
import type { Finding } from '../../engine/types';
import { DEFAULT_CALLER } from '../../model/caller';
import { UsageError } from '../../errors';
import { setExitCode } from '../main';
import { SourceFlags, SourceOptionSet, addSourceOptions, sourceOf } from '../source';

/**
 * `kvguard token explain`: decodes a JWT locally (stdin or --file) and runs KV401-KV403 against a vault from a
 * snapshot or live ARM. The token is never printed, logged or sent anywhere: errors name the part at fault.
 */
interface TokenFlags extends SourceFlags {
  file?: string;
  skew: string;
  format: 'text' | 'json';
}

const TOKEN_SOURCE: SourceOptionSet = {
  command: 'token explain',
  snapshot: true,
  scale: false,
  skipReads: false,
  help: {
    snapshot: 'the vaults to check against, from a snapshot file',
    subscription: 'the vaults to check against, from live ARM (repeat, or a comma list)',
    vault: 'check against this vault only',
  },
};

export function register(program: Command): void {
  const token = program.command('token').description('work with a caller access token, locally');
  const explain = token
    .command('explain')
    .description('decode a JWT (stdin or --file) and check audience, lifetime and tenant against a vault (KV401-KV403)')
    .option('--file <file>', 'read the token from this file (default: stdin)');
  addSourceOptions(explain, TOKEN_SOURCE)
    .option('--skew <seconds>', 'clock skew tolerated on nbf and exp', '300')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (flags: TokenFlags, command: Command) => {
      setExitCode(command, await explainToken(flags));
    });
}

export async function explainToken(flags: TokenFlags): Promise<number> {
  const skewSeconds = Number(flags.skew);
  if (!Number.isInteger(skewSeconds) || skewSeconds < 0 || skewSeconds > 3600)
    throw new UsageError(`--skew: expected whole seconds from 0 to 3600, found ${JSON.stringify(flags.skew)}`);
  const { readTextInput, ReadTextError } = await import('../../diagnose/read-text');
  const { decodeJwt, TokenError } = await import('../../token/jwt');
  let raw: string;
  try {
    raw = await readTextInput(flags.file ?? '-', flags.file === undefined ? 'stdin' : '--file');
  } catch (thrown) {
    if (thrown instanceof ReadTextError)
      throw new UsageError(
        flags.file === undefined ? 'no token: pipe it on stdin or give --file FILE' : thrown.message,
      );
    throw thrown;
  }
  let claims;
  try {
    claims = decodeJwt(raw).claims;
  } catch (thrown) {
    if (thrown instanceof TokenError)
      throw new UsageError(`token${flags.file ? ` in ${flags.file}` : ''}: ${thrown.message}`);
    throw thrown;
  }
  const { renderTokenReport } = await import('../../report/token');
  const now = new Date();
  const hasSource = flags.snapshot !== undefined || flags.subscription.length > 0;
  if (!hasSource) {
    if (flags.vault !== undefined) throw new UsageError('--vault needs a source: --snapshot FILE or --subscription ID');
    const { checkLifetime } = await import('../../token/checks');
    const lifetime = checkLifetime(claims, now, skewSeconds);
    process.stdout.write(renderTokenReport({ claims, findings: [], lifetime, rules: [] }, flags.format));
    return lifetime.ok ? EXIT.ok : EXIT.findings;
  }
  const findings = await tokenFindings(flags, raw, skewSeconds, now);
  process.stdout.write(renderTokenReport({ claims, findings, rules: [] }, flags.format));
  if (findings.some((f) => f.outcome === 'error')) return EXIT.error;
  return findings.some((f) => f.outcome === 'fail') ? EXIT.findings : EXIT.ok;
}

async function tokenFindings(flags: TokenFlags, token: string, skewSeconds: number, now: Date): Promise<Finding[]> {
  const [{ runAudit }, { tokenAudience }, { tokenLifetime }, { tokenTenant }] = await Promise.all([
    import('../pipeline'),
    import('../../../rules/token-audience'),
    import('../../../rules/token-lifetime'),
    import('../../../rules/token-tenant'),
  ]);
  // --vault narrows the vaults of a snapshot as it narrows a live read: an unknown name is a usage error.
  const { result } = await runAudit({
    source: sourceOf(flags, undefined, TOKEN_SOURCE),
    caller: { ...DEFAULT_CALLER, token: token.trim() },
    config: { rules: { KV402: { options: { skewSeconds } } } },
    now,
    rules: [tokenAudience, tokenLifetime, tokenTenant],
  });
  return result.findings;
}
