import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectLive } from '../../src/collect';
import type { LiveOptions } from '../../src/collect/types';
import { runAudit } from '../../src/cli/pipeline';
import { exitCode } from '../../src/engine/gate';
import type { RunResult } from '../../src/engine/types';
import { DEFAULT_CALLER } from '../../src/model/caller';
import { HUB_SUB } from '../../src/fixtures/scenario';
import { generateEstate } from '../../bench/generate-estate';
import { runCli } from '../support/run-cli';
import { tempDir } from '../support/temp-dir';
import { liveOptions, withEmulator } from './live-support';

/**
 * The fault matrix (issue 16) over the emulator's fault grammar (src/emulator/faults.ts), on a five-vault
 * estate in two spoke subscriptions and a hub: every recoverable fault gives exactly the fault-free findings;
 * every unrecoverable one ends (within the run's deadline), exits 2, and still names every vault it could list.
 * docs/reliability.md records the same matrix on 200 vaults (bench/fault-matrix.ts).
 */
const NOW = new Date('2026-03-01T00:00:00Z');
const estate = generateEstate({ vaults: 5, subscriptions: 2 });
const SUBSCRIPTIONS = estate.subscriptions;
const VAULT_IDS = estate.resources
  .filter((r) => /^microsoft\.keyvault\/(vaults|managedhsms)$/i.test(r.type))
  .map((r) => r.id.toLowerCase())
  .sort();
const { dir } = tempDir('kvguard-faults');

/** Short waits: the matrix is about outcomes, not about how long ARM asks us to wait. */
function fast(emulatorOptions: Parameters<typeof liveOptions>[0], extra: Partial<LiveOptions> = {}): LiveOptions {
  return liveOptions(emulatorOptions, SUBSCRIPTIONS, {
    retry: { baseDelayMs: 10, maxDelayMs: 100 },
    fate: { attemptTimeoutMs: 5_000 },
    ...extra,
  });
}

async function audit(options: LiveOptions): Promise<{ result: RunResult; code: number }> {
  const { result } = await runAudit({ source: { kind: 'live', options }, caller: DEFAULT_CALLER, now: NOW });
  return { result, code: exitCode(result, 'error', false) };
}

const shape = (result: RunResult) =>
  result.findings.map((f) => `${f.ruleId} ${f.outcome} ${f.vaultId.toLowerCase()} ${f.resourceId} ${f.message}`);

const vaultsIn = (result: RunResult) => [...new Set(result.findings.map((f) => f.vaultId.toLowerCase()))].sort();

let baseline: { result: RunResult; code: number };

beforeAll(async () => {
  baseline = await withEmulator(estate.resources, {}, (emulator) => audit(fast(emulator)));
});

test('the fault-free run is complete and names every vault', () => {
  expect(baseline.result.summary.complete).toBe(true);
  expect(vaultsIn(baseline.result)).toEqual(VAULT_IDS);
});

describe('recoverable faults: findings identical to the fault-free run', () => {
  test.each([
    ['429 with Retry-After', 'seed=3,429@0.3:retry=1s'],
    ['429 without Retry-After', 'seed=3,429-noretry@0.3'],
    ['500', 'seed=3,500@0.2'],
    ['502', 'seed=4,502@0.2'],
    ['503', 'seed=5,503@0.2'],
    ['504', 'seed=6,504@0.2'],
    ['connection resets', 'seed=3,reset@0.2'],
    ['truncated bodies', 'seed=3,truncate@0.2'],
    ['slow pages under the attempt timeout', 'seed=3,slowpage@0.3:50ms'],
    // README's mixed line, truncation included (it ended incomplete before issue 16).
    ['mixed', 'seed=42,429@0.05:retry=1s,500@0.02,reset@0.01,truncate@0.01,slowpage@0.02:200ms'],
  ])('%s (%s)', async (_name, faults) => {
    const run = await withEmulator(estate.resources, { faults }, (emulator) => audit(fast(emulator)));
    expect(run.result.notices).toEqual(baseline.result.notices);
    expect(shape(run.result)).toEqual(shape(baseline.result));
    expect(run.result.summary.complete).toBe(true);
    expect(run.code).toBe(baseline.code);
  });

  test('a page slower than the attempt timeout is cancelled and asked again', async () => {
    const run = await withEmulator(estate.resources, { faults: 'seed=9,slowpage@0.2:10s' }, (emulator) =>
      audit(fast(emulator, { fate: { attemptTimeoutMs: 300 } })),
    );
    expect(shape(run.result)).toEqual(shape(baseline.result));
  });
});

describe('unrecoverable faults: the run ends, exit 2, every listed vault in the report, never a fail for what was not read', () => {
  test('a permanent 429 without Retry-After on one resource type (NICs)', async () => {
    const faults = '429-noretry:type=microsoft.network/networkinterfaces';
    const run = await withEmulator(estate.resources, { faults }, (emulator) => audit(fast(emulator)));
    expect(run.code).toBe(2);
    expect(run.result.summary.complete).toBe(false);
    expect(vaultsIn(run.result)).toEqual(VAULT_IDS);
    // The spokes' vaults depend on their subscription's NIC list: each is error, naming status and request.
    const nicErrors = run.result.findings.filter(
      (f) => f.outcome === 'error' && /could not list network interfaces: 429 /.test(f.message),
    );
    expect(new Set(nicErrors.map((f) => f.vaultId.toLowerCase()))).toEqual(new Set(VAULT_IDS));
    expect(nicErrors[0]?.message).toMatch(
      /\(GET \/subscriptions\/[0-9a-f-]+\/providers\/Microsoft.Network\/networkInterfaces\)$/,
    );
    expect(run.result.findings.filter((f) => f.outcome === 'fail' && /network interface|NIC/i.test(f.message))).toEqual(
      [],
    );
  });

  test("the hub's zone list fails: KV202 is error in every subscription, never fail", async () => {
    const run = await withEmulator(estate.resources, { faults: `403:sub=${HUB_SUB}` }, (emulator) =>
      audit(fast(emulator)),
    );
    expect(run.code).toBe(2);
    const kv202 = run.result.findings.filter((f) => f.ruleId === 'KV202');
    expect(kv202.length).toBeGreaterThan(0);
    expect(kv202.filter((f) => f.outcome === 'fail')).toEqual([]);
    expect(new Set(kv202.map((f) => f.vaultId.toLowerCase()))).toEqual(new Set(VAULT_IDS));
    expect(run.result.notices.some((n) => n.level === 'error' && /403 AuthorizationFailed/.test(n.message))).toBe(true);
  });

  test('pages that never answer: the deadline ends the run and marks what is missing error', async () => {
    const faults = 'slowpage:type=microsoft.network/networkinterfaces:8s';
    const run = await withEmulator(estate.resources, { faults }, (emulator) =>
      audit(fast(emulator, { timeoutMs: 2000, fate: { attemptTimeoutMs: 60_000 } })),
    );
    expect(run.code).toBe(2);
    expect(vaultsIn(run.result)).toEqual(VAULT_IDS);
    expect(run.result.notices.map((n) => n.message)).toEqual(
      expect.arrayContaining([
        'the run reached its deadline (--timeout 2s): requests still waiting were cancelled, and what they would have read is reported as error',
        expect.stringMatching(/could not list network interfaces: not read before the run's deadline \(--timeout 2s\)/),
      ]),
    );
  });

  test('every list fails (500): the cause is named, never "no vault found"', async () => {
    const run = await withEmulator(estate.resources, { faults: '500' }, (emulator) => audit(fast(emulator)));
    expect(run.code).toBe(2);
    expect(run.result.summary.complete).toBe(false);
    expect(run.result.notices.map((n) => n.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^subscription ${SUBSCRIPTIONS[0]}: could not list key vaults: 500 .+ \\(GET /subscriptions/${SUBSCRIPTIONS[0]}/providers/Microsoft.KeyVault/vaults\\)$`,
          ),
        ),
      ]),
    );
  });

  test('a dead endpoint: the host circuit opens, so the run makes a bounded number of attempts', async () => {
    await withEmulator(estate.resources, {}, async (emulator) => {
      const dead = fast(emulator, { endpoint: 'https://127.0.0.1:1' });
      const collected = await collectLive(dead);
      const attempts = Object.values(collected.requests).reduce((a, b) => a + b, 0);
      // Six lists per subscription, three subscriptions: without the breaker 18 × 5 attempts.
      expect(attempts).toBeLessThanOrEqual(18 + 8);
      expect(collected.notices.filter((n) => n.level === 'error').length).toBeGreaterThan(0);
      expect(collected.notices.map((n) => n.message).join('\n')).toMatch(/ECONNREFUSED|circuit open/);
    });
  });
});

test('kvguard audit under a permanent fault on one type: ends within --timeout, exit 2, complete:false, every report written', async () => {
  await withEmulator(
    estate.resources,
    { faults: '429-noretry:type=microsoft.network/networkinterfaces' },
    async (emulator) => {
      const file = (name: string) => path.join(dir, name);
      const run = await runCli([
        'audit',
        ...SUBSCRIPTIONS.flatMap((s) => ['--subscription', s]),
        '--endpoint',
        emulator.endpoint,
        '--ca-cert',
        emulator.caCertPath,
        '--timeout',
        '5s',
        '--output',
        file('report.txt'),
        ...(['json', 'sarif', 'junit', 'markdown', 'html'] as const).flatMap((f) => [
          '--report',
          `${f}=${file(`report.${f}`)}`,
        ]),
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /^kvguard: incomplete run: \d+ findings could not be evaluated and the source reported \d+ errors?; first: .*(429|deadline).* \(exit 2; --allow-partial gates on the rest\)\n$/,
      );
      const json = JSON.parse(fs.readFileSync(file('report.json'), 'utf8')) as {
        summary: { complete: boolean };
        findings: { vaultId: string }[];
      };
      expect(json.summary.complete).toBe(false);
      expect([...new Set(json.findings.map((f) => f.vaultId.toLowerCase()))].sort()).toEqual(VAULT_IDS);
      for (const name of ['report.txt', 'report.sarif', 'report.junit', 'report.markdown', 'report.html'])
        expect(fs.statSync(file(name)).size).toBeGreaterThan(0);
    },
  );
});
