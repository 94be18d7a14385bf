import * as fs from 'node:fs';
import { inShard, parseShard, shardOf } from '../../src/collect/shard';
import { merge } from '../../src/cli/commands/merge';
import { UsageError } from '../../src/errors';
import { generateEstate, spokeSubscription } from '../../bench/generate-estate';
import { HUB_SUB } from '../../src/fixtures/scenario';
import { tempFile, withEmulator } from './live-support';
import { runCli } from '../support/run-cli';

/** `--shard I/N` splits subscriptions by a stable hash; `kvguard merge` joins the shards' reports into the unsharded one. */
describe('--shard I/N', () => {
  const subscriptions = [1, 2, 3, 4, 5, 6].map(spokeSubscription);

  it('puts each subscription in one shard by a hash of its id: fixed values, whatever the order, case or other subscriptions', () => {
    expect(subscriptions.map((s) => shardOf(s, 3))).toEqual([1, 1, 2, 2, 3, 3]);
    expect(shardOf(HUB_SUB, 3)).toBe(3);
    expect(shardOf(HUB_SUB.toUpperCase(), 3)).toBe(3);
    expect(inShard([...subscriptions].reverse(), { index: 2, count: 3 })).toEqual([subscriptions[3], subscriptions[2]]);
    expect(inShard(subscriptions.slice(2, 4), { index: 2, count: 3 })).toEqual(subscriptions.slice(2, 4));
  });

  it('the N shards cover every subscription exactly once', () => {
    const many = Array.from({ length: 200 }, (_, i) => spokeSubscription(i + 1));
    for (const count of [1, 2, 7, 50]) {
      const shards = Array.from({ length: count }, (_, i) => inShard(many, { index: i + 1, count }));
      expect(shards.flat().sort()).toEqual([...many].sort());
    }
  });

  it('refuses what is not I/N with 1 <= I <= N', () => {
    expect(parseShard(' 2 / 5 ')).toEqual({ index: 2, count: 5 });
    for (const bad of ['0/3', '4/3', '3', '1/0', 'a/b', '1/1001']) {
      expect(() => parseShard(bad)).toThrow(
        new UsageError(`--shard: expected I/N with 1 <= I <= N <= 1000 (e.g. 2/5), found ${JSON.stringify(bad)}`),
      );
    }
  });
});

describe('kvguard merge', () => {
  const estate = generateEstate({ vaults: 40, subscriptions: 5 });
  const kvguard = runCli;

  it('the merged JSON and SARIF reports of 3 shards equal the unsharded run; an empty shard adds nothing', async () => {
    await withEmulator(estate.resources, {}, async (emulator) => {
      const common = [
        'audit',
        '--endpoint',
        emulator.endpoint,
        '--ca-cert',
        emulator.caCertPath,
        '--subscription',
        estate.subscriptions.join(','),
        '--format',
        'json',
        '--quiet',
      ];
      const whole = { json: tempFile('all.json'), sarif: tempFile('all.sarif') };
      expect((await kvguard([...common, '--output', whole.json, '--report', `sarif=${whole.sarif}`])).code).toBe(1);
      const shards = [1, 2, 3].map((i) => ({ json: tempFile(`s${i}.json`), sarif: tempFile(`s${i}.sarif`) }));
      for (const [i, files] of shards.entries()) {
        const run = await kvguard([
          ...common,
          '--shard',
          `${i + 1}/3`,
          '--output',
          files.json,
          '--report',
          `sarif=${files.sarif}`,
        ]);
        expect([0, 1]).toContain(run.code);
      }
      const read = (file: string) =>
        JSON.parse(fs.readFileSync(file, 'utf8')) as {
          summary: Record<string, unknown>;
          findings: unknown[];
          notices: unknown[];
          runs: { results: unknown[]; invocations: { executionSuccessful: boolean }[] }[];
        };
      const merged = tempFile('merged.json');
      expect(
        merge(
          shards.map((s) => s.json),
          { output: merged },
        ),
      ).toBe(1);
      const expected = read(whole.json);
      const actual = read(merged);
      expect(actual.findings).toEqual(expected.findings);
      const { collection: _a, ...summary } = actual.summary;
      const { collection: _b, ...expectedSummary } = expected.summary;
      expect(summary).toEqual(expectedSummary);
      expect(summary).toMatchObject({ vaults: 40, complete: true });
      expect((actual.summary.collection as { vaultsListed: number }).vaultsListed).toBe(40);

      const mergedSarif = tempFile('merged.sarif');
      expect(
        merge(
          shards.map((s) => s.sarif),
          { output: mergedSarif },
        ),
      ).toBe(1);
      expect(read(mergedSarif).runs[0]?.results).toEqual(read(whole.sarif).runs[0]?.results);
      expect(read(mergedSarif).runs[0]?.invocations[0]?.executionSuccessful).toBe(true);

      // Eight shards for six subscriptions: some shards are empty, complete and exit 0.
      const empty = [1, 2, 3, 4, 5, 6, 7, 8].find((i) => estate.subscriptions.every((s) => shardOf(s, 8) !== i)) ?? 0;
      const emptyFile = tempFile('empty.json');
      const run = await kvguard([...common, '--shard', `${empty}/8`, '--output', emptyFile]);
      expect(run.code).toBe(0);
      expect(read(emptyFile)).toMatchObject({
        summary: { vaults: 0, complete: true },
        findings: [],
        notices: [
          { level: 'info', message: `shard ${empty}/8 holds none of the given subscriptions: nothing to audit` },
        ],
      });
      const withEmpty = tempFile('merged2.json');
      merge([...shards.map((s) => s.json), emptyFile], { output: withEmpty });
      expect(read(withEmpty).findings).toEqual(expected.findings);
    });
  }, 60000);

  it('complete only if every shard is; refuses overlapping shards and mixed formats', () => {
    const report = (vaultId: string, complete: boolean, outcome = 'pass') => ({
      tool: { name: 'kvguard', version: '0.1.0' },
      summary: {
        vaults: 1,
        pass: outcome === 'pass' ? 1 : 0,
        fail: 0,
        error: outcome === 'error' ? 1 : 0,
        skipped: 0,
        suppressed: 0,
        complete,
      },
      findings: [
        {
          ruleId: 'KV501',
          rule: 'soft-delete',
          severity: 'error',
          outcome,
          vaultId,
          resourceId: vaultId,
          message: 'm',
          remediation: 'r',
          evidence: {},
        },
      ],
      notices: complete ? [] : [{ level: 'error', message: 'subscription x: could not list key vaults' }],
    });
    const a = tempFile(
      'a.json',
      report('/subscriptions/s/resourceGroups/r/providers/Microsoft.KeyVault/vaults/b', true),
    );
    const b = tempFile(
      'b.json',
      report('/subscriptions/s/resourceGroups/r/providers/Microsoft.KeyVault/vaults/a', false),
    );
    const out = tempFile('ab.json');
    expect(merge([a, b], { output: out })).toBe(2);
    expect(merge([a, b], { output: out, allowPartial: true })).toBe(0);
    const merged = JSON.parse(fs.readFileSync(out, 'utf8')) as { summary: object; findings: { vaultId: string }[] };
    expect(merged.summary).toEqual({
      vaults: 2,
      pass: 2,
      fail: 0,
      error: 0,
      skipped: 0,
      suppressed: 0,
      complete: false,
      rules: 0,
    });
    expect(merged.findings.map((f) => f.vaultId.slice(-1))).toEqual(['a', 'b']);
    expect(() => merge([a, a], {})).toThrow(
      new UsageError(
        `merge: vault /subscriptions/s/resourceGroups/r/providers/Microsoft.KeyVault/vaults/b is in both ${a} and ${a}: merge reports of disjoint shards (--shard I/N)`,
      ),
    );
    const sarif = tempFile('x.sarif', { version: '2.1.0', runs: [] });
    expect(() => merge([a, sarif], {})).toThrow(
      new UsageError('merge: the reports mix JSON and SARIF; merge one format at a time'),
    );
    const broken = tempFile('broken.json', { ...report('v', true), findings: [{ ruleId: 'KV501' }] });
    expect(() => merge([broken], {})).toThrow(new UsageError(`merge: ${broken}: /findings/0/rule must be a string`));
  });
});
