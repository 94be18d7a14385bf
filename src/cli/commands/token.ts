import { Command, Option } from 'commander';
import { EXIT } from '../../engine/gate';
import type { Finding } from '../../engine/types';
import { DEFAULT_CALLER } from '../../model/caller';
import { CLOUD_NAMES, CloudName } from '../../model/cloud';
import { UsageError } from '../errors';
import { setExitCode } from '../main';

/**
 * `kvguard token explain`: decodes a JWT locally (stdin or --file) and runs KV401-KV403 against a vault from a
 * snapshot or live ARM. The token is never printed, logged or sent anywhere: errors name the part at fault.
 */
interface TokenFlags {
  file?: string;
  snapshot?: string;
  subscription: string[];
  resourceGroup?: string;
  vault?: string;
  cloud?: CloudName;
  endpoint?: string;
  caCert?: string;
  skew: string;
  format: 'text' | 'json';
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function register(program: Command): void {
  const token = program.command('token').description('work with a caller access token, locally');
  token
    .command('explain')
    .description('decode a JWT (stdin or --file) and check audience, lifetime and tenant against a vault (KV401-KV403)')
    .option('--file <file>', 'read the token from this file (default: stdin)')
    .option('--snapshot <file>', 'the vaults to check against, from a snapshot file')
    .option('--subscription <id>', 'the vaults to check against, from live ARM (repeat, or a comma list)', collect, [])
    .option('--resource-group <name>', 'live: only this resource group')
    .option('--vault <name>', 'check against this vault only')
    .addOption(new Option('--cloud <name>', 'live: the Azure cloud').choices(CLOUD_NAMES))
    .option('--endpoint <url>', "live: an ARM-compatible endpoint (the emulator) in place of the cloud's")
    .option('--ca-cert <file>', "live: PEM file of the CA that signed --endpoint's certificate")
    .option('--skew <seconds>', 'clock skew tolerated on nbf and exp', '300')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (flags: TokenFlags, command: Command) => {
      setExitCode(command, await explainToken(flags));
    });
}

export async function explainToken(flags: TokenFlags): Promise<number> {
  const skewSeconds = Number(flags.skew);
  if (!Number.isInteger(skewSeconds) || skewSeconds < 0 || skewSeconds > 3600) throw new UsageError(`--skew: expected whole seconds from 0 to 3600, found ${JSON.stringify(flags.skew)}`);
  const { readTextInput, ReadTextError } = await import('../../diagnose/read-text');
  const { decodeJwt, TokenError } = await import('../../token/jwt');
  let raw: string;
  try {
    raw = await readTextInput(flags.file ?? '-', flags.file === undefined ? 'stdin' : '--file');
  } catch (thrown) {
    if (thrown instanceof ReadTextError) throw new UsageError(flags.file === undefined ? 'no token: pipe it on stdin or give --file FILE' : thrown.message);
    throw thrown;
  }
  let claims;
  try {
    claims = decodeJwt(raw).claims;
  } catch (thrown) {
    if (thrown instanceof TokenError) throw new UsageError(`token${flags.file ? ` in ${flags.file}` : ''}: ${thrown.message}`);
    throw thrown;
  }
  const { renderTokenReport } = await import('../../token/explain');
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
  const [{ runAudit }, { sourceOf }, { tokenAudience }, { tokenLifetime }, { tokenTenant }] = await Promise.all([
    import('../pipeline'),
    import('./audit'),
    import('../../../rules/token-audience'),
    import('../../../rules/token-lifetime'),
    import('../../../rules/token-tenant'),
  ]);
  const live = flags.snapshot === undefined;
  const source = sourceOf(
    {
      ...(flags.snapshot !== undefined ? { snapshot: flags.snapshot } : {}),
      subscription: flags.subscription,
      ...(live && flags.resourceGroup !== undefined ? { resourceGroup: flags.resourceGroup } : {}),
      ...(live && flags.vault !== undefined ? { vault: flags.vault } : {}),
      ...(flags.cloud !== undefined ? { cloud: flags.cloud } : {}),
      ...(flags.endpoint !== undefined ? { endpoint: flags.endpoint } : {}),
      ...(flags.caCert !== undefined ? { caCert: flags.caCert } : {}),
      format: 'text',
      report: [],
      color: false,
    },
    undefined,
  );
  const { result } = await runAudit({
    source,
    caller: { ...DEFAULT_CALLER, token: token.trim() },
    config: { rules: { KV402: { options: { skewSeconds } } } },
    now,
    rules: [tokenAudience, tokenLifetime, tokenTenant],
  });
  const wanted = flags.vault?.toLowerCase();
  const findings = wanted === undefined ? result.findings : result.findings.filter((f) => (f.vaultId.split('/').pop() ?? '').toLowerCase() === wanted);
  if (findings.length === 0) throw new UsageError(`--vault ${flags.vault}: no vault of that name in ${flags.snapshot ?? 'the subscriptions read'}`);
  return findings;
}
