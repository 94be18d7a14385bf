import { decodeJwt } from '../token/jwt';
import { dnsFindings } from './dns-verdict';
import type { ResolveOptions } from './resolve';
import type { ProbeRequest } from './request';
import type { HttpOutcome, ProbeFinding, ProbeReport, ProbeTarget, Resolution } from './types';
import { challengeFindings, readFindings } from './verdicts';

/**
 * The probe's steps, in the order a client meets them: DNS, the unauthenticated request and its challenge,
 * then (with a credential) one read. A step that cannot run says why (skipped). I/O comes in through
 * `ProbeIo`, so the CLI passes node:dns, node:https and DefaultAzureCredential and tests can pass others.
 */
export interface ProbeOptions {
  target: ProbeTarget;
  expectPrivate: boolean;
  /** DNS servers to ask (`ip[:port]`); none: the system's. */
  dnsServers?: string[];
  /** Connect here instead of the resolved address; without dnsServers, DNS is not queried at all. */
  address?: string;
  port: number;
  /** PEM CA(s) to trust for the vault's certificate instead of the system's. */
  ca?: string;
  timeoutMs: number;
  authenticated: boolean;
}

export interface ProbeIo {
  resolve(fqdn: string, options: ResolveOptions): Promise<Resolution>;
  send(request: ProbeRequest): Promise<HttpOutcome>;
  /** An access token for `scope`; its value never leaves the request it is put in. */
  getToken(scope: string, tenantId: string | undefined): Promise<string>;
}

export const API_VERSION = '7.5';

/** A read every data-plane role that can read anything may do: list one item's metadata. */
export function readPath(target: ProbeTarget): string {
  return `/${target.kind === 'managedHsm' ? 'keys' : 'secrets'}?api-version=${API_VERSION}&maxresults=1`;
}

function skipped(step: ProbeFinding['step'], code: string, message: string): ProbeFinding {
  return { step, code, outcome: 'skipped', message, rules: [] };
}

export async function runProbe(options: ProbeOptions, io: ProbeIo): Promise<ProbeReport> {
  const { target } = options;
  const report: ProbeReport = { target, expectPrivate: options.expectPrivate, findings: [] };
  const findings = report.findings;
  const queryDns = options.address === undefined || (options.dnsServers?.length ?? 0) > 0;
  if (queryDns) {
    report.resolution = await io.resolve(target.fqdn, {
      ...(options.dnsServers ? { servers: options.dnsServers } : {}),
      timeoutMs: options.timeoutMs,
    });
    for (const f of dnsFindings(target, report.resolution, options.expectPrivate, options.timeoutMs)) findings.push(f);
  } else {
    findings.push(
      skipped('dns', 'dns-skipped', `not queried: --address ${options.address} given without --dns-server`),
    );
  }
  const address = options.address ?? (report.resolution?.ok ? report.resolution.addresses[0] : undefined);
  if (address === undefined) {
    findings.push(skipped('connect', 'connect-skipped', `no address to connect to: DNS gave none for ${target.fqdn}`));
    if (options.authenticated) findings.push(skipped('read', 'read-skipped', 'no address to connect to'));
    return report;
  }
  const where = `${address}:${options.port}`;
  const path = readPath(target);
  const request: ProbeRequest = {
    address,
    port: options.port,
    hostname: target.fqdn,
    path,
    timeoutMs: options.timeoutMs,
    ...(options.ca ? { ca: options.ca } : {}),
  };
  const first = await io.send(request);
  report.connect = { address, port: options.port, ...(first.kind === 'response' ? { status: first.status } : {}) };
  const challenged = challengeFindings(target, first, where, options.timeoutMs);
  for (const f of challenged.findings) findings.push(f);
  if (challenged.challenge) report.challenge = challenged.challenge;
  if (!options.authenticated) return report;
  if (first.kind === 'error') {
    findings.push(
      skipped('read', 'read-skipped', `the network path to ${where} failed: no authenticated read attempted`),
    );
    return report;
  }
  const scope = `${target.audience}/.default`;
  let token: string;
  try {
    token = await io.getToken(scope, challenged.challenge?.tenantId ?? target.estate?.tenantId);
  } catch (thrown) {
    const cause = (thrown instanceof Error ? thrown.message : String(thrown)).replace(/\s+/g, ' ').slice(0, 300);
    findings.push({
      step: 'read',
      code: 'read-no-token',
      outcome: 'fail',
      message: `no token for ${scope} from DefaultAzureCredential (az login, managed identity or AZURE_* environment): ${cause}`,
      rules: [],
    });
    return report;
  }
  const answer = await io.send({ ...request, bearer: token });
  const read = readFindings(
    answer,
    `GET ${path.split('?')[0] ?? path}`,
    callerOf(token),
    where,
    target,
    options.timeoutMs,
  );
  for (const f of read) findings.push(f);
  return report;
}

/** Who the token says the caller is (claims decoded locally; the token itself is never shown). */
function callerOf(token: string): string {
  try {
    const { claims } = decodeJwt(token);
    const id = claims.oid ?? claims.appid;
    return id ? `object id ${id}${claims.tid ? ` (tenant ${claims.tid})` : ''}` : "the credential's identity";
  } catch {
    return "the credential's identity";
  }
}
