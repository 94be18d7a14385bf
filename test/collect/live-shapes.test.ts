import * as path from 'node:path';
import { runAudit } from '../../src/cli/pipeline';
import { readSnapshot } from '../../src/input/snapshot';
import { DEFAULT_CALLER } from '../../src/model/caller';
import { idKey, type ArmResource } from '../../src/model/arm';
import { HUB_SUB, SPOKE_SUB, healthyPath, hub, spokePath } from '../../src/fixtures/scenario';
import { liveOptions, withEmulator } from './live-support';

/**
 * The collector needs no more than the specs promise: against the emulator's `minimal` shape (no optional
 * `type` on child resources, no etag, no counters, lower-cased Private DNS child ids, an empty first page with
 * a nextLink, `nextLink: null` on the last page; src/emulator/shape.ts) it finds exactly what it finds against
 * the `full` shape, on the healthy path, two spokes in two subscriptions, and the shipped demo estate.
 */
const NOW = new Date('2026-03-01T00:00:00Z');
const THIRD_SUB = '33333333-3333-3333-3333-333333333333';

async function auditBoth(seed: ArmResource[], subscriptions: string[]) {
  const run = (shape: 'full' | 'minimal') =>
    withEmulator(seed, { shape }, async (emulator) => {
      const { result } = await runAudit({
        source: { kind: 'live', options: liveOptions(emulator, subscriptions) },
        caller: DEFAULT_CALLER,
        now: NOW,
      });
      return result;
    });
  return { full: await run('full'), minimal: await run('minimal') };
}

/**
 * ARM ids are case-insensitive and the Private DNS service answers its child ids lower-cased
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules): findings are
 * compared with every ARM id in them folded to lower case, everything else exactly.
 */
function folded<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'string' && /^\/subscriptions\//i.test(v) ? idKey(v) : v,
    ),
  ) as T;
}

const outcomes = (findings: readonly { outcome: string }[]): Record<string, number> =>
  findings.reduce<Record<string, number>>(
    (counts, f) => ({ ...counts, [f.outcome]: (counts[f.outcome] ?? 0) + 1 }),
    {},
  );

describe('live collection: the minimal shape gives the findings of the full shape', () => {
  test('the healthy path: every finding identical, none an error', async () => {
    const { full, minimal } = await auditBoth(healthyPath().resources, [SPOKE_SUB, HUB_SUB]);
    expect(folded(minimal.findings)).toEqual(folded(full.findings));
    expect(folded(minimal.summary)).toEqual(folded(full.summary));
    expect(outcomes(minimal.findings).error).toBeUndefined();
  });

  test('two spokes in two subscriptions, the hub read by id', async () => {
    const a = spokePath({ vaultName: 'kv-a', spokeOctet: 1 });
    const b = spokePath({ vaultName: 'kv-b', spokeOctet: 2, subscriptionId: THIRD_SUB });
    const { full, minimal } = await auditBoth(
      [...hub().resources, ...a.resources, ...b.resources],
      [SPOKE_SUB, THIRD_SUB],
    );
    expect(folded(minimal.findings)).toEqual(folded(full.findings));
  });

  test('the demo estate (examples/demo-estate.json): identical findings', async () => {
    const seed = readSnapshot(path.join(__dirname, '..', '..', 'examples', 'demo-estate.json')).resources;
    const subscriptions = [...new Set(seed.map((r) => r.id.split('/')[2] ?? ''))].filter((s) => s !== '');
    const { full, minimal } = await auditBoth(seed, subscriptions);
    expect(outcomes(minimal.findings)).toEqual(outcomes(full.findings));
    expect(folded(minimal.findings)).toEqual(folded(full.findings));
  });
});
