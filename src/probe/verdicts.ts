import { parseErrorResponse } from '../diagnose/error-response';
import { diagnoseError, type Diagnosis } from '../diagnose/explain-error';
import { CLOUDS } from '../model/cloud';
import type { Challenge, HttpOutcome, ProbeFinding, ProbeStep, ProbeTarget } from './types';

/**
 * What Key Vault's answers say. An unauthenticated request gets `401` with
 * `WWW-Authenticate: Bearer authorization="{authority}/{tenant}", resource="https://vault.azure.net"`: the
 * request crossed the network, TLS and the service, and the challenge names the vault's tenant and audience.
 * https://learn.microsoft.com/azure/key-vault/general/authentication-requests-and-responses
 */
function finding(
  step: ProbeStep,
  code: string,
  outcome: ProbeFinding['outcome'],
  message: string,
  rules: string[] = [],
  detail?: string[],
): ProbeFinding {
  return { step, code, outcome, message, rules, ...(detail && detail.length > 0 ? { detail } : {}) };
}

/** `Bearer authorization="…", resource="…"` (or `authorization_uri`, `scope` as some answers say). */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header || !/^\s*Bearer\b/i.test(header)) return undefined;
  const params = new Map<string, string>();
  for (const match of header.matchAll(/([A-Za-z_]+)\s*=\s*"([^"]*)"/g))
    params.set((match[1] ?? '').toLowerCase(), match[2] ?? '');
  const authorization = params.get('authorization') ?? params.get('authorization_uri');
  const resource = params.get('resource') ?? params.get('scope')?.replace(/\/\.default$/, '');
  if (!authorization || !resource) return undefined;
  let tenantId: string | undefined;
  try {
    tenantId = new URL(authorization).pathname.split('/').filter(Boolean)[0];
  } catch {
    tenantId = undefined;
  }
  return { authorization, resource, tenantId };
}

export function kebab(value: string): string {
  return value.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** `KV201-KV205 (DNS ...)` → KV201..KV205; `KV301 firewall-allows-caller` → KV301. */
export function ruleIds(lines: readonly string[]): string[] {
  const ids = new Set<string>();
  for (const line of lines) {
    const range = /^KV(\d{3})-KV(\d{3})/.exec(line);
    if (range) for (let n = Number(range[1]); n <= Number(range[2]); n++) ids.add(`KV${n}`);
    else for (const m of line.matchAll(/\bKV\d{3}\b/g)) ids.add(m[0]);
  }
  return [...ids];
}

export function diagnosisOf(outcome: Extract<HttpOutcome, { kind: 'response' }>): Diagnosis {
  let body: unknown = outcome.body;
  try {
    body = JSON.parse(outcome.body);
  } catch {
    // A non-JSON body (a proxy's page) is kept as text.
  }
  return diagnoseError(parseErrorResponse(JSON.stringify({ status: outcome.status, headers: outcome.headers, body })));
}

function diagnosisDetail(d: Diagnosis): string[] {
  return [...d.meaning, ...d.commands.map((c) => `run: ${c}`)];
}

/** The unauthenticated request: did it reach Key Vault, and does the challenge name the vault's tenant and audience? */
export function challengeFindings(
  target: ProbeTarget,
  outcome: HttpOutcome,
  where: string,
  timeoutMs: number,
): { findings: ProbeFinding[]; challenge?: Challenge } {
  if (outcome.kind === 'error') return { findings: [networkFinding(target, outcome, where, timeoutMs)] };
  const challenge = outcome.status === 401 ? parseChallenge(outcome.headers['www-authenticate']) : undefined;
  if (challenge) {
    const connected = finding(
      'connect',
      'connect-ok',
      'pass',
      `HTTPS to ${where} as ${target.fqdn}: Key Vault answered 401 with its Bearer challenge, so the network path works`,
    );
    return { findings: [connected, ...compareChallenge(target, challenge)], challenge };
  }
  if (outcome.status === 403) {
    const d = diagnosisOf(outcome);
    return {
      findings: [
        finding(
          'connect',
          `connect-${kebab(d.kind)}`,
          'fail',
          `HTTPS to ${where} as ${target.fqdn}: ${d.summary}`,
          ruleIds(d.rules),
          diagnosisDetail(d),
        ),
      ],
    };
  }
  return {
    findings: [
      finding(
        'challenge',
        'challenge-missing',
        'fail',
        `HTTPS to ${where} as ${target.fqdn}: HTTP ${outcome.status} without Key Vault's Bearer challenge: something else answers at this address (a proxy, a firewall's block page, another service)`,
      ),
    ],
  };
}

function compareChallenge(target: ProbeTarget, challenge: Challenge): ProbeFinding[] {
  const findings: ProbeFinding[] = [];
  const vaultTenant = target.estate?.tenantId;
  if (vaultTenant && challenge.tenantId?.toLowerCase() !== vaultTenant.toLowerCase()) {
    findings.push(
      finding(
        'challenge',
        'challenge-tenant-mismatch',
        'fail',
        `the challenge names tenant ${challenge.tenantId ?? '(none)'} (authorization ${challenge.authorization}) but the estate says ${target.vaultName} belongs to tenant ${vaultTenant}: the vault or its subscription moved tenant, or another vault answers at this address; tokens from ${vaultTenant} get 401 AKV10032 Invalid issuer, see KV403`,
        ['KV403'],
      ),
    );
  }
  if (challenge.resource.replace(/\/+$/, '') !== target.audience) {
    findings.push(
      finding(
        'challenge',
        'challenge-resource-mismatch',
        'fail',
        `the challenge asks for tokens for ${challenge.resource}, not ${target.audience} (${target.kind === 'managedHsm' ? 'managed HSM' : 'Key Vault'} in ${target.cloud}): the name points at another service or cloud, see KV401`,
        ['KV401'],
      ),
    );
  }
  if (findings.length > 0) return findings;
  const authority = CLOUDS[target.cloud].authorityHost;
  const tenant = vaultTenant ? "the vault's tenant" : 'tenant not compared: no estate given';
  const authorityNote = challenge.authorization.toLowerCase().startsWith(authority)
    ? ''
    : ` (not ${authority}: another cloud's authority)`;
  return [
    finding(
      'challenge',
      'challenge-ok',
      'pass',
      `challenge: authorization ${challenge.authorization} (${tenant})${authorityNote}, resource ${challenge.resource} (the audience for ${target.cloud})`,
    ),
  ];
}

function networkFinding(
  target: ProbeTarget,
  outcome: Extract<HttpOutcome, { kind: 'error' }>,
  where: string,
  timeoutMs: number,
): ProbeFinding {
  switch (outcome.code) {
    case 'ECONNREFUSED':
      return finding(
        'connect',
        'connect-refused',
        'fail',
        `connection to ${where} refused: nothing listens there, so it is not (or no longer) the vault's endpoint; compare it with the private endpoint's address, see KV205`,
        ['KV205'],
      );
    case 'ETIMEDOUT':
      return finding(
        'connect',
        'connect-timeout',
        'fail',
        `no answer from ${where} within ${timeoutMs} ms: an NSG, a route table sending the traffic to a firewall, or a missing VNet peering drops it`,
      );
    case 'ECONNRESET':
      return finding(
        'connect',
        'connect-reset',
        'fail',
        `the connection to ${where} was reset: a firewall or proxy on the way closed it`,
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return finding(
        'connect',
        'connect-unreachable',
        'fail',
        `no route to ${where} (${outcome.code}): this machine's network cannot reach that address (missing peering or route)`,
      );
    default:
      if (/CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO/i.test(outcome.code)) {
        return finding(
          'connect',
          'connect-tls',
          'fail',
          `TLS with ${where} as ${target.fqdn} failed (${outcome.code}: ${outcome.message}): a TLS-inspecting proxy or firewall whose CA this machine does not trust, or not Key Vault at this address`,
        );
      }
      return finding(
        'connect',
        'connect-error',
        'fail',
        `request to ${where} failed (${outcome.code}: ${outcome.message})`,
      );
  }
}

/** The authenticated read: 200, or Key Vault's error classified by `kvguard diagnose --error`'s rules. */
export function readFindings(
  outcome: HttpOutcome,
  what: string,
  who: string,
  where: string,
  target: ProbeTarget,
  timeoutMs: number,
): ProbeFinding[] {
  if (outcome.kind === 'error') {
    const network = networkFinding(target, outcome, where, timeoutMs);
    return [{ ...network, step: 'read', code: network.code.replace(/^connect-/, 'read-') }];
  }
  if (outcome.status >= 200 && outcome.status < 300)
    return [
      finding(
        'read',
        'read-ok',
        'pass',
        `${what} as ${who}: HTTP ${outcome.status}: the caller reaches the vault and holds the permission`,
      ),
    ];
  const d = diagnosisOf(outcome);
  return [
    finding(
      'read',
      `read-${kebab(d.kind)}`,
      'fail',
      `${what} as ${who}: ${d.summary}`,
      ruleIds(d.rules),
      diagnosisDetail(d),
    ),
  ];
}
