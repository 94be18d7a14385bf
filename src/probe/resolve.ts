import { Resolver } from 'node:dns/promises';
import type { DnsFailure, Resolution } from './types';

/**
 * Resolves a vault name the way a client in this place does, one step at a time so the chain is visible:
 * CNAMEs first (`kv1.vault.azure.net` → `kv1.privatelink.vaultcore.azure.net` → ...), then A on the last
 * name. Asking each name separately also tells which name failed: NXDOMAIN on the privatelink name means a
 * private zone answered without the vault's record. Uses the system's DNS servers (/etc/resolv.conf) or
 * `servers` (`ip`, `ip:port`, `[ipv6]:port`). Failures are returned, never thrown.
 */
export interface ResolveOptions {
  servers?: string[];
  timeoutMs: number;
}

const MAX_CNAMES = 8;

export function createResolver(options: ResolveOptions): Resolver {
  const resolver = new Resolver({ timeout: options.timeoutMs, tries: 1 });
  if (options.servers && options.servers.length > 0) resolver.setServers(options.servers);
  return resolver;
}

export async function resolveName(fqdn: string, options: ResolveOptions): Promise<Resolution> {
  const resolver = createResolver(options);
  const server = resolver.getServers().join(', ') || '(none configured)';
  const chain = [fqdn];
  let name = fqdn;
  for (let step = 0; step < MAX_CNAMES; step++) {
    let targets: string[];
    try {
      targets = await resolver.resolveCname(name);
    } catch (thrown) {
      const failure = failureOf(thrown);
      if (failure === 'nodata') break;
      return { ok: false, server, chain, failedName: name, failure, detail: detailOf(thrown) };
    }
    const next = targets[0]?.toLowerCase().replace(/\.$/, '');
    if (!next || chain.includes(next)) break;
    chain.push(next);
    name = next;
  }
  try {
    const addresses = await resolver.resolve4(name);
    return { ok: true, server, chain, addresses };
  } catch (thrown) {
    return { ok: false, server, chain, failedName: name, failure: failureOf(thrown), detail: detailOf(thrown) };
  }
}

function failureOf(thrown: unknown): DnsFailure {
  switch ((thrown as NodeJS.ErrnoException).code) {
    case 'ENOTFOUND':
      return 'nxdomain';
    case 'ENODATA':
      return 'nodata';
    case 'ETIMEOUT':
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ECONNREFUSED':
    case 'EREFUSED':
      return 'refused';
    case 'ESERVFAIL':
      return 'servfail';
    default:
      return 'error';
  }
}

function detailOf(thrown: unknown): string {
  const error = thrown as NodeJS.ErrnoException;
  return error.code ?? error.message ?? String(thrown);
}
