import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLatency, runEmulator } from '../../src/cli/commands/emulator';
import { UsageError } from '../../src/cli/errors';
import { healthyPath, SPOKE_SUB } from '../../src/fixtures/scenario';

/** `kvguard emulator`: its first two stdout lines, a working endpoint and identity, a clean stop on SIGTERM, one-line usage errors. */
function seedFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kvguard-seed-')), 'estate.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('kvguard emulator', () => {
  test('prints endpoint and ca first, serves the seed with its identity endpoint, stops on SIGTERM', async () => {
    const path = healthyPath();
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const signals = new EventEmitter();
    let exit: Promise<number>;
    try {
      exit = runEmulator({ seed: seedFile(path.resources), throttle: true, faults: 'seed=1' }, signals);
      while (written.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      spy.mockRestore();
    }
    const lines = written.join('').split('\n');
    expect(lines[0]).toMatch(/^endpoint: https:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/^ca: \S+\.pem$/);
    const endpoint = lines[0]?.slice('endpoint: '.length) ?? '';
    const ca = lines[1]?.slice('ca: '.length) ?? '';
    const identityEndpoint = lines.find((l) => l.startsWith('identity-endpoint: '))?.slice('identity-endpoint: '.length) ?? '';
    const identityHeader = lines.find((l) => l.startsWith('identity-header: '))?.slice('identity-header: '.length) ?? '';
    expect(existsSync(ca)).toBe(true);

    const tokenUrl = `${identityEndpoint}?api-version=2019-08-01&resource=${encodeURIComponent('https://management.azure.com/')}`;
    const { access_token: accessToken } = (await (await fetch(tokenUrl, { headers: { 'X-IDENTITY-HEADER': identityHeader } })).json()) as { access_token: string };
    const { readFileSync } = await import('node:fs');
    const { rawRequest } = await import('./support');
    const fakeRunning = { endpoint, caCertPem: readFileSync(ca, 'utf8') } as Parameters<typeof rawRequest>[0];
    const vaults = await rawRequest(fakeRunning, `/subscriptions/${SPOKE_SUB}/providers/Microsoft.KeyVault/vaults?api-version=2026-02-01`, { token: accessToken });
    expect((vaults.body as { value: { id: string }[] }).value.map((v) => v.id)).toEqual([path.ids.vault]);

    signals.emit('SIGTERM');
    await expect(exit).resolves.toBe(0);
    expect(existsSync(ca)).toBe(false);
  });

  test.each([
    [{ faults: '418' }, "--faults: unknown fault '418' in '418' (known: 429, 429-noretry, 500, 502, 503, 504, reset, truncate, slowpage, 403, 404-after-list, seed=N)"],
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
