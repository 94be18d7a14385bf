import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator';
import { FaultPlan, parseFaults } from '../../src/emulator/faults';
import { HUB_SUB, SPOKE_SUB } from '../../src/fixtures/scenario';
import { clientOptions, collect, credential, emulatorWithIdentity, rawRequest, testEstate, token } from './support';
import { TestClock } from '../support/clock';

const VAULTS = `/subscriptions/${SPOKE_SUB}/providers/Microsoft.KeyVault/vaults?api-version=2026-02-01`;
const VAULT = `/subscriptions/${SPOKE_SUB}/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod?api-version=2026-02-01`;

async function withEmulator(
  options: Partial<EmulatorOptions>,
  body: (emulator: RunningEmulator, bearer: string) => Promise<void>,
): Promise<void> {
  const estate = await testEstate();
  const emulator = await startEmulator({ seed: estate.resources, throttle: false, ...options });
  try {
    await body(emulator, await token(emulator));
  } finally {
    await emulator.stop();
  }
}

describe('the --faults grammar', () => {
  test('parses kinds, probabilities and options', () => {
    expect(
      parseFaults(
        'seed=42, 429@0.05:retry=2s,500@0.02,reset@0.01,truncate@0.01,slowpage@0.02:2000ms,403:sub=ABC,429-noretry@0.1,404-after-list:type=Microsoft.Network/networkInterfaces',
      ),
    ).toEqual({
      seed: 42,
      rules: [
        { kind: '429', probability: 0.05, retryAfterSeconds: 2 },
        { kind: '500', probability: 0.02 },
        { kind: 'reset', probability: 0.01 },
        { kind: 'truncate', probability: 0.01 },
        { kind: 'slowpage', probability: 0.02, delayMs: 2000 },
        { kind: '403', probability: 1, subscriptionId: 'abc' },
        { kind: '429-noretry', probability: 0.1 },
        { kind: '404-after-list', probability: 1, type: 'microsoft.network/networkinterfaces' },
      ],
    });
    expect(parseFaults(undefined)).toEqual({ seed: 1, rules: [] });
  });

  test.each([
    [
      '418@0.1',
      "--faults: unknown fault '418' in '418@0.1' (known: 429, 429-noretry, 500, 502, 503, 504, reset, truncate, slowpage, 403, 404-after-list, seed=N)",
    ],
    ['500@1.5', "--faults: probability '1.5' in '500@1.5' must be a number between 0 and 1"],
    ['500@', "--faults: probability '' in '500@' must be a number between 0 and 1"],
    ['500:colour=red', "--faults: unknown option 'colour=red' in '500:colour=red'"],
    ['500:200ms', "--faults: a bare duration only applies to slowpage, in '500:200ms'"],
    ['seed=x', "--faults: seed must be a non-negative integer, got 'x'"],
  ])('refuses %s', (spec, message) => {
    expect(() => parseFaults(spec)).toThrow(message);
  });

  test('draws are deterministic per seed and independent of other requests', () => {
    const fates = (seed: number, interleave: boolean): string[] => {
      const plan = new FaultPlan(parseFaults(`seed=${seed},500@0.5`));
      const out: string[] = [];
      for (let i = 0; i < 20; i++) {
        if (interleave)
          plan.pick({ method: 'GET', path: '/other', subscriptionId: undefined, type: 'x', isList: false });
        out.push(
          plan.pick({ method: 'GET', path: '/a', subscriptionId: undefined, type: 'x', isList: false })?.kind ?? 'ok',
        );
      }
      return out;
    };
    expect(fates(42, false)).toEqual(fates(42, true));
    expect(fates(42, false)).not.toEqual(fates(43, false));
    expect(fates(42, false).filter((f) => f === '500').length).toBeGreaterThan(4);
    expect(fates(42, false).filter((f) => f === '500').length).toBeLessThan(16);
  });
});

describe('injected faults on the wire', () => {
  test('429 carries Retry-After; 429-noretry does not', async () => {
    await withEmulator({ faults: `429:retry=3s:sub=${SPOKE_SUB}` }, async (emulator, bearer) => {
      const response = await rawRequest(emulator, VAULTS, { token: bearer });
      expect([response.status, response.headers['retry-after']]).toEqual([429, '3']);
    });
    await withEmulator({ faults: '429-noretry' }, async (emulator, bearer) => {
      const response = await rawRequest(emulator, VAULTS, { token: bearer });
      expect([
        response.status,
        response.headers['retry-after'],
        (response.body as { error: { code: string } }).error.code,
      ]).toEqual([429, undefined, 'TooManyRequests']);
    });
  });

  test('5xx answers carry ARM error bodies', async () => {
    await withEmulator({ faults: '503' }, async (emulator, bearer) => {
      const response = await rawRequest(emulator, VAULTS, { token: bearer });
      expect([response.status, (response.body as { error: { code: string } }).error.code]).toEqual([
        503,
        'ServiceUnavailable',
      ]);
    });
  });

  test('reset drops the connection; truncate cuts the body short', async () => {
    await withEmulator({ faults: 'reset' }, async (emulator, bearer) => {
      await expect(rawRequest(emulator, VAULTS, { token: bearer })).rejects.toThrow(/socket hang up|ECONNRESET/);
    });
    await withEmulator({ faults: 'truncate' }, async (emulator, bearer) => {
      await expect(rawRequest(emulator, VAULTS, { token: bearer })).rejects.toThrow(/aborted|Unexpected end|JSON/);
    });
  });

  test('slowpage holds list pages back, not single GETs', async () => {
    // The hold-back goes through the emulator's clock: what was waited is recorded, not raced on the wall.
    const clock = new TestClock();
    await withEmulator({ faults: 'slowpage:1500ms', clock }, async (emulator, bearer) => {
      expect((await rawRequest(emulator, VAULTS, { token: bearer })).status).toBe(200);
      expect(clock.sleeps).toEqual([1500]);
      expect((await rawRequest(emulator, VAULT, { token: bearer })).status).toBe(200);
      expect(clock.sleeps).toEqual([1500]);
    });
  });

  test('403 on one subscription only', async () => {
    await withEmulator({ faults: `403:sub=${HUB_SUB}` }, async (emulator, bearer) => {
      const hub = await rawRequest(
        emulator,
        `/subscriptions/${HUB_SUB}/providers/Microsoft.Network/privateDnsZones?api-version=2024-06-01`,
        { token: bearer },
      );
      expect(hub.status).toBe(403);
      expect((hub.body as { error: { code: string; message: string } }).error.code).toBe('AuthorizationFailed');
      expect((hub.body as { error: { message: string } }).error.message).toContain(
        `perform action 'Microsoft.Network/privateDnsZones/read' over scope '/subscriptions/${HUB_SUB}'`,
      );
      expect((await rawRequest(emulator, VAULTS, { token: bearer })).status).toBe(200);
    });
  });

  test('404-after-list: a NIC referenced by a listed endpoint is gone when the client GETs it', async () => {
    const estate = await testEstate();
    await withEmulator(
      { faults: '404-after-list:type=microsoft.network/networkinterfaces' },
      async (emulator, bearer) => {
        const nic = `${estate.first.ids.nic}?api-version=2026-01-01`;
        expect((await rawRequest(emulator, nic, { token: bearer })).status).toBe(200);
        await rawRequest(
          emulator,
          `/subscriptions/${SPOKE_SUB}/providers/Microsoft.Network/privateEndpoints?api-version=2026-01-01`,
          { token: bearer },
        );
        const after = await rawRequest(emulator, nic, { token: bearer });
        expect([after.status, (after.body as { error: { code: string } }).error.code]).toEqual([
          404,
          'ResourceNotFound',
        ]);
      },
    );
  });

  test('the SDK retries 5xx and random 429s with Retry-After to success; a 429 without it fails at once', async () => {
    const estate = await testEstate();
    const flaky = await emulatorWithIdentity(estate.resources, {
      faults: 'seed=3,500@0.3,429@0.3:retry=0s',
      pageSize: 1,
    });
    try {
      const { KeyVaultManagementClient } = await import('@azure/arm-keyvault');
      const client = new KeyVaultManagementClient(await credential(), SPOKE_SUB, {
        ...clientOptions(flaky),
        retryOptions: { maxRetries: 10, retryDelayInMs: 1, maxRetryDelayInMs: 5 },
      });
      expect((await collect(client.vaults.listBySubscription())).length).toBe(2);
    } finally {
      await flaky.stop();
    }
    const strict = await emulatorWithIdentity(estate.resources, { faults: '429-noretry' });
    try {
      const { KeyVaultManagementClient } = await import('@azure/arm-keyvault');
      const client = new KeyVaultManagementClient(await credential(), SPOKE_SUB, clientOptions(strict));
      await expect(client.vaults.get('rg-payments', 'kv-payments-prod')).rejects.toMatchObject({ statusCode: 429 });
      expect(strict.requestCounts()['GET Microsoft.KeyVault/vaults (get)']).toBe(1);
    } finally {
      await strict.stop();
    }
  });
});
