import { runAudit } from '../../src/cli/pipeline';
import type { Finding } from '../../src/engine/types';
import { vnetsConnected } from '../../src/checks/access-path';
import { asArray, asObject, asString, props, type ArmResource } from '../../src/model/arm';
import { buildEstate } from '../../src/model/estate';
import { STACK_SUBSCRIPTION, stacksDir } from '../../src/pulumi/deploy';
import { listStacks } from '../../src/pulumi/stack-config';
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

test('every Pulumi.<stack>.yaml has an expectation, and every expectation a stack file', () => {
  expect(listStacks(stacksDir())).toEqual([...STACKS].sort());
});

test.each(STACKS)('%s: deployed into the emulator, the live audit fails exactly its rules', async (stack) => {
  await withFreshEmulator(async (emulator) => {
    const run = await deployInto(emulator, stack);
    // Every resource was PUT, both sides of the peering included: the emulator answers them Connected.
    const spokeName = `vnet-spoke-${run.config['kvguard-stacks:vaultName']}`;
    expect(peeringStates(emulator.resources())).toEqual({
      'vnet-hub': { 'to-spoke': 'Connected' },
      [spokeName]: { 'to-hub': 'Connected' },
    });
    const estate = buildEstate(emulator.resources());
    const vnetIdNamed = (name: string): string => estate.virtualNetworks.all().find((v) => v.name === name)?.id ?? name;
    expect(vnetsConnected(estate, vnetIdNamed('vnet-hub'), vnetIdNamed(spokeName))).toBe(true);
    const callerIp = run.config['kvguard-stacks:auditCallerIp'];
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
      caller: { ips: callerIp ? [callerIp] : [], trustedService: false },
      config: { rules: { KV104: { options: { dnsManagedElsewhere } } } },
      now: NOW,
    });
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
