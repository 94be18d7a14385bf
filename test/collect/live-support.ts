import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LiveOptions } from '../../src/collect/types';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator';
import type { ArmResource } from '../../src/model/arm';

/**
 * Runs a test against a fresh emulator with this process's managed identity pointed at it (as App
 * Service sets IDENTITY_ENDPOINT / IDENTITY_HEADER), so the collector authenticates through the same
 * DefaultAzureCredential path users get. Restores the environment and stops the emulator afterwards.
 */
export async function withEmulator<T>(seed: ArmResource[], options: Partial<EmulatorOptions>, run: (emulator: RunningEmulator) => Promise<T>): Promise<T> {
  const emulator = await startEmulator({ seed, throttle: false, ...options });
  const saved = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IDENTITY_HEADER: process.env.IDENTITY_HEADER };
  process.env.IDENTITY_ENDPOINT = emulator.identityEndpoint;
  process.env.IDENTITY_HEADER = emulator.identityHeader;
  try {
    return await run(emulator);
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await emulator.stop();
  }
}

/** Live options for the emulator, with retry waits short enough for tests. */
export function liveOptions(emulator: RunningEmulator, subscriptions: string[], extra: Partial<LiveOptions> = {}): LiveOptions {
  return {
    subscriptions,
    cloud: 'AzureCloud',
    endpoint: emulator.endpoint,
    caCertFile: emulator.caCertPath,
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    ...extra,
  };
}

export function tempFile(name: string, content?: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvguard-collect-'));
  const file = path.join(dir, name);
  if (content !== undefined) fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

/** Everything written to stdout and stderr (and console) while `run` runs. */
export async function captureOutput<T>(run: () => Promise<T>): Promise<{ result: T; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true)),
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true)),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void err.push(args.map(String).join(' ')))),
  ];
  try {
    const result = await run();
    return { result, stdout: out.join(''), stderr: err.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}
