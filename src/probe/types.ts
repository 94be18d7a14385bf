import type { CloudName } from '../model/cloud';
import type { VaultKind } from '../model/types';

/**
 * `kvguard probe`: what the command tests from where it runs (DNS, the network path, Key Vault's 401
 * challenge, optionally one authenticated read) and the findings it draws. Findings are data, rendered by
 * src/probe/render.ts; they never hold a token.
 */
export type ProbeStep = 'dns' | 'connect' | 'challenge' | 'read';
export type ProbeOutcome = 'pass' | 'fail' | 'warn' | 'skipped';

export interface ProbeFinding {
  step: ProbeStep;
  /** Stable, e.g. `dns-public-address`, `connect-refused`, `challenge-tenant-mismatch`, `read-forbidden-by-firewall`. */
  code: string;
  outcome: ProbeOutcome;
  /** One sentence: what was found against what was expected, and which link is broken. */
  message: string;
  /** The kvguard rules that check the broken link (`kvguard explain KV203`). */
  rules: string[];
  /** More lines for people: what it means, what to run next. */
  detail?: string[];
}

/** The vault as the probe sees it: its names, and what the estate (when given) says its path should be. */
export interface ProbeTarget {
  vaultName: string;
  kind: VaultKind;
  cloud: CloudName;
  /** `{name}.vault.azure.net` (or the vault's `vaultUri` host). */
  fqdn: string;
  /** `{name}.privatelink.vaultcore.azure.net`: where public DNS points the name once a private endpoint exists. */
  privateLinkFqdn: string;
  zoneName: string;
  /** `https://vault.azure.net` for the cloud and kind: the challenge's `resource`, the token's audience. */
  audience: string;
  /** Undefined when no estate was given (`--vault NAME` alone). */
  estate?: EstateView;
}

export interface EstateView {
  vaultId: string;
  tenantId: string | undefined;
  publicNetworkAccess: string | undefined;
  /** The vault has at least one Approved private endpoint connection. */
  approvedEndpoint: boolean;
  /** Private IPs of the vault's private endpoint NICs. */
  endpointAddresses: string[];
  /** Zones with the required name, with their A record for the vault and the VNets linked to them. */
  zones: { id: string; recordAddresses: string[] | undefined; linkedVnets: string[] }[];
}

export type DnsFailure = 'nxdomain' | 'nodata' | 'timeout' | 'refused' | 'servfail' | 'error';

export type Resolution =
  | { ok: true; server: string; chain: string[]; addresses: string[] }
  | { ok: false; server: string; chain: string[]; failedName: string; failure: DnsFailure; detail: string };

export type HttpOutcome =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'error'; code: string; message: string };

export interface Challenge {
  authorization: string;
  resource: string;
  tenantId: string | undefined;
}

export interface ProbeReport {
  target: ProbeTarget;
  expectPrivate: boolean;
  resolution?: Resolution;
  connect?: { address: string; port: number; status?: number };
  challenge?: Challenge;
  findings: ProbeFinding[];
}
