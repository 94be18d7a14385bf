import * as arm from '../../src/fixtures/arm-factory';
import { SPOKE_SUB, HUB_SUB, healthyPath, modify } from '../../src/fixtures/scenario';
import { runAudit } from '../../src/cli/pipeline';
import { DEFAULT_CALLER } from '../../src/model/caller';
import { collectLive } from '../../src/collect';
import { snapshotDocument } from '../../src/cli/commands/snapshot';
import { liveOptions, tempFile, withEmulator } from './live-support';

/**
 * Issue 12: a vault with an extra Approved connection whose endpoint nobody in the customer's tenant can read
 * (a Data Factory or Synapse managed private endpoint lives in Microsoft's subscription; another tenant's
 * endpoint in theirs). Live ARM answers the GET of that endpoint with 403 or 404; the collector records it as
 * unreadable, so that connection's hops are skipped with the reason and every other hop, the customer's A record
 * included, is judged on its own evidence: the run is complete, not exit 2 forever.
 */
const NOW = new Date('2026-03-01T00:00:00Z');
const path = healthyPath();
const MANAGED = arm.privateEndpointId('9f3c0a7e-5b1d-4e2a-8c6f-0d4b2e7a1c93', 'vnet-adf-westeurope', 'adf-payments.kv');
const managedConnection = `${path.ids.vault}/privateEndpointConnections/adf-payments.kv`;
const seed = modify(path.resources, path.ids.vault, () =>
  arm.vault({
    subscriptionId: SPOKE_SUB,
    resourceGroup: 'rg-payments',
    name: 'kv-payments-prod',
    connections: [
      { privateEndpointId: path.ids.endpoint },
      { privateEndpointId: MANAGED, name: 'adf-payments.kv', description: 'Requested by Data Factory' },
    ],
    networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' },
  }),
);

test('a managed endpoint ARM will not show: its connection skipped, the rest judged, the run complete', async () => {
  const result = await withEmulator(
    seed,
    {},
    async (emulator) =>
      (
        await runAudit({
          source: { kind: 'live', options: liveOptions(emulator, [SPOKE_SUB, HUB_SUB]) },
          caller: DEFAULT_CALLER,
          now: NOW,
        })
      ).result,
  );
  const about = result.findings.filter((f) => f.resourceId === managedConnection);
  expect(about.map((f) => [f.ruleId, f.outcome])).toEqual([
    ['KV102', 'pass'],
    ['KV103', 'skipped'],
    ['KV104', 'skipped'],
    ['KV203', 'skipped'],
  ]);
  const kv103 = about.find((f) => f.ruleId === 'KV103');
  expect(kv103?.message).toMatch(
    new RegExp(
      `^private endpoint adf-payments\\.kv to kv-payments-prod: private endpoint ${MANAGED} of connection adf-payments\\.kv was not collected: it could not be read \\((403|404) [A-Za-z]+: .*\\); a managed private endpoint \\(Data Factory, Synapse\\) or another tenant's endpoint is not judged$`,
    ),
  );
  expect(result.findings.filter((f) => f.ruleId === 'KV205').map((f) => [f.outcome, f.resourceId])).toEqual([
    ['pass', path.ids.record],
  ]);
  expect(result.findings.filter((f) => f.outcome === 'fail' || f.outcome === 'error')).toEqual([]);
  expect(result.summary.complete).toBe(true);
});

test('`kvguard snapshot` records the unreadable endpoint, so the snapshot audits as the live read did', async () => {
  const { live, document } = await withEmulator(seed, {}, async (emulator) => {
    const options = liveOptions(emulator, [SPOKE_SUB, HUB_SUB]);
    const collected = await collectLive(options);
    const audited = await runAudit({ source: { kind: 'live', options }, caller: DEFAULT_CALLER, now: NOW });
    return { live: audited.result, document: snapshotDocument(collected) };
  });
  expect(document).toMatchObject({
    unreadable: [{ id: MANAGED.toLowerCase(), reason: expect.stringMatching(/^(403|404) [A-Za-z]+: /) }],
  });
  const fromSnapshot = await runAudit({
    source: { kind: 'snapshot', file: tempFile('snapshot.json', document) },
    caller: DEFAULT_CALLER,
    now: NOW,
  });
  expect(fromSnapshot.result.findings).toEqual(live.findings);
  // Without the record, the same resources read as an endpoint outside the collected scope: KV103 error.
  const resourcesOnly = (document as { resources: unknown[] }).resources;
  const bare = await runAudit({
    source: { kind: 'snapshot', file: tempFile('bare.json', resourcesOnly) },
    caller: DEFAULT_CALLER,
    now: NOW,
  });
  expect(bare.result.findings.filter((f) => f.outcome === 'error').map((f) => [f.ruleId, f.resourceId])).toEqual([
    ['KV103', managedConnection],
  ]);
});
