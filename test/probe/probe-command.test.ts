import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import * as identity from '../../src/emulator/identity';
import type { RunningEmulator } from '../../src/emulator';
import { TENANT } from '../../src/fixtures/arm-factory';
import type { ProbeFinding } from '../../src/probe/types';
import { runCli, type CliRun } from '../support/run-cli';
import { emulatorWithIdentity } from '../emulator/support';
import { startDnsServer, type TestDnsServer } from './support/dns-server';
import { ENDPOINT_IP, OTHER_TENANT, probeEstate, writeJson } from './support/estate';

/**
 * `kvguard probe` end to end: a real DNS server on loopback (test/probe/support/dns-server.ts), the emulator's
 * data plane over TLS with its CA, and DefaultAzureCredential through the emulator's managed identity.
 */
let emulator: RunningEmulator;
let dns: TestDnsServer;
let snapshot: string;
let port: string;
const outputs: string[] = [];
const tokens: string[] = [];

const KV = 'kv-payments-prod';
const FQDN = `${KV}.vault.azure.net`;
const PRIVATE_LINK = `${KV}.privatelink.vaultcore.azure.net`;
const PUBLIC_IP = '52.174.34.10';

beforeAll(async () => {
  // Every bearer token the data plane receives, to prove none reaches an output.
  const check = identity.checkAuthorization;
  jest.spyOn(identity, 'checkAuthorization').mockImplementation((header, now) => {
    const bearer = /^Bearer\s+(\S+)/i.exec(header ?? '')?.[1];
    if (bearer) tokens.push(bearer);
    return check(header, now);
  });
  const estate = probeEstate();
  emulator = await emulatorWithIdentity(estate.emulatorSeed, { dataPlane: true });
  port = new URL(emulator.dataPlaneEndpoint ?? '').port;
  snapshot = writeJson(estate.snapshot);
  dns = await startDnsServer({ [FQDN]: { cname: PRIVATE_LINK }, [PRIVATE_LINK]: { a: [ENDPOINT_IP] } });
});

afterAll(async () => {
  await dns.stop();
  await emulator.stop();
});

async function probe(args: string[]): Promise<CliRun & { findings: Omit<ProbeFinding, 'detail'>[] }> {
  const run = await runCli(['probe', '--snapshot', snapshot, '--timeout', '1500', ...args, '--format', 'json']);
  outputs.push(run.stdout, run.stderr);
  const report = run.stdout ? (JSON.parse(run.stdout) as { findings: ProbeFinding[] }) : { findings: [] };
  return { ...run, findings: report.findings.map(({ detail: _detail, ...rest }) => rest) };
}

const viaEmulator = (): string[] => ['--address', '127.0.0.1', '--port', port, '--ca-cert', emulator.caCertPath];
const where = (): string => `127.0.0.1:${port}`;
const connected = (fqdn = FQDN): Omit<ProbeFinding, 'detail'> => ({
  step: 'connect',
  code: 'connect-ok',
  outcome: 'pass',
  message: `HTTPS to ${where()} as ${fqdn}: Key Vault answered 401 with its Bearer challenge, so the network path works`,
  rules: [],
});
const challengeOk = (tenant = TENANT): Omit<ProbeFinding, 'detail'> => ({
  step: 'challenge',
  code: 'challenge-ok',
  outcome: 'pass',
  message: `challenge: authorization https://login.microsoftonline.com/${tenant} (the vault's tenant), resource https://vault.azure.net (the audience for AzureCloud)`,
  rules: [],
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const free = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

describe('kvguard probe', () => {
  it('healthy: CNAME to the privatelink name, A = the endpoint address, challenge with the vault tenant and audience', async () => {
    const run = await probe(['--vault', KV, '--dns-server', dns.address, ...viaEmulator()]);
    expect(run.findings).toEqual([
      {
        step: 'dns',
        code: 'dns-private-endpoint',
        outcome: 'pass',
        message: `${FQDN} → CNAME ${PRIVATE_LINK} → A ${ENDPOINT_IP}: the private endpoint's address`,
        rules: [],
      },
      connected(),
      challengeOk(),
    ]);
    expect(run.code).toBe(0);
    expect(dns.queries).toEqual(
      expect.arrayContaining([`CNAME ${FQDN}`, `CNAME ${PRIVATE_LINK}`, `A ${PRIVATE_LINK}`]),
    );
  });

  it('stale A record: another private address than the endpoint NIC names KV205', async () => {
    dns.set(PRIVATE_LINK, { a: ['10.1.1.9'] });
    try {
      const run = await probe(['--vault', KV, '--dns-server', dns.address, ...viaEmulator()]);
      expect(run.findings[0]).toEqual({
        step: 'dns',
        code: 'dns-stale-address',
        outcome: 'fail',
        message: `${FQDN} → CNAME ${PRIVATE_LINK} → A 10.1.1.9: 10.1.1.9 is not the private endpoint's address (${ENDPOINT_IP}); the audited zone's A record holds ${ENDPOINT_IP}, so this resolver answers from another copy of privatelink.vaultcore.azure.net (another zone linked to its VNet, or a DNS server's own zone), see KV205`,
        rules: ['KV205'],
      });
      expect(run.code).toBe(1);
    } finally {
      dns.set(PRIVATE_LINK, { a: [ENDPOINT_IP] });
    }
  });

  it('public answer from inside the VNet of a private-only vault names the unlinked zone (KV203)', async () => {
    dns.set(PRIVATE_LINK, { cname: 'data-prod-weu.vaultcore.azure.net' });
    dns.set('data-prod-weu.vaultcore.azure.net', { a: [PUBLIC_IP] });
    try {
      const run = await probe(['--vault', KV, '--dns-server', dns.address, ...viaEmulator()]);
      expect(run.findings[0]).toEqual({
        step: 'dns',
        code: 'dns-public-address',
        outcome: 'fail',
        message: `${FQDN} → CNAME ${PRIVATE_LINK} → CNAME data-prod-weu.vaultcore.azure.net → A ${PUBLIC_IP}: a public address where the private endpoint's address (${ENDPOINT_IP}) was expected: the zone privatelink.vaultcore.azure.net is not linked to this machine's VNet (it is linked to vnet-hub, vnet-spoke-${KV}), nor do its DNS servers forward to a linked VNet, see KV203`,
        rules: ['KV203'],
      });
      expect(run.code).toBe(1);
      // Outside the VNets (--no-expect-private) the same answer is only a warning.
      const outside = await probe([
        '--vault',
        KV,
        '--dns-server',
        dns.address,
        '--no-expect-private',
        ...viaEmulator(),
      ]);
      expect(outside.findings[0]).toMatchObject({ code: 'dns-public-address', outcome: 'warn', rules: ['KV203'] });
      expect(outside.code).toBe(0);
    } finally {
      dns.set(PRIVATE_LINK, { a: [ENDPOINT_IP] });
    }
  });

  it('NXDOMAIN for the vault name, and for the privatelink name (a linked zone without the record: KV204)', async () => {
    const run = await probe(['--vault', 'kv-open', '--dns-server', dns.address]);
    expect(run.findings).toEqual([
      {
        step: 'dns',
        code: 'dns-nxdomain',
        outcome: 'fail',
        message: `kv-open.vault.azure.net: NXDOMAIN from ${dns.address}: no such name: the vault name is misspelt or the vault was deleted, or this DNS server does not forward vault.azure.net`,
        rules: [],
      },
      {
        step: 'connect',
        code: 'connect-skipped',
        outcome: 'skipped',
        message: 'no address to connect to: DNS gave none for kv-open.vault.azure.net',
        rules: [],
      },
    ]);
    expect(run.code).toBe(1);
    dns.set(PRIVATE_LINK, undefined);
    try {
      const missing = await probe(['--vault', KV, '--dns-server', dns.address]);
      expect(missing.findings[0]).toEqual({
        step: 'dns',
        code: 'dns-nxdomain',
        outcome: 'fail',
        message: `${PRIVATE_LINK}: NXDOMAIN from ${dns.address} (after ${FQDN} → CNAME ${PRIVATE_LINK}): the zone privatelink.vaultcore.azure.net answers here but holds no A record ${KV}, see KV204`,
        rules: ['KV204'],
      });
    } finally {
      dns.set(PRIVATE_LINK, { a: [ENDPOINT_IP] });
    }
  });

  it('DNS timeout is a finding, not a crash', async () => {
    dns.drop('kv-firewalled.vault.azure.net');
    const run = await runCli([
      'probe',
      '--snapshot',
      snapshot,
      '--vault',
      'kv-firewalled',
      '--dns-server',
      dns.address,
      '--timeout',
      '300',
      '--format',
      'json',
    ]);
    outputs.push(run.stdout, run.stderr);
    expect((JSON.parse(run.stdout) as { findings: ProbeFinding[] }).findings).toEqual([
      {
        step: 'dns',
        code: 'dns-timeout',
        outcome: 'fail',
        message: `kv-firewalled.vault.azure.net: no answer from ${dns.address} within 300 ms: the DNS server is unreachable (an NSG or firewall drops port 53) or its forwarders do not answer`,
        rules: [],
      },
      {
        step: 'connect',
        code: 'connect-skipped',
        outcome: 'skipped',
        message: 'no address to connect to: DNS gave none for kv-firewalled.vault.azure.net',
        rules: [],
      },
    ]);
    expect(run.code).toBe(1);
  });

  it('403 ForbiddenByFirewall on the authenticated read names the firewall rule and the client address', async () => {
    const run = await probe(['--vault', 'kv-firewalled', '--authenticated', ...viaEmulator()]);
    expect(run.findings).toEqual([
      {
        step: 'dns',
        code: 'dns-skipped',
        outcome: 'skipped',
        message: 'not queried: --address 127.0.0.1 given without --dns-server',
        rules: [],
      },
      connected('kv-firewalled.vault.azure.net'),
      challengeOk(),
      {
        step: 'read',
        code: 'read-forbidden-by-firewall',
        outcome: 'fail',
        message:
          'GET /secrets as object id 3f9e4f5a-7c6b-4b8e-9f1d-2a3b4c5d6e7f (tenant 72f988bf-86f1-41af-91ab-2d7cd011db47): 403 ForbiddenByFirewall: the vault firewall refused client address 127.0.0.1',
        rules: ['KV301', 'KV201', 'KV202', 'KV203', 'KV204', 'KV205', 'KV302'],
      },
    ]);
    expect(run.code).toBe(1);
  });

  it('an authenticated read the firewall admits passes', async () => {
    const run = await probe(['--vault', 'kv-open', '--authenticated', ...viaEmulator()]);
    expect(run.findings.slice(1)).toEqual([
      connected('kv-open.vault.azure.net'),
      challengeOk(),
      {
        step: 'read',
        code: 'read-ok',
        outcome: 'pass',
        message: `GET /secrets as object id 3f9e4f5a-7c6b-4b8e-9f1d-2a3b4c5d6e7f (tenant ${TENANT}): HTTP 200: the caller reaches the vault and holds the permission`,
        rules: [],
      },
    ]);
    expect(run.code).toBe(0);
  });

  it('connection refused names the address, and skips the read', async () => {
    const closed = await freePort();
    const run = await probe(['--vault', KV, '--address', '127.0.0.1', '--port', String(closed), '--authenticated']);
    expect(run.findings.slice(1)).toEqual([
      {
        step: 'connect',
        code: 'connect-refused',
        outcome: 'fail',
        message: `connection to 127.0.0.1:${closed} refused: nothing listens there, so it is not (or no longer) the vault's endpoint; compare it with the private endpoint's address, see KV205`,
        rules: ['KV205'],
      },
      {
        step: 'read',
        code: 'read-skipped',
        outcome: 'skipped',
        message: `the network path to 127.0.0.1:${closed} failed: no authenticated read attempted`,
        rules: [],
      },
    ]);
    expect(run.code).toBe(1);
  });

  it('a certificate this machine does not trust is a TLS finding', async () => {
    const run = await probe(['--vault', KV, '--address', '127.0.0.1', '--port', port]);
    expect(run.findings[1]).toEqual({
      step: 'connect',
      code: 'connect-tls',
      outcome: 'fail',
      message: `TLS with ${where()} as ${FQDN} failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate): a TLS-inspecting proxy or firewall whose CA this machine does not trust, or not Key Vault at this address`,
      rules: [],
    });
  });

  it("wrong tenant in the challenge: the vault answers for another tenant than the estate's (KV403)", async () => {
    const run = await probe(['--vault', 'kv-moved', ...viaEmulator()]);
    expect(run.findings.slice(1)).toEqual([
      connected('kv-moved.vault.azure.net'),
      {
        step: 'challenge',
        code: 'challenge-tenant-mismatch',
        outcome: 'fail',
        message: `the challenge names tenant ${OTHER_TENANT} (authorization https://login.microsoftonline.com/${OTHER_TENANT}) but the estate says kv-moved belongs to tenant ${TENANT}: the vault or its subscription moved tenant, or another vault answers at this address; tokens from ${TENANT} get 401 AKV10032 Invalid issuer, see KV403`,
        rules: ['KV403'],
      },
    ]);
    expect(run.code).toBe(1);
  });

  it('without an estate: the name alone, the challenge read but its tenant not compared', async () => {
    const run = await runCli(['probe', '--vault', 'kv-open.vault.azure.net', ...viaEmulator(), '--format', 'json']);
    outputs.push(run.stdout, run.stderr);
    expect((JSON.parse(run.stdout) as { findings: ProbeFinding[] }).findings.slice(1)).toEqual([
      connected('kv-open.vault.azure.net'),
      {
        ...challengeOk(),
        message: `challenge: authorization https://login.microsoftonline.com/${TENANT} (tenant not compared: no estate given), resource https://vault.azure.net (the audience for AzureCloud)`,
      },
    ]);
    expect(run.code).toBe(0);
  });

  it('text output names the step, the rule to explain and what to run', async () => {
    const run = await runCli([
      'probe',
      '--snapshot',
      snapshot,
      '--vault',
      'kv-firewalled',
      '--authenticated',
      ...viaEmulator(),
    ]);
    outputs.push(run.stdout, run.stderr);
    expect(run.stdout).toContain(
      `kvguard probe kv-firewalled.vault.azure.net (/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-firewalled)`,
    );
    expect(run.stdout).toContain('FAIL     read       GET /secrets as object id');
    expect(run.stdout).toContain('rules: KV301, KV201, KV202, KV203, KV204, KV205, KV302 (kvguard explain KV301)');
    expect(run.stdout).toContain('run: kvguard audit --snapshot <estate.json> --caller-ip 127.0.0.1');
    expect(run.stdout).toContain('2 passed, 1 failed, 0 warnings, 1 skipped');
  });

  it('bad flags are one line and exit 2', async () => {
    const cases: [string[], string][] = [
      [
        ['--vault', KV, '--dns-server', 'dns.example'],
        'kvguard: --dns-server: expected IP or IP:PORT, found "dns.example"\n',
      ],
      [['--vault', KV, '--address', 'here'], 'kvguard: --address: expected an IP address, found "here"\n'],
      [['--vault', KV, '--port', '70000'], 'kvguard: --port: expected a whole number from 1 to 65535, found "70000"\n'],
      [
        ['--vault', 'kv-unknown'],
        `kvguard: --vault kv-unknown: no vault or managed HSM of that name in ${'SNAPSHOT'}\n`,
      ],
    ];
    for (const [args, stderr] of cases) {
      const run = await runCli(['probe', '--snapshot', snapshot, ...args]);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: stderr.replace('SNAPSHOT', snapshot) });
    }
  });

  it('never prints a token: no output holds any part of the tokens the probe sent, nor anything shaped like a JWT', () => {
    const all = outputs.join('\n');
    expect(outputs.length).toBeGreaterThan(20);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    for (const token of tokens) for (const part of token.split('.').slice(1)) expect(all).not.toContain(part);
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
    expect(all).not.toMatch(/Bearer [A-Za-z0-9_-]{20,}/);
  });
});
