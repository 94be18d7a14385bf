import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LiveOptions } from '../../src/collect/types';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator';
import type { ArmResource } from '../../src/model/arm';
import { useEmulatorIdentity } from '../../src/emulator/identity-env';

/**
 * Runs a test against a fresh emulator with this process's managed identity pointed at it (as App
 * Service sets IDENTITY_ENDPOINT / IDENTITY_HEADER), so the collector authenticates through the same
 * DefaultAzureCredential path users get. Restores the environment and stops the emulator afterwards.
 */
export async function withEmulator<T>(
  seed: ArmResource[],
  options: Partial<EmulatorOptions>,
  run: (emulator: RunningEmulator) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulator({ seed, throttle: false, ...options });
  const restoreIdentity = useEmulatorIdentity(emulator);
  try {
    return await run(emulator);
  } finally {
    restoreIdentity();
    await emulator.stop();
  }
}

/** Live options for the emulator, with retry waits short enough for tests. */
export function liveOptions(
  emulator: RunningEmulator,
  subscriptions: string[],
  extra: Partial<LiveOptions> = {},
): LiveOptions {
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

// test/pulumi imports it from here.

/**
 * What the emulator serves that the collector reads: everything but the zones' SOA record sets (every zone has
 * one, RecordSetSOAGet.json; the collector lists A record sets only, PrivateDns.recordSets.listByType A).
 */
export function collectable(emulator: RunningEmulator): ArmResource[] {
  return emulator.resources().filter((r) => r.type.toLowerCase() !== 'microsoft.network/privatednszones/soa');
}
