import * as fs from 'node:fs';
import * as path from 'node:path';
import { SNAPSHOT_QUERIES } from '../../src/collect/graph';
import { runAudit } from '../../src/cli/pipeline';
import { graphQuery } from '../../src/emulator/graph';
import { ResourceStore } from '../../src/emulator/store';
import type { Finding } from '../../src/engine/types';
import { DEFAULT_CALLER } from '../../src/model/caller';
import type { JsonObject } from '../../src/model/arm';
import { generateEstate } from '../../bench/generate-estate';
import { liveOptions, withEmulator } from '../collect/live-support';
import { ROOT, runCli } from '../support/run-cli';
import { tempDir } from '../support/temp-dir';

/**
 * Issue 12: a snapshot taken with the queries kvguard prints (`kvguard snapshot --print-query`, docs/queries)
 * audits exactly as live ARM does for every rule Resource Graph can serve; the rules that need what Resource
 * Graph never holds (DNS zone groups: KV104; diagnostic settings: KV503) are skipped with that reason.
 * The queries run on the emulator's Resource Graph (a KQL subset, src/emulator/kql.ts), and the answers are
 * written as `az graph query` prints them: `{count, data, skip_token, total_records}`
 * (https://learn.microsoft.com/cli/azure/graph#az-graph-query).
 */
const NOW = new Date('2026-03-01T00:00:00Z');
const NOT_IN_GRAPH: Record<string, string> = {
  KV104: 'DNS zone groups were not read (the input is a Resource Graph response, and Resource Graph holds none)',
  KV503: 'diagnostic settings were not read (the input is a Resource Graph response, and Resource Graph holds none)',
};
const temp = tempDir('kvguard-arg-snapshot');

/** What `az graph query -q "<query>" --first 1000` prints for one query over the estate. */
function azGraphQuery(store: ResourceStore, query: string, subscriptions: string[]): JsonObject {
  const answer = graphQuery(store, JSON.stringify({ subscriptions, query, options: { $top: 1000 } }));
  expect(answer.$skipToken).toBeUndefined(); // one page: the estate is small
  return {
    count: answer.count ?? 0,
    data: answer.data ?? [],
    skip_token: null,
    total_records: answer.totalRecords ?? 0,
  };
}

describe('a Resource Graph snapshot from kvguard snapshot --print-query', () => {
  it('prints the queries docs/queries holds, the README uses them', async () => {
    for (const table of ['resources', 'dnsresources'] as const) {
      const printed = await runCli(['snapshot', '--print-query', table]);
      expect(printed).toEqual({ code: 0, stdout: `${SNAPSHOT_QUERIES[table]}\n`, stderr: '' });
      expect(fs.readFileSync(path.join(ROOT, 'docs', 'queries', `${table}.kql`), 'utf8')).toBe(
        `${SNAPSHOT_QUERIES[table]}\n`,
      );
    }
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('az graph query -q "$(kvguard snapshot --print-query resources)" --first 1000');
    expect(readme).toContain('az graph query -q "$(kvguard snapshot --print-query dnsresources)" --first 1000');
  });

  it('audits as live ARM does for every rule Resource Graph serves; KV104 and KV503 are skipped with the reason', async () => {
    const estate = generateEstate({ vaults: 40, subscriptions: 2 });
    const store = new ResourceStore(estate.resources);
    const text = [SNAPSHOT_QUERIES.resources, SNAPSHOT_QUERIES.dnsresources]
      .map((query) => JSON.stringify(azGraphQuery(store, query, estate.subscriptions), null, 2))
      .join('\n');
    const file = path.join(temp.dir, 'graph.json');
    fs.writeFileSync(file, text);

    const fromGraph = (await runAudit({ source: { kind: 'snapshot', file }, caller: DEFAULT_CALLER, now: NOW })).result;
    const live = await withEmulator(
      estate.resources,
      {},
      async (emulator) =>
        (
          await runAudit({
            source: { kind: 'live', options: liveOptions(emulator, estate.subscriptions, { via: 'arm' }) },
            caller: DEFAULT_CALLER,
            now: NOW,
          })
        ).result,
    );
    const served = (findings: Finding[]): Finding[] => findings.filter((f) => !(f.ruleId in NOT_IN_GRAPH));
    expect(served(fromGraph.findings)).toEqual(served(live.findings));
    expect(served(live.findings).filter((f) => f.outcome === 'fail').length).toBeGreaterThan(5);
    const skipped = fromGraph.findings.filter((f) => f.ruleId in NOT_IN_GRAPH);
    expect(new Set(skipped.map((f) => f.outcome))).toEqual(new Set(['skipped']));
    for (const finding of skipped) {
      const name = finding.vaultId.split('/').pop() ?? '';
      expect(finding.message).toBe(`${name}: ${NOT_IN_GRAPH[finding.ruleId] ?? ''}`);
    }
    expect(skipped).toHaveLength(2 * live.summary.vaults);
    expect(fromGraph.summary.complete).toBe(live.summary.complete);
  });
});
