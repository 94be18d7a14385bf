import { runAudit } from '../../src/cli/pipeline';
import type { RunningEmulator } from '../../src/emulator';
import type { Finding, RunResult } from '../../src/engine/types';
import { vnetsConnected } from '../../src/checks/access-path';
import { asArray, asObject, asString, props, type ArmResource } from '../../src/model/arm';
import { buildEstate } from '../../src/model/estate';
import { STACK_SUBSCRIPTION, stacksDir, type StackRun } from '../../src/pulumi/deploy';
import { listStacks } from '../../src/pulumi/stack-config';
import { auditCallerSubnetId } from './pack-support';
import { EXPECTED_FAILS, STACKS, deployInto, withFreshEmulator } from './support';

/**
 * Issue 4, "Done when": every stack deployed into a fresh emulator (the program under Pulumi's mock
 * runtime, each resource PUT through ARM's REST API) and audited live through the Azure SDKs. Healthy
 * has no fail in KV1xx-KV3xx; each variant fails exactly the rules it was built to break.
 */
const NOW = new Date('2026-03-01T00:00:00Z');
const ACCESS_PATH_RULE = /^KV[123]\d\d$/;

/** Each VNet's peerings as the emulator holds them: `vnet -> {peering -> state}`. */
function peeringStates(resources: ArmResource[]): Record<string, Record<string, string | undefined>> {
  return Object.fromEntries(
    resources
      .filter((r) => r.type === 'Microsoft.Network/virtualNetworks')
      .map((vnet) => [
        vnet.name,
        Object.fromEntries(
          asArray(vnet.properties?.virtualNetworkPeerings).map((p) => [
            asString(asObject(p)?.name) ?? '',
            asString(props(p).peeringState),
          ]),
        ),
      ]),
  );
}

/** The live audit, with the caller the stack names (stacks/Pulumi.<stack>.yaml, the `auditCallerSubnetId` output). */
async function auditStack(emulator: RunningEmulator, run: StackRun): Promise<RunResult> {
  const callerIp = run.config['kvguard-stacks:auditCallerIp'];
  const subnetId = auditCallerSubnetId(run);
  const dnsManagedElsewhere = run.config['kvguard-stacks:dnsManagedElsewhere'] === 'true';
  const { result } = await runAudit({
    source: {
      kind: 'live',
      options: {
        subscriptions: [STACK_SUBSCRIPTION],
        cloud: 'AzureCloud',
        endpoint: emulator.endpoint,
        caCertFile: emulator.caCertPath,
        retry: { baseDelayMs: 20, maxDelayMs: 200 },
      },
    },
    caller: { ips: callerIp ? [callerIp] : [], trustedService: false, ...(subnetId ? { subnetId } : {}) },
    config: { rules: { KV104: { options: { dnsManagedElsewhere } } } },
    now: NOW,
  });
  return result;
}

test('every Pulumi.<stack>.yaml has an expectation, and every expectation a stack file', () => {
  expect(listStacks(stacksDir())).toEqual([...STACKS].sort());
});

test.each(STACKS)('%s: deployed into the emulator, the live audit fails exactly its rules', async (stack) => {
  await withFreshEmulator(async (emulator) => {
    const run = await deployInto(emulator, stack);
    // Every resource was PUT, both sides of each peering included: the emulator answers them Connected.
    const spokeName = `vnet-spoke-${run.config['kvguard-stacks:vaultName']}`;
    const withApp = run.config['kvguard-stacks:topology'] === 'hubFirewall';
    expect(peeringStates(emulator.resources())).toEqual({
      'vnet-hub': { 'to-spoke': 'Connected', ...(withApp ? { 'to-app': 'Connected' } : {}) },
      [spokeName]: { 'to-hub': 'Connected' },
      ...(withApp ? { 'vnet-app': { 'to-hub': 'Connected' } } : {}),
    });
    const estate = buildEstate(emulator.resources());
    const vnetIdNamed = (name: string): string => estate.virtualNetworks.all().find((v) => v.name === name)?.id ?? name;
    expect(vnetsConnected(estate, vnetIdNamed('vnet-hub'), vnetIdNamed(spokeName))).toBe(true);
    const result = await auditStack(emulator, run);
    const failing = (findings: Finding[]): string[] =>
      [
        ...new Set(
          findings.filter((f) => f.outcome === 'fail' && ACCESS_PATH_RULE.test(f.ruleId)).map((f) => f.ruleId),
        ),
      ].sort();
    expect({
      stack,
      failing: failing(result.findings),
      errors: result.findings.filter((f) => f.outcome === 'error'),
    }).toEqual({ stack, failing: EXPECTED_FAILS[stack], errors: [] });
    expect(result.summary.vaults).toBe(1);
  });
});

test('kvguard stack deploy <stack> --endpoint --ca-cert deploys into a running emulator; unknown stacks are a usage error', async () => {
  const { runCli } = await import('../support/run-cli');
  await withFreshEmulator(async (emulator) => {
    const run = await runCli([
      'stack',
      'deploy',
      'zone-not-linked',
      '--endpoint',
      emulator.endpoint,
      '--ca-cert',
      emulator.caCertPath,
    ]);
    expect(run).toEqual({ code: 0, stdout: 'deployed stack zone-not-linked: 12 resources\n', stderr: '' });
    expect(
      emulator
        .resources()
        .filter((r) => r.type === 'Microsoft.Network/privateDnsZones/virtualNetworkLinks')
        .map((r) => r.name),
    ).toEqual(['link-vnet-hub']);
  });
  const unknown = await runCli(['stack', 'deploy', 'no-such-stack']);
  expect(unknown).toEqual({
    code: 2,
    stdout: '',
    stderr: `kvguard: stack no-such-stack: unknown; the stacks are ${[...STACKS].sort().join(', ')}\n`,
  });
});

test('a stack file outside the supported YAML subset is refused with its line, not half read', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { readStackConfig } = await import('../../src/pulumi/stack-config');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvguard-stack-'));
  const write = (text: string): string => {
    const file = path.join(dir, 'Pulumi.x.yaml');
    fs.writeFileSync(file, text);
    return file;
  };
  expect(
    readStackConfig(
      write('# c\nconfig:\n  kvguard-stacks:ipRules: ["203.0.113.0/24"] # office\n  kvguard-stacks:linkSpoke: false\n'),
    ),
  ).toEqual({
    'kvguard-stacks:ipRules': '["203.0.113.0/24"]',
    'kvguard-stacks:linkSpoke': 'false',
  });
  const nested = write('config:\n  kvguard-stacks:ipRules:\n    - 203.0.113.0/24\n');
  expect(() => readStackConfig(nested)).toThrow(
    `${nested}:3: expected "  namespace:key: value", found "- 203.0.113.0/24"`,
  );
  const broken = write('config:\n  kvguard-stacks:ipRules: [203.0.113.0/24]\n');
  expect(() => readStackConfig(broken)).toThrow(
    `${broken}:2: [203.0.113.0/24] is not valid JSON (structured values are written as JSON)`,
  );
});

/**
 * Issue 11, "Demo and stacks": the topology stacks, audited live, judge the path hop by hop. hub-firewall: a
 * caller in the app spoke reaches the endpoint through the UDR to the hub firewall (arm-network `Route`
 * nextHopType VirtualAppliance at the firewall's `AzureFirewallIPConfiguration.privateIPAddress`, which the
 * emulator allocates as Azure does) and resolves through the firewall's DNS proxy (`FirewallPolicy.dnsSettings`);
 * without allowForwardedTraffic on the vault spoke's peering the one failure is KV301 (KV205 skipped, naming
 * the same hop). ruleset-resolved-spoke: the spoke resolves through the ruleset's rule (arm-dnsresolver
 * `ForwardingRule`, domain with a trailing dot as ForwardingRule_Get.json) to the inbound endpoint's address;
 * the rule Disabled, the spoke falls back to Azure DNS and KV203 fails.
 */
const TOPOLOGY_FINDINGS: Record<string, { rule: string; outcome: string; resource: string; message: string }[]> = {
  'hub-firewall': [
    {
      rule: 'KV203',
      outcome: 'pass',
      resource:
        'hub:Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/virtualNetworkLinks/link-vnet-hub',
      message:
        'vnet-app resolves privatelink.vaultcore.azure.net through firewall DNS proxy 10.0.1.4 (vnet-hub), which is linked (link link-vnet-hub)',
    },
    {
      rule: 'KV301',
      outcome: 'pass',
      resource: 'spoke:Microsoft.KeyVault/vaults/kvg-hubfw',
      message:
        'allowed: the caller in vnet-app reaches kvg-hubfw through private endpoint pe-kvg-hubfw (Approved) via UDR 0.0.0.0/0 → peering to-hub → firewall 10.0.1.4 (vnet-hub) → peering to-spoke; the firewall does not apply to private endpoint traffic; assumes firewall fw-hub allows TCP 443 to 10.1.1.4: check its network and application rules (firewall policy fwp-hub)',
    },
  ],
  'hub-firewall-no-forwarding': [
    {
      rule: 'KV301',
      outcome: 'fail',
      resource: 'spoke:Microsoft.KeyVault/vaults/kvg-hubfw-nofwd',
      message:
        'denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint (peering to-hub of vnet-spoke-kvg-hubfw-nofwd does not allow forwarded traffic (allowForwardedTraffic false), so it drops what the appliance in vnet-hub forwards)',
    },
  ],
  'ruleset-resolved-spoke': [
    {
      rule: 'KV203',
      outcome: 'pass',
      resource:
        'hub:Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/virtualNetworkLinks/link-vnet-hub',
      message:
        'vnet-spoke-kvg-ruleset resolves privatelink.vaultcore.azure.net through ruleset rs-hub (privatelink.vaultcore.azure.net.) → inbound endpoint 10.0.0.4 (vnet-hub), which is linked (link link-vnet-hub)',
    },
  ],
  'ruleset-rule-disabled': [
    {
      rule: 'KV203',
      outcome: 'fail',
      resource: 'spoke:Microsoft.Network/virtualNetworks/vnet-spoke-kvg-ruleset-off',
      message:
        'vnet-spoke-kvg-ruleset-off uses Azure-provided DNS and is not linked to privatelink.vaultcore.azure.net; it is peered to vnet-hub, which is linked, but peering does not carry private DNS zone links; rule privatelink-vaultcore (privatelink.vaultcore.azure.net.) of forwarding ruleset rs-hub, linked to it, is Disabled',
    },
  ],
};

test.each(Object.keys(TOPOLOGY_FINDINGS))('%s: the live audit judges the topology hop by hop', async (stack) => {
  await withFreshEmulator(async (emulator) => {
    const run = await deployInto(emulator, stack);
    const group = (which: string): string =>
      `/subscriptions/${STACK_SUBSCRIPTION}/resourceGroups/${which === 'hub' ? `rg-kvguard-hub-${stack}` : `rg-kvguard-${stack}`}/providers/`;
    const expected = (TOPOLOGY_FINDINGS[stack] ?? []).map((e) => {
      const [which = '', rest = ''] = e.resource.split(':');
      return { ruleId: e.rule, outcome: e.outcome, resourceId: group(which) + rest, message: e.message };
    });
    const result = await auditStack(emulator, run);
    // `kvguard stack deploy` prints the audit to run with the caller the stack names (its output for these).
    const { auditCommand } = await import('../../src/cli/commands/stack');
    const subnet = auditCallerSubnetId(run);
    expect(auditCommand(run, emulator.endpoint, 'ca.pem', STACK_SUBSCRIPTION)).toBe(
      `kvguard audit --endpoint ${emulator.endpoint} --ca-cert ca.pem --subscription ${STACK_SUBSCRIPTION}` +
        (stack.startsWith('hub-firewall')
          ? ` --caller-subnet /subscriptions/${STACK_SUBSCRIPTION}/resourceGroups/rg-kvguard-${stack}/providers/Microsoft.Network/virtualNetworks/vnet-app/subnets/snet-app`
          : ''),
    );
    expect(subnet === undefined).toBe(!stack.startsWith('hub-firewall'));
    const rules = new Set(expected.map((e) => e.ruleId));
    expect(
      result.findings
        .filter((f) => rules.has(f.ruleId))
        .map((f) => ({ ruleId: f.ruleId, outcome: f.outcome, resourceId: f.resourceId, message: f.message })),
    ).toEqual(expected);
  });
});
