import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLatency, runEmulator } from '../../src/cli/commands/emulator';
import { UsageError } from '../../src/errors';
import { TENANT } from '../../src/fixtures/arm-factory';
import { healthyPath, SPOKE_SUB } from '../../src/fixtures/scenario';

const VAULT = 'kv-payments-prod';

/** `kvguard emulator`: its first two stdout lines (a third with --data-plane), a working endpoint and identity, a clean stop on SIGTERM, one-line usage errors. */
function seedFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kvguard-seed-')), 'estate.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

/** Runs `kvguard emulator` with these flags until its banner is written; returns the banner's lines and a stop function. */
async function startCli(
  flags: Partial<Parameters<typeof runEmulator>[0]> & { seed: string },
): Promise<{ lines: string[]; stop: () => Promise<number> }> {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const signals = new EventEmitter();
  let exit: Promise<number>;
  try {
    exit = runEmulator({ throttle: true, ...flags }, signals);
    while (written.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    spy.mockRestore();
  }
  return {
    lines: written.join('').split('\n'),
    stop: () => {
      signals.emit('SIGTERM');
      return exit;
    },
  };
}

const valueOf = (lines: string[], key: string): string =>
  lines.find((l) => l.startsWith(`${key}: `))?.slice(key.length + 2) ?? '';

describe('kvguard emulator', () => {
  test('prints endpoint and ca first, serves the seed with its identity endpoint, stops on SIGTERM', async () => {
    const path = healthyPath();
    const { lines, stop } = await startCli({ seed: seedFile(path.resources), faults: 'seed=1' });
    expect(lines[0]).toMatch(/^endpoint: https:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/^ca: \S+\.pem$/);
    expect(lines.some((l) => l.startsWith('data-plane: ') || l.includes('kvguard probe'))).toBe(false);
    const endpoint = valueOf(lines, 'endpoint');
    const ca = valueOf(lines, 'ca');
    const identityEndpoint = valueOf(lines, 'identity-endpoint');
    const identityHeader = valueOf(lines, 'identity-header');
    expect(existsSync(ca)).toBe(true);

    const tokenUrl = `${identityEndpoint}?api-version=2019-08-01&resource=${encodeURIComponent('https://management.azure.com/')}`;
    const { access_token: accessToken } = (await (
      await fetch(tokenUrl, { headers: { 'X-IDENTITY-HEADER': identityHeader } })
    ).json()) as { access_token: string };
    const { readFileSync } = await import('node:fs');
    const { rawRequest } = await import('./support');
    const fakeRunning = { endpoint, caCertPem: readFileSync(ca, 'utf8') } as Parameters<typeof rawRequest>[0];
    const vaults = await rawRequest(
      fakeRunning,
      `/subscriptions/${SPOKE_SUB}/providers/Microsoft.KeyVault/vaults?api-version=2026-02-01`,
      { token: accessToken },
    );
    expect((vaults.body as { value: { id: string }[] }).value.map((v) => v.id)).toEqual([path.ids.vault]);

    await expect(stop()).resolves.toBe(0);
    expect(existsSync(ca)).toBe(false);
  });

  test('--shape minimal: an empty first page with a nextLink, nextLink null on the last, no optional fields', async () => {
    const path = healthyPath();
    const { lines, stop } = await startCli({ seed: seedFile(path.resources), shape: 'minimal' });
    try {
      const tokenUrl = `${valueOf(lines, 'identity-endpoint')}?api-version=2019-08-01&resource=${encodeURIComponent('https://management.azure.com/')}`;
      const { access_token: accessToken } = (await (
        await fetch(tokenUrl, { headers: { 'X-IDENTITY-HEADER': valueOf(lines, 'identity-header') } })
      ).json()) as { access_token: string };
      const { readFileSync } = await import('node:fs');
      const { rawRequest } = await import('./support');
      const running = {
        endpoint: valueOf(lines, 'endpoint'),
        caCertPem: readFileSync(valueOf(lines, 'ca'), 'utf8'),
      } as Parameters<typeof rawRequest>[0];
      const get = async (url: string) =>
        (await rawRequest(running, url, { token: accessToken })).body as Record<string, unknown>;
      const first = await get(`${path.ids.endpoint}/privateDnsZoneGroups?api-version=2026-01-01`);
      expect(first.value).toEqual([]);
      expect(typeof first.nextLink).toBe('string');
      const last = await get(String(first.nextLink));
      expect(last.nextLink).toBeNull();
      const [group] = last.value as Record<string, unknown>[];
      expect(Object.keys(group ?? {}).sort()).toEqual(['id', 'name', 'properties']);
      const zone = await get(`${path.ids.zone}?api-version=2024-06-01`);
      expect(Object.keys(zone.properties as object).filter((k) => /numberOf/i.test(k))).toEqual([]);
      expect(zone.etag).toBeUndefined();
      const records = await get(String((await get(`${path.ids.zone}/A?api-version=2024-06-01`)).nextLink));
      const ids = (records.value as { id: string }[]).map((r) => r.id);
      expect(ids.length).toBe(1);
      expect(ids[0]).toBe(ids[0]?.toLowerCase());
    } finally {
      await stop();
    }
  });

  test("--data-plane: a third line names the data plane, which answers Key Vault's challenge, and kvguard probe gets through", async () => {
    const seed = seedFile(healthyPath().resources);
    const { lines, stop } = await startCli({ seed, dataPlane: true });
    try {
      expect(lines[0]).toMatch(/^endpoint: https:\/\/127\.0\.0\.1:\d+$/);
      expect(lines[1]).toMatch(/^ca: \S+\.pem$/);
      expect(lines[2]).toMatch(/^data-plane: https:\/\/127\.0\.0\.1:\d+$/);
      const ca = valueOf(lines, 'ca');
      const port = new URL(valueOf(lines, 'data-plane')).port;
      expect(port).not.toBe(new URL(valueOf(lines, 'endpoint')).port);
      expect(lines).toContain(
        `  kvguard probe --vault NAME --snapshot ${seed} --address 127.0.0.1 --port ${port} --ca-cert ${ca}`,
      );

      const { readFileSync } = await import('node:fs');
      const { request } = await import('node:https');
      const host = `${VAULT}.vault.azure.net`;
      const answer = await new Promise<{ status: number; challenge: string | string[] | undefined }>(
        (resolve, reject) => {
          const req = request(
            {
              host: '127.0.0.1',
              port,
              path: '/secrets?api-version=7.5',
              servername: host,
              headers: { host },
              ca: readFileSync(ca, 'utf8'),
              agent: false,
            },
            (res) => {
              res.resume();
              res.on('end', () => resolve({ status: res.statusCode ?? 0, challenge: res.headers['www-authenticate'] }));
            },
          );
          req.on('error', reject);
          req.end();
        },
      );
      expect(answer).toEqual({
        status: 401,
        challenge: `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="https://vault.azure.net"`,
      });

      const { runCli } = await import('../support/run-cli');
      const run = await runCli([
        'probe',
        '--vault',
        VAULT,
        '--snapshot',
        seed,
        '--address',
        '127.0.0.1',
        '--port',
        port,
        '--ca-cert',
        ca,
        '--format',
        'json',
      ]);
      const findings = (JSON.parse(run.stdout) as { findings: { code: string; outcome: string }[] }).findings.map(
        (f) => [f.code, f.outcome],
      );
      expect({ findings, code: run.code, stderr: run.stderr }).toEqual({
        findings: [
          ['dns-skipped', 'skipped'],
          ['connect-ok', 'pass'],
          ['challenge-ok', 'pass'],
        ],
        code: 0,
        stderr: '',
      });
    } finally {
      await stop();
    }
  });

  test.each([
    [
      { faults: '418' },
      "--faults: unknown fault '418' in '418' (known: 429, 429-noretry, 500, 502, 503, 504, reset, truncate, slowpage, 403, 404-after-list, seed=N)",
    ],
    [{ port: 'http' }, '--port http: expected a whole number from 0 to 65535'],
    [{ latency: '50-20' }, '--latency 50-20: the minimum is above the maximum'],
  ])('refuses %p with one line', async (flags, message) => {
    const run = runEmulator({ seed: seedFile(healthyPath().resources), throttle: true, ...flags }, new EventEmitter());
    await expect(run).rejects.toThrow(new UsageError(message));
  });

  test('a seed that is not a snapshot is refused with the file and the problem', async () => {
    const file = seedFile({ nope: true });
    await expect(runEmulator({ seed: file, throttle: true }, new EventEmitter())).rejects.toThrow(UsageError);
    await expect(runEmulator({ seed: file, throttle: true }, new EventEmitter())).rejects.toThrow(file);
  });

  test('--latency takes milliseconds or a range', () => {
    expect(parseLatency('30')).toBe(30);
    expect(parseLatency('20-50')).toEqual({ min: 20, max: 50 });
    expect(parseLatency(undefined)).toBeUndefined();
  });
});
