import { A_RECORD_TYPE, GRAPH_LISTED_TYPES, LINK_TYPE, PATH_NETWORK_TYPES } from '../../src/collect/graph';
import { runAudit } from '../../src/cli/pipeline';
import { DEFAULT_CALLER } from '../../src/model/caller';
import type { ArmResource } from '../../src/model/arm';
import { hubFirewall, virtualWanSpokes } from '../../src/fixtures/topology';
import { tempFile } from '../collect/live-support';

/**
 * A snapshot made with `kvguard snapshot --print-query` (docs/queries/*.kql) holds the tracked path resources but
 * none of their proxy children: forwarding rules, ruleset VNet links, hub connections and hub route tables.
 * Their absence is not evidence: a spoke resolving through a forwarding ruleset, or reaching the endpoint
 * through a Virtual WAN hub, is unknown on such a snapshot (skipped, naming what was not collected), never a
 * false KV203/KV301 failure. Rows are shaped as Resource Graph returns them: lower-cased `type`
 * (https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language — type values are lower case in results).
 */
const NOW = new Date('2026-03-01T00:00:00Z');
const QUERIED = new Set(
  [...GRAPH_LISTED_TYPES, LINK_TYPE, ...PATH_NETWORK_TYPES, A_RECORD_TYPE].map((t) => t.toLowerCase()),
);
const REASON = 'the input is a Resource Graph response, and Resource Graph holds none';

function graphResponse(resources: readonly ArmResource[]): { data: ArmResource[] } {
  return {
    data: resources.filter((r) => QUERIED.has(r.type.toLowerCase())).map((r) => ({ ...r, type: r.type.toLowerCase() })),
  };
}

async function findingsFor(resources: readonly ArmResource[], subnetId: string, ruleId: string) {
  const file = tempFile('arg.json', graphResponse(resources));
  const { result } = await runAudit({
    source: { kind: 'snapshot', file },
    caller: { ...DEFAULT_CALLER, subnetId },
    now: NOW,
  });
  return result.findings.filter((f) => f.ruleId === ruleId).map((f) => [f.outcome, f.resourceId, f.message]);
}

describe('a Resource Graph snapshot cannot hold the path resources’ children', () => {
  it('a spoke that resolves through a forwarding ruleset: KV203 skipped (was a false fail), naming the uncollected links', async () => {
    const topology = hubFirewall();
    expect(await findingsFor(topology.resources, topology.ids.ordersSubnet, 'KV203')).toEqual([
      [
        'skipped',
        topology.ids.ordersVnet,
        `whether a DNS forwarding ruleset is linked to vnet-orders is unknown: ruleset virtual network links were not collected (${REASON})`,
      ],
    ]);
  });

  it('spokes connected through a Virtual WAN hub: KV301 skipped (was a false fail), naming the uncollected hub connections', async () => {
    const topology = virtualWanSpokes();
    expect(await findingsFor(topology.resources, topology.ids.callerSubnet, 'KV301')).toEqual([
      [
        'skipped',
        topology.ids.callerVnet,
        `cannot evaluate: the private endpoint path Caller snet-app stops at a hop kvguard cannot judge: whether vnet-wan-app reaches 10.11.1.4 through a Virtual WAN hub is unknown: hub virtual network connections were not collected (${REASON})`,
      ],
    ]);
  });
});
