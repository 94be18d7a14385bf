import { collectLive } from '../../src/collect';
import { runAudit } from '../../src/cli/pipeline';
import { DEFAULT_CALLER } from '../../src/model/caller';
import { idKey } from '../../src/model/arm';
import { HUB_SUB, SPOKE_SUB } from '../../src/fixtures/scenario';
import { hubFirewall, virtualWanSpokes } from '../../src/fixtures/topology';
import { collectable, liveOptions, tempFile, withEmulator } from './live-support';

/**
 * Issue 11's topology types read live through the Azure SDKs (arm-network 39, arm-dnsresolver 1.1.0) from the
 * emulator: one list per subscription and type, one per hub, resolver and ruleset for their children, on the
 * ARM path and through Resource Graph; what comes back is what the emulator serves, and the audit's findings
 * equal those of the seed read as a snapshot.
 */
const NOW = new Date('2026-03-01T00:00:00Z');
const sorted = <T extends { id: string }>(resources: readonly T[]): T[] =>
  [...resources].sort((a, b) => (idKey(a.id) < idKey(b.id) ? -1 : 1));
const findingsOf = async (source: Parameters<typeof runAudit>[0]['source'], subnetId: string) =>
  (await runAudit({ source, caller: { ...DEFAULT_CALLER, subnetId }, now: NOW })).result;

/** Subnets name route tables and VNets list DNS servers: route tables, firewalls and resolvers are listed; no NSG, no hub. */
const TOPOLOGY_LISTS = {
  'DnsResolver.dnsForwardingRulesets.list': 2,
  'DnsResolver.dnsResolvers.list': 2,
  'Network.azureFirewalls.listAll': 2,
  'Network.firewallPolicies.listAll': 2,
  'Network.routeTables.listAll': 2,
};

describe('topology types, live', () => {
  const topology = hubFirewall();

  it('ARM path: the hub firewall, policy, route tables, resolver and ruleset come back as served', async () => {
    await withEmulator(topology.resources, {}, async (emulator) => {
      const collected = await collectLive(liveOptions(emulator, [SPOKE_SUB, HUB_SUB]));
      expect(sorted(collected.resources)).toEqual(sorted(collectable(emulator)));
      expect(collected.vaultErrors.size).toBe(0);
      expect(
        Object.keys(collected.requests).filter((k) => /networkSecurityGroups|virtualHubs|virtualWans/.test(k)),
      ).toEqual([]);
      expect(collected.requests).toMatchObject({
        ...TOPOLOGY_LISTS,
        'DnsResolver.inboundEndpoints.list': 1,
        'DnsResolver.outboundEndpoints.list': 1,
        'DnsResolver.forwardingRules.list': 1,
        'DnsResolver.virtualNetworkLinks.list': 1,
      });
      const live = await findingsOf(
        { kind: 'live', options: liveOptions(emulator, [SPOKE_SUB, HUB_SUB]) },
        topology.ids.ordersSubnet,
      );
      const seed = await findingsOf(
        { kind: 'snapshot', file: tempFile('seed.json', topology.resources) },
        topology.ids.ordersSubnet,
      );
      expect(live.findings).toEqual(seed.findings);
      expect(live.findings.find((f) => f.ruleId === 'KV203')?.message).toBe(
        'vnet-orders resolves privatelink.vaultcore.azure.net through ruleset rs-hub (privatelink.vaultcore.azure.net.) → inbound endpoint 10.0.0.4 (vnet-hub), which is linked (link link-vnet-hub)',
      );
    });
  });

  it('Resource Graph path: tracked types come with the one query, children by ARM lists', async () => {
    await withEmulator(topology.resources, {}, async (emulator) => {
      const collected = await collectLive(liveOptions(emulator, [SPOKE_SUB, HUB_SUB], { via: 'resource-graph' }));
      const types = new Set(collected.resources.map((r) => r.type.toLowerCase()));
      for (const type of [
        'microsoft.network/azurefirewalls',
        'microsoft.network/firewallpolicies',
        'microsoft.network/routetables',
        'microsoft.network/dnsresolvers/inboundendpoints',
        'microsoft.network/dnsforwardingrulesets/forwardingrules',
        'microsoft.network/dnsforwardingrulesets/virtualnetworklinks',
      ])
        expect(types).toContain(type);
      expect(Object.keys(collected.requests).filter((k) => k.startsWith('Network.routeTables'))).toEqual([]);
      const live = await findingsOf(
        { kind: 'live', options: liveOptions(emulator, [SPOKE_SUB, HUB_SUB], { via: 'resource-graph' }) },
        topology.ids.appSubnet,
      );
      const seed = await findingsOf(
        { kind: 'snapshot', file: tempFile('seed.json', topology.resources) },
        topology.ids.appSubnet,
      );
      expect(live.findings.filter((f) => f.ruleId === 'KV301')).toEqual(
        seed.findings.filter((f) => f.ruleId === 'KV301'),
      );
    });
  });

  it('Virtual WAN: hub connections and hub route tables are listed per hub', async () => {
    const wan = virtualWanSpokes();
    await withEmulator(wan.resources, {}, async (emulator) => {
      const collected = await collectLive(liveOptions(emulator, [SPOKE_SUB, HUB_SUB]));
      expect(sorted(collected.resources)).toEqual(sorted(collectable(emulator)));
      // The spokes' peerings to the hub's managed VNet (HV_...) call for the hub lists.
      expect(collected.requests).toMatchObject({
        'Network.virtualHubs.list': 2,
        'Network.virtualWans.list': 2,
        'Network.hubVirtualNetworkConnections.list': 1,
        'Network.hubRouteTables.list': 1,
      });
    });
  });
});
