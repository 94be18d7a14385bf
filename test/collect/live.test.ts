import * as fs from 'node:fs';
import { collectLive } from '../../src/collect';
import { runAudit } from '../../src/cli/pipeline';
import { exitCode } from '../../src/engine/gate';
import { DEFAULT_CALLER } from '../../src/model/caller';
import { idKey } from '../../src/model/arm';
import { HUB_SUB, SPOKE_SUB, healthyPath, hub, spokePath } from '../../src/fixtures/scenario';
import type { LiveOptions } from '../../src/collect/types';
import { virtualNetwork } from '../../src/fixtures/arm-factory';
import { runCli } from '../support/run-cli';
import { collectable, liveOptions, tempFile, withEmulator } from './live-support';

/** Real SDK clients → emulator (HTTPS, managed identity) → collector → estate → rules. */
const NOW = new Date('2026-03-01T00:00:00Z');
const THIRD_SUB = '33333333-3333-3333-3333-333333333333';

const findingsOf = async (source: Parameters<typeof runAudit>[0]['source']) =>
  (await runAudit({ source, caller: DEFAULT_CALLER, now: NOW })).result;
const sorted = <T extends { id: string }>(resources: readonly T[]): T[] =>
  [...resources].sort((a, b) => (idKey(a.id) < idKey(b.id) ? -1 : 1));

/** Two spokes in two subscriptions, one hub zone in a third. */
function twoSpokes() {
  const a = spokePath({ vaultName: 'kv-a', spokeOctet: 1 });
  const b = spokePath({ vaultName: 'kv-b', spokeOctet: 2, subscriptionId: THIRD_SUB });
  return { a, b, seed: [...hub().resources, ...a.resources, ...b.resources] };
}

describe('live collection through the Azure SDKs against the emulator', () => {
  it("reads the healthy path exactly as ARM serves it, and its findings equal the seed's", async () => {
    const path = healthyPath();
    await withEmulator(path.resources, {}, async (emulator) => {
      const collected = await collectLive(liveOptions(emulator, [SPOKE_SUB, HUB_SUB]));
      expect(sorted(collected.resources)).toEqual(sorted(collectable(emulator)));
      expect(collected.vaultErrors.size).toBe(0);
      expect(collected.notices).toEqual([]);
      expect(collected.stats).toMatchObject({ vaultsListed: 1, throttled: 0, retried: 0 });
      // Every request went through the scheduler, in the lane of its subscription (and the hub's private DNS quota).
      const lanes = collected.stats.scheduler?.lanes ?? [];
      expect(lanes.reduce((sum, lane) => sum + (lane.quota === 'subscription-reads' ? lane.requests : 0), 0)).toBe(
        Object.values(collected.requests).reduce((a, b) => a + b, 0),
      );
      expect(collected.requests).toEqual({
        'KeyVault.managedHsms.listBySubscription': 2,
        'KeyVault.vaults.listBySubscription': 2,
        // Forwarding rulesets: nothing references them, so every audit lists them (issue 11).
        'DnsResolver.dnsForwardingRulesets.list': 2,
        'Monitor.diagnosticSettings.list': 1,
        'Network.networkInterfaces.listAll': 2,
        'Network.privateDnsZoneGroups.list': 1,
        'Network.privateEndpoints.listBySubscription': 2,
        'Network.virtualNetworks.listAll': 2,
        'PrivateDns.privateZones.list': 2,
        'PrivateDns.recordSets.listByType': 1,
        'PrivateDns.virtualNetworkLinks.list': 1,
      });
      const live = await findingsOf({ kind: 'live', options: liveOptions(emulator, [SPOKE_SUB, HUB_SUB]) });
      const seed = await findingsOf({ kind: 'snapshot', file: tempFile('seed.json', path.resources) });
      expect(live.findings).toEqual(seed.findings);
      expect(live.summary.complete).toBe(true);
      expect(live.findings.filter((f) => f.outcome === 'fail')).toEqual([]);
    });
  });

  it('reads a hub zone and hub VNet in an unaudited subscription by id, once each', async () => {
    const { seed } = twoSpokes();
    await withEmulator(seed, {}, async (emulator) => {
      const collected = await collectLive(liveOptions(emulator, [SPOKE_SUB, THIRD_SUB]));
      expect(sorted(collected.resources)).toEqual(sorted(collectable(emulator)));
      expect(collected.requests['PrivateDns.privateZones.get']).toBe(1);
      expect(collected.requests['Network.virtualNetworks.get']).toBe(1);
      expect(collected.requests['PrivateDns.recordSets.listByType']).toBe(1);
      expect(collected.requests['PrivateDns.privateZones.list']).toBe(2);
      expect(collected.vaultErrors.size).toBe(0);
    });
  });

  it('kvguard snapshot writes a file whose audit equals the live audit', async () => {
    const { seed } = twoSpokes();
    await withEmulator(seed, {}, async (emulator) => {
      const file = tempFile('estate.json');
      const args = [
        '--endpoint',
        emulator.endpoint,
        '--ca-cert',
        emulator.caCertPath,
        '--subscription',
        `${SPOKE_SUB},${THIRD_SUB},${HUB_SUB}`,
      ];
      const run = await runCli(['snapshot', ...args, '-o', file, '--quiet']);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('');
      const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { id: string }[];
      expect(written).toEqual(sorted(collectable(emulator)));
      const live = await findingsOf({ kind: 'live', options: liveOptions(emulator, [SPOKE_SUB, THIRD_SUB, HUB_SUB]) });
      const offline = await findingsOf({ kind: 'snapshot', file });
      expect(JSON.stringify(offline.findings)).toBe(JSON.stringify(live.findings));
      expect(live.findings.length).toBeGreaterThan(0);
    });
  });

  it('never writes a token or an Authorization header, --verbose included', async () => {
    const path = healthyPath();
    await withEmulator(path.resources, {}, async (emulator) => {
      const args = [
        '--endpoint',
        emulator.endpoint,
        '--ca-cert',
        emulator.caCertPath,
        '--subscription',
        SPOKE_SUB,
        '--subscription',
        HUB_SUB,
      ];
      const audit = await runCli(['audit', ...args, '--verbose', '--format', 'json']);
      const snap = await runCli(['snapshot', ...args, '--verbose']);
      expect(audit.code).toBe(0);
      expect(snap.code).toBe(0);
      // MSAL caches the managed-identity token: this is the token the audit sent.
      const { DefaultAzureCredential } = await import('@azure/identity');
      const token = (await new DefaultAzureCredential().getToken('https://management.azure.com/.default')).token;
      const everything = audit.stdout + audit.stderr + snap.stdout + snap.stderr;
      expect(everything).toContain('KeyVault.vaults.listBySubscription');
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(token.split('.')[2]);
      expect(everything).not.toMatch(/bearer\s+ey/i);
      expect(everything).not.toMatch(/authorization:/i);
      expect(everything).not.toContain(emulator.identityHeader);
    });
  });
});

describe('faults: each ends with its expected outcome and exit code', () => {
  const audit = async (options: LiveOptions, allowPartial = false) => {
    const result = await findingsOf({ kind: 'live', options });
    return { result, code: exitCode(result, 'error', allowPartial) };
  };

  it('429 with Retry-After is waited out (the SDK honours it): complete, exit 0', async () => {
    await withEmulator(healthyPath().resources, { faults: 'seed=3,429@0.3:retry=1s' }, async (emulator) => {
      const collected = await collectLive(liveOptions(emulator, [SPOKE_SUB, HUB_SUB], { concurrency: 8 }));
      expect(collected.stats.throttled).toBeGreaterThan(0);
      expect(collected.vaultErrors.size).toBe(0);
      expect(collected.notices).toEqual([]);
      expect(sorted(collected.resources)).toEqual(sorted(collectable(emulator)));
    });
  });

  it('a small read bucket (4, refilled 20/s) is paced by what ARM says is left, not found by 429s', async () => {
    await withEmulator(
      healthyPath().resources,
      // Real time on both sides: the collector estimates the refill by the wall clock, as it would against ARM.
      { throttle: { bucketSize: 4, refillPerSecond: 20 } },
      async (emulator) => {
        const collected = await collectLive(liveOptions(emulator, [SPOKE_SUB, HUB_SUB], { concurrency: 8 }));
        // The first answers arrive before the estimate is known (4 go at once): at most those can be throttled.
        expect(collected.stats.throttled).toBeLessThanOrEqual(4);
        expect(collected.vaultErrors.size).toBe(0);
        expect(collected.notices).toEqual([]);
        expect(sorted(collected.resources)).toEqual(sorted(collectable(emulator)));
      },
    );
  });

  it('429 without Retry-After is backed off by kvguard: complete, exit 0', async () => {
    await withEmulator(healthyPath().resources, { faults: 'seed=7,429-noretry@0.4' }, async (emulator) => {
      const collected = await collectLive(liveOptions(emulator, [SPOKE_SUB, HUB_SUB]));
      expect(collected.stats.throttled).toBeGreaterThan(0);
      expect(collected.stats.retried).toBe(collected.stats.throttled);
      expect(collected.vaultErrors.size).toBe(0);
      const { result, code } = await audit(liveOptions(emulator, [SPOKE_SUB, HUB_SUB]));
      expect(result.summary.complete).toBe(true);
      expect(code).toBe(0);
    });
  });

  it.each(['500', '503', 'reset'])('%s is retried with backoff by the SDK: complete, exit 0', async (fault) => {
    await withEmulator(healthyPath().resources, { faults: `seed=3,${fault}@0.3` }, async (emulator) => {
      const collected = await collectLive(liveOptions(emulator, [SPOKE_SUB, HUB_SUB]));
      expect(collected.stats.retried).toBeGreaterThan(0);
      expect(collected.vaultErrors.size).toBe(0);
      expect(collected.notices).toEqual([]);
      expect(sorted(collected.resources)).toEqual(sorted(collectable(emulator)));
    });
  });

  it('403 on one subscription: its vaults cannot be listed, the others are evaluated; exit 2, or 0 with --allow-partial', async () => {
    const { seed, a } = twoSpokes();
    await withEmulator(seed, { faults: `403:sub=${THIRD_SUB}` }, async (emulator) => {
      const options = liveOptions(emulator, [SPOKE_SUB, THIRD_SUB, HUB_SUB]);
      const collected = await collectLive(options);
      expect(collected.stats.vaultsListed).toBe(1);
      expect(collected.notices.map((n) => n.message)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(`^subscription ${THIRD_SUB}: could not list key vaults: 403 AuthorizationFailed: .+`),
          ),
        ]),
      );
      expect(
        collected.notices.every((n) => n.level === 'error' && n.resourceId === `/subscriptions/${THIRD_SUB}`),
      ).toBe(true);
      const { result, code } = await audit(options);
      expect(result.summary).toMatchObject({ vaults: 1, complete: false, error: 0 });
      expect(new Set(result.findings.map((f) => f.vaultId))).toEqual(new Set([a.ids.vault]));
      expect(code).toBe(2);
      expect((await audit(options, true)).code).toBe(0);
    });
  });

  it('404 between list and get marks the affected vault error with the reason: exit 2', async () => {
    const path = healthyPath();
    await withEmulator(
      path.resources,
      { faults: '404-after-list:type=microsoft.network/privatednszones' },
      async (emulator) => {
        const options = liveOptions(emulator, [SPOKE_SUB]);
        const collected = await collectLive(options);
        expect([...collected.vaultErrors.keys()]).toEqual([idKey(path.ids.vault)]);
        expect(collected.vaultErrors.get(idKey(path.ids.vault))).toMatch(
          new RegExp(
            `^${path.ids.zone.replace(/\./g, '\\.')} is referenced by a resource kvguard read but returned 404 \\(deleted during the audit\\?\\): 404 ResourceNotFound`,
          ),
        );
        const { result, code } = await audit(liveOptions(emulator, [SPOKE_SUB]));
        expect(result.summary.complete).toBe(false);
        expect(
          result.findings.every(
            (f) => f.outcome === 'error' && f.message.startsWith('kv-payments-prod could not be evaluated:'),
          ),
        ).toBe(true);
        expect(code).toBe(2);
      },
    );
  });
});

describe("the caller's VNet in a subscription not audited", () => {
  const CALLER_SUB = '44444444-4444-4444-4444-444444444444';
  const path = healthyPath();
  /** Resolves through the hub's DNS server (10.0.0.4, in a linked VNet): only its own body says so. */
  const callerVnet = virtualNetwork({
    subscriptionId: CALLER_SUB,
    resourceGroup: 'rg-app',
    name: 'vnet-app',
    addressPrefixes: ['10.9.0.0/16'],
    dnsServers: ['10.0.0.4'],
    subnets: [{ name: 'snet-app', addressPrefix: '10.9.1.0/24' }],
    peerings: [{ name: 'to-hub', remoteVirtualNetworkId: path.ids.hubVnet }],
  });
  const seed = [...path.resources, callerVnet];

  it('is read by id once, with its peers, deduplicated with the hub reads', async () => {
    await withEmulator(seed, {}, async (emulator) => {
      // The hub VNet is wanted three times (the spoke's peering, the caller's, referencedIds), the caller's twice.
      const referencedIds = [callerVnet.id, `${callerVnet.id}/subnets/snet-app`, path.ids.hubVnet];
      const collected = await collectLive(liveOptions(emulator, [SPOKE_SUB], { referencedIds }));
      expect(collected.requests['Network.virtualNetworks.get']).toBe(2);
      const ids = collected.resources.map((r) => idKey(r.id));
      expect(ids).toEqual(expect.arrayContaining([idKey(callerVnet.id), idKey(path.ids.hubVnet)]));
      expect(collected.vaultErrors.size).toBe(0);
      expect(collected.notices).toEqual([]);
    });
  });

  it('kvguard audit --caller-vnet reads it, so KV203 sees its DNS servers', async () => {
    await withEmulator(seed, {}, async (emulator) => {
      const args = [
        'audit',
        '--endpoint',
        emulator.endpoint,
        '--ca-cert',
        emulator.caCertPath,
        '--subscription',
        `${SPOKE_SUB},${HUB_SUB}`,
        '--format',
        'json',
      ];
      const run = await runCli([...args, '--caller-vnet', callerVnet.id]);
      expect(run.stderr).toBe('');
      const report = JSON.parse(run.stdout) as {
        summary: { collection: { requests: Record<string, number> } };
        findings: { ruleId: string; outcome: string; resourceId: string; message: string }[];
      };
      expect(report.summary.collection.requests['Network.virtualNetworks.get']).toBe(1);
      expect(report.findings.filter((f) => f.ruleId === 'KV203')).toEqual([
        expect.objectContaining({
          outcome: 'pass',
          resourceId: path.ids.hubLink,
          message:
            'vnet-app resolves privatelink.vaultcore.azure.net through DNS server 10.0.0.4 (vnet-hub), which is linked (link link-vnet-hub); assumes the DNS server at 10.0.0.4 in vnet-hub forwards to Azure DNS (168.63.129.16): kvguard cannot see its configuration',
        }),
      ]);
    });
  });

  it('through Resource Graph too: read by id, a missing one a run-level error', async () => {
    await withEmulator(seed, {}, async (emulator) => {
      const missing = `/subscriptions/${CALLER_SUB}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/vnet-typo`;
      const collected = await collectLive(
        liveOptions(emulator, [SPOKE_SUB, HUB_SUB], { via: 'resource-graph', referencedIds: [callerVnet.id, missing] }),
      );
      expect(collected.resources.map((r) => idKey(r.id))).toContain(idKey(callerVnet.id));
      expect(collected.vaultErrors.size).toBe(0);
      expect(collected.notices).toEqual([
        {
          level: 'error',
          resourceId: missing,
          message: `${missing} is referenced by the audit's options (the caller's VNet) but Resource Graph does not return it (deleted, or not readable by this identity)`,
        },
      ]);
    });
  });

  it('one that does not exist is a run-level error naming it, not an error on every vault', async () => {
    await withEmulator(seed, {}, async (emulator) => {
      const missing = `/subscriptions/${CALLER_SUB}/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/vnet-typo`;
      const collected = await collectLive(liveOptions(emulator, [SPOKE_SUB, HUB_SUB], { referencedIds: [missing] }));
      expect(collected.vaultErrors.size).toBe(0);
      expect(collected.notices).toEqual([
        {
          level: 'error',
          resourceId: missing,
          message: expect.stringMatching(
            new RegExp(
              `^${missing} is referenced by the audit's options \\(the caller's VNet\\) but returned 404 \\(a typo, or deleted\\?\\): 404 `,
            ),
          ),
        },
      ]);
    });
  });
});
