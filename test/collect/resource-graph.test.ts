import { collectLive } from '../../src/collect';
import { runAudit } from '../../src/cli/pipeline';
import { DEFAULT_CALLER } from '../../src/model/caller';
import { idKey } from '../../src/model/arm';
import { HUB_SUB, SPOKE_SUB, healthyPath, hub, spokePath } from '../../src/fixtures/scenario';
import { generateEstate } from '../../bench/generate-estate';
import type { LiveOptions } from '../../src/collect/types';
import { collectable, liveOptions, withEmulator } from './live-support';

/** The collector through Azure Resource Graph (real SDK → emulator's ARG endpoint) against the ARM path. */
const NOW = new Date('2026-03-01T00:00:00Z');
const THIRD_SUB = '33333333-3333-3333-3333-333333333333';
const audit = async (options: LiveOptions) =>
  (await runAudit({ source: { kind: 'live', options }, caller: DEFAULT_CALLER, now: NOW })).result;
const sorted = <T extends { id: string }>(resources: readonly T[]): T[] =>
  [...resources].sort((a, b) => (idKey(a.id) < idKey(b.id) ? -1 : 1));

describe('--via resource-graph', () => {
  it('gives the same findings as --via arm on a generated estate (healthy and broken paths, hub zone, several pages of 1,000 rows)', async () => {
    const estate = generateEstate({ vaults: 260, subscriptions: 4 });
    const spokes = estate.subscriptions.filter((s) => s !== estate.hubSubscription);
    await withEmulator(estate.resources, { pageSize: 100 }, async (emulator) => {
      const arm = await audit(liveOptions(emulator, spokes, { via: 'arm' }));
      const graph = await audit(liveOptions(emulator, spokes, { via: 'resource-graph' }));
      expect(graph.findings).toEqual(arm.findings);
      expect(graph.summary).toEqual(arm.summary);
      expect(arm.summary).toMatchObject({ vaults: 260, complete: true });
      expect(arm.summary.fail).toBeGreaterThan(20);
      expect(graph.notices).toEqual(arm.notices);
      // Spokes listed in 2 pages of 1,000 rows, hub zone and hub VNet by id in 1 query, links and records in 2.
      expect(graph.collection?.requests).toEqual({
        'Monitor.diagnosticSettings.list': 260,
        'Network.privateDnsZoneGroups.list': arm.collection?.requests['Network.privateDnsZoneGroups.list'],
        'ResourceGraph.resources': 5,
      });
      expect(arm.collection?.requests['KeyVault.vaults.listBySubscription']).toBe(4);
    });
  });

  it("rows come back in ARM GET shape with Microsoft's type casing, so a snapshot reads the same", async () => {
    const path = healthyPath();
    await withEmulator(path.resources, {}, async (emulator) => {
      const collected = await collectLive(liveOptions(emulator, [SPOKE_SUB, HUB_SUB], { via: 'resource-graph' }));
      const withoutEtag = collectable(emulator).map(({ etag: _etag, ...rest }) => rest);
      expect(sorted(collected.resources)).toEqual(sorted(withoutEtag));
      expect(collected.vaultErrors.size).toBe(0);
      expect(collected.notices).toEqual([]);
    });
  });

  it('reads a hub zone and VNet outside the audited subscriptions by id; a referenced id ARG does not return makes its vault error', async () => {
    const a = spokePath({ vaultName: 'kv-a', spokeOctet: 1 });
    const b = spokePath({ vaultName: 'kv-b', spokeOctet: 2, subscriptionId: THIRD_SUB });
    await withEmulator([...hub().resources, ...a.resources, ...b.resources], {}, async (emulator) => {
      const collected = await collectLive(liveOptions(emulator, [SPOKE_SUB, THIRD_SUB], { via: 'resource-graph' }));
      expect(collected.vaultErrors.size).toBe(0);
      expect(collected.resources.some((r) => idKey(r.id) === idKey(a.ids.zone))).toBe(true);
      expect(collected.resources.some((r) => idKey(r.id) === idKey(a.ids.hubVnet))).toBe(true);
    });
    await withEmulator(
      [...a.resources.filter((r) => !r.type.startsWith('Microsoft.Network/privateDnsZones'))],
      {},
      async (emulator) => {
        const collected = await collectLive(liveOptions(emulator, [SPOKE_SUB], { via: 'resource-graph' }));
        expect(collected.vaultErrors.get(idKey(a.ids.vault))).toBe(
          `${a.ids.zone} is referenced by a resource kvguard read but Resource Graph does not return it (deleted, or not readable by this identity)`,
        );
      },
    );
  });

  it("keeps within ARG's quota: queries wait for the window, none fails", async () => {
    const estate = generateEstate({ vaults: 40, subscriptions: 2 });
    await withEmulator(
      estate.resources,
      { throttle: { bucketSize: 250, refillPerSecond: 25, graphQueriesPer5s: 2 } },
      async (emulator) => {
        const started = Date.now();
        const collected = await collectLive(
          liveOptions(emulator, estate.subscriptions, {
            via: 'resource-graph',
            skipReads: ['zone-groups', 'diagnostic-settings'],
          }),
        );
        // 4 queries (list, by id, links, records) at 2 per 5 s: the last waits for the second window.
        expect(collected.requests).toEqual({ 'ResourceGraph.resources': 4 });
        expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
        expect(collected.vaultErrors.size).toBe(0);
        expect(collected.notices).toEqual([]);
      },
    );
  }, 30000);

  it('--skip-reads leaves out zone groups and diagnostic settings: no per-vault read, KV104 and KV503 skipped with the reason', async () => {
    const path = healthyPath();
    await withEmulator(path.resources, {}, async (emulator) => {
      const options = liveOptions(emulator, [SPOKE_SUB, HUB_SUB], {
        via: 'arm',
        skipReads: ['zone-groups', 'diagnostic-settings'],
      });
      const collected = await collectLive(options);
      expect(Object.keys(collected.requests).filter((op) => /zoneGroups|diagnostic/i.test(op))).toEqual([]);
      const { result } = await runAudit({ source: { kind: 'live', options }, caller: DEFAULT_CALLER, now: NOW });
      expect(
        result.findings
          .filter((f) => f.ruleId === 'KV104' || f.ruleId === 'KV503')
          .map((f) => [f.ruleId, f.outcome, f.message]),
      ).toEqual([
        ['KV104', 'skipped', 'kv-payments-prod: DNS zone groups were not read (--skip-reads zone-groups)'],
        ['KV503', 'skipped', 'kv-payments-prod: diagnostic settings were not read (--skip-reads diagnostic-settings)'],
      ]);
      expect(result.findings.filter((f) => f.outcome === 'fail')).toEqual([]);
    });
  });
});
