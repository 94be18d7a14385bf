import { generateEstate } from '../../bench/generate-estate';
import { MODES, measureKvguard, measureNaive, type Target } from '../../bench/measure';
import { table } from '../../bench/run';
import { ARM_READ_LIMITS } from '../../src/emulator/throttle';
import { withEmulator } from '../collect/live-support';

/**
 * A small run of the benchmark (bench/run.ts does the same in child processes at 100 to 10,000 vaults):
 * the emulator with ARM's real limits, kvguard in each mode and the naive collector against it. It checks
 * what the benchmark records, never how fast: timings belong to docs/benchmarks.md.
 */
test('benchmark smoke run: 30 vaults over 3 subscriptions', async () => {
  const estate = generateEstate({ vaults: 30, subscriptions: 3 });
  expect(estate.mix.healthy).toBeGreaterThan(15);
  expect(estate.mix.healthy).toBeLessThan(30);
  await withEmulator(
    estate.resources,
    { throttle: ARM_READ_LIMITS, latencyMs: { min: 1, max: 3 }, pageSize: 100 },
    async (emulator) => {
      const target: Target = { ...emulator, subscriptions: estate.subscriptions, zoneId: estate.hubZoneId, vaults: 30 };
      const runs = [];
      for (const mode of MODES) runs.push({ ...(await measureKvguard(target, mode)), wallMs: 1 });
      for (const run of runs) {
        expect(run.summary).toMatchObject({ vaults: 30, complete: true, error: 0 });
        expect(run.unrecovered429).toBe(0);
        expect(run.engineMs).toBeGreaterThan(0);
      }
      const [graphLean, armLean, graphFull, armFull] = runs;
      expect(graphLean?.readsPerVault).toBeLessThanOrEqual(0.5);
      expect(graphLean?.requests).toEqual({ 'ResourceGraph.resources': 3 });
      expect(armLean?.findingsDigest).toBe(graphLean?.findingsDigest);
      expect(graphFull?.findingsDigest).toBe(armFull?.findingsDigest);
      expect(armFull?.requests['Monitor.diagnosticSettings.list']).toBe(30);
      const naive = await measureNaive(target, 20000, 30 - estate.mix['public-no-endpoint']);
      expect(naive).toMatchObject({
        vaultsDone: naive.vaultsListed,
        timedOut: false,
        unrecovered429: 0,
        estimate: 'measured',
      });
      expect(naive.requests['KeyVault.vaults.get']).toBe(naive.vaultsListed);
      const rendered = table([
        {
          vaults: 30,
          subscriptions: 3,
          resources: estate.resources.length,
          mix: estate.mix,
          kvguard: runs,
          naive: { ...naive, wallMs: naive.wallMs },
        },
      ]);
      expect(rendered.split('\n')).toHaveLength(2 + MODES.length + 1);
    },
  );
}, 60000);
