import { Command, Option } from 'commander';
import * as fs from 'node:fs';
import { isIP } from 'node:net';
import { EXIT } from '../../engine/gate';
import type { ProbeTarget } from '../../probe/types';
import { UsageError } from '../../errors';
import { setExitCode } from '../main';
import { repeatable } from '../repeatable';
import { SourceFlags, SourceOptionSet, addSourceOptions, sourceOf } from '../source';

/**
 * `kvguard probe --vault NAME`: tests the access path from where it runs. Resolves the vault's name (CNAME
 * chain, then A) and compares the answer with the private endpoint's address from the estate; sends an
 * unauthenticated request and reads Key Vault's 401 challenge; with --authenticated, one read with a token
 * from DefaultAzureCredential, its answer classified like `kvguard diagnose --error`. The token is never printed.
 */
interface ProbeFlags extends SourceFlags {
  vault: string;
  dnsServer: string[];
  expectPrivate?: boolean;
  authenticated?: boolean;
  timeout: string;
  format: 'text' | 'json';
  address?: string;
  port: string;
}

/** --vault names the vault to probe and --ca-cert also trusts its certificate: probe declares both itself. */
const PROBE_SOURCE: SourceOptionSet = {
  command: 'probe',
  snapshot: true,
  scale: false,
  skipReads: false,
  own: ['vault', 'ca-cert', 'timeout'],
  help: {
    snapshot: 'the estate to compare with (private endpoint address, tenant, zone links), from a snapshot file',
    subscription: 'the estate to compare with, from live ARM (repeat, or a comma list)',
    'resource-group': 'live: only this resource group',
    cloud: 'the Azure cloud (without an estate, or for live ARM)',
  },
};
const ADVANCED = 'Testing and advanced options:';

const EXAMPLES = `
Findings name the broken link and the rule that checks it (kvguard explain KV203). Exit code: 0 when no
finding fails, 1 when one does, 2 on bad flags or input.

Examples:
  # from a VM in the spoke: DNS, network path and challenge, compared with the estate
  kvguard probe --vault kv-payments-prod --snapshot estate.json
  # ask a given DNS server (a hub resolver) and read one page with the machine's identity
  kvguard probe --vault kv-payments-prod --subscription <id> --dns-server 10.0.0.4 --authenticated
  # against the emulator's data plane (kvguard emulator ... with the data plane on)
  kvguard probe --vault kv1 --snapshot seed.json --address 127.0.0.1 --port <data-plane port> --ca-cert ca.pem`;

export function register(program: Command): void {
  const probed = program
    .command('probe')
    .description(
      "test the vault's access path from this machine: DNS answer vs the private endpoint, the network path (Key Vault's 401 challenge), optionally one authenticated read",
    )
    .requiredOption('--vault <name>', 'the vault (or managed HSM) name, or its host name (kv1.vault.azure.net)');
  addSourceOptions(probed, PROBE_SOURCE)
    .option(
      '--dns-server <ip[:port]>',
      "ask this DNS server instead of the system's (repeat for several)",
      repeatable,
      [],
    )
    .option(
      '--expect-private',
      "the answer must be the private endpoint's address (default: when the estate says the vault has an approved private endpoint and public network access Disabled)",
    )
    .option('--no-expect-private', 'accept a public answer (this machine is outside the VNets)')
    .option(
      '--authenticated',
      'also read once (list secrets, maxresults=1) with a token from DefaultAzureCredential; the token is never printed',
    )
    .option('--timeout <ms>', 'per DNS query and per HTTPS request', '5000')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(
      new Option(
        '--address <ip>',
        'connect to this address instead of the resolved one; without --dns-server, DNS is not queried',
      ).helpGroup(ADVANCED),
    )
    .addOption(new Option('--port <n>', 'HTTPS port').default('443').helpGroup(ADVANCED))
    .addOption(
      new Option(
        '--ca-cert <file>',
        "PEM CA to trust for the vault's certificate (and --endpoint's): the emulator's ca.pem",
      ).helpGroup(ADVANCED),
    )
    .addHelpText('after', EXAMPLES)
    .action(async (flags: ProbeFlags, command: Command) => {
      setExitCode(command, await probe(flags));
    });
}

function whole(value: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new UsageError(`${flag}: expected a whole number from ${min} to ${max}, found ${JSON.stringify(value)}`);
  return Number(value);
}

/** `ip`, `ip:port` or `[ipv6]:port`, as node:dns setServers takes them. */
function checkDnsServer(value: string): string {
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(value) ?? /^([^:]+)(?::(\d+))?$/.exec(value);
  const host = match?.[1] ?? value;
  if (!isIP(host) || (match?.[2] !== undefined && (Number(match[2]) < 1 || Number(match[2]) > 65535))) {
    throw new UsageError(`--dns-server: expected IP or IP:PORT, found ${JSON.stringify(value)}`);
  }
  return value;
}

export async function probe(flags: ProbeFlags): Promise<number> {
  const timeoutMs = whole(flags.timeout, '--timeout', 50, 120000);
  const port = whole(flags.port, '--port', 1, 65535);
  if (flags.address !== undefined && !isIP(flags.address))
    throw new UsageError(`--address: expected an IP address, found ${JSON.stringify(flags.address)}`);
  const dnsServers = flags.dnsServer.map(checkDnsServer);
  let ca: string | undefined;
  if (flags.caCert !== undefined) {
    if (!fs.existsSync(flags.caCert)) throw new UsageError(`--ca-cert ${flags.caCert}: no such file`);
    ca = fs.readFileSync(flags.caCert, 'utf8');
  }
  const target = await loadTarget(flags);
  const [{ runProbe }, { expectsPrivate }, { resolveName }, { sendRequest }, { renderProbe }] = await Promise.all([
    import('../../probe/run'),
    import('../../probe/target'),
    import('../../probe/resolve'),
    import('../../probe/request'),
    import('../../probe/render'),
  ]);
  const report = await runProbe(
    {
      target,
      expectPrivate: expectsPrivate(target, flags.expectPrivate),
      ...(dnsServers.length > 0 ? { dnsServers } : {}),
      ...(flags.address !== undefined ? { address: flags.address } : {}),
      port,
      ...(ca !== undefined ? { ca } : {}),
      timeoutMs,
      authenticated: Boolean(flags.authenticated),
    },
    { resolve: resolveName, send: sendRequest, getToken: tokenFromDefaultCredential },
  );
  process.stdout.write(renderProbe(report, flags.format));
  return report.findings.some((f) => f.outcome === 'fail') ? EXIT.findings : EXIT.ok;
}

async function tokenFromDefaultCredential(scope: string, tenantId: string | undefined): Promise<string> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  // The tenant the challenge names, as the Key Vault SDKs pass it: a credential signed in elsewhere asks that tenant.
  const token = await new DefaultAzureCredential().getToken(scope, tenantId ? { tenantId } : {});
  if (!token) throw new Error('the credential returned no token');
  return token.token;
}

/** The vault from the estate (snapshot or live ARM), or from its name alone when no source is given. */
async function loadTarget(flags: ProbeFlags): Promise<ProbeTarget> {
  const { targetFromEstate, targetFromName } = await import('../../probe/target');
  const hasSource = flags.snapshot !== undefined || flags.subscription.length > 0;
  if (!hasSource) {
    const target = targetFromName(flags.vault, flags.cloud ?? 'AzureCloud');
    if (!target)
      throw new UsageError(
        `--vault: expected a vault name or its host name (kv1.vault.azure.net), found ${JSON.stringify(flags.vault)}`,
      );
    return target;
  }
  const { loadSource } = await import('../load-source');
  const { estate } = await loadSource(sourceOf(sourceFlags(flags), undefined, PROBE_SOURCE));
  const target = targetFromEstate(estate, flags.vault);
  if (!target)
    throw new UsageError(
      `--vault ${flags.vault}: no vault or managed HSM of that name in ${flags.snapshot ?? 'the subscriptions read'}`,
    );
  return target;
}

/**
 * Live: the vault's name narrows the read, and --cloud, --endpoint and --ca-cert reach ARM. A snapshot is
 * searched whole for the vault, so those are not passed (--cloud and --ca-cert still serve the probe itself).
 */
function sourceFlags(flags: ProbeFlags): SourceFlags {
  if (flags.snapshot === undefined) return { ...flags, vault: flags.vault.split('.')[0] };
  return { snapshot: flags.snapshot, subscription: flags.subscription };
}
