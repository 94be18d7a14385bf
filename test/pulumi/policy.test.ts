import { unknownCheckingProxy } from '@pulumi/policy';
import { RULES } from '../../rules/index';
import type { JsonObject } from '../../src/model/arm';
import { previewStack, type StackRun } from '../../src/pulumi/deploy';
import { RESOURCE_RULES, STACK_RULES, evaluate, kvguardPolicies, viewOf } from '../../src/pulumi/policies';
import { policyResources, runPolicies, type PackConfig, type Violation } from '../../src/pulumi/policy-run';
import { STACKS, deployInto, withFreshEmulator } from './support';

/**
 * The policy pack's validate functions, run as the analyzer runs them (props behind unknownCheckingProxy,
 * notApplicable caught), on each stack's resources captured under Pulumi's mocks: after a deployment into
 * the emulator (outputs) and in a preview (inputs, ids unknown). Exact violations: policy, level, URN, message.
 */
const NOW = new Date('2026-03-01T00:00:00Z');
const policies = kvguardPolicies({ now: () => NOW });
const proxied = (props: JsonObject): JsonObject => unknownCheckingProxy(props) as JsonObject;

const TOKENS = {
  vault: 'azure-native:keyvault:Vault',
  endpoint: 'azure-native:network:PrivateEndpoint',
  zone: 'azure-native:privatedns:PrivateZone',
  'vnet-spoke': 'azure-native:network:VirtualNetwork',
  'a-record': 'azure-native:privatedns:PrivateRecordSet',
} as const;
const urn = (stack: string, name: keyof typeof TOKENS): string =>
  `urn:pulumi:${stack}::kvguard-stacks::pulumi:pulumi:Stack$${TOKENS[name]}::${name}`;

/** The pack config a user would write for the stack: KV104's option and the caller, from the stack file. */
function packConfig(run: StackRun): PackConfig {
  const config: PackConfig = {};
  if (run.config['kvguard-stacks:dnsManagedElsewhere'] === 'true')
    config['private-dns-zone-group'] = { dnsManagedElsewhere: true };
  const ip = run.config['kvguard-stacks:auditCallerIp'];
  if (ip) config['firewall-allows-caller'] = { caller: { ips: [ip] } };
  return config;
}

type Expected = [policy: string, level: string, resource: keyof typeof TOKENS, message: string];
const v = (stack: string, [policy, level, resource, message]: Expected): Violation => ({
  policy,
  enforcementLevel: level as Violation['enforcementLevel'],
  urn: urn(stack, resource),
  message,
});

const pending: Expected[] = [
  [
    'private-endpoint-approved',
    'mandatory',
    'endpoint',
    'KV102: connection pe-kvg-pending to kvg-pending is Pending ("Requested by the application team, please approve"): approve it on the vault',
  ],
  [
    'firewall-allows-caller',
    'mandatory',
    'vault',
    'KV301: denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint (private endpoint pe-kvg-pending is Pending, not Approved)',
  ],
];
const wrongZone: Expected[] = [
  [
    'private-dns-zone-group',
    'advisory',
    'endpoint',
    'KV104: private endpoint pe-kvg-wrongzone has DNS zone group default that points at privatelink.vault.azure.net; expected privatelink.vaultcore.azure.net',
  ],
  [
    'dns-zone-name',
    'mandatory',
    'zone',
    'KV201: private DNS zone privatelink.vault.azure.net (the DNS zone group of pe-kvg-wrongzone points at it; it holds A record kvg-wrongzone) is not named privatelink.vaultcore.azure.net: it uses the public host suffix vault.azure.net instead of vaultcore.azure.net',
  ],
  // KV202 is skipped: the zone group points at a misnamed zone, one cause that KV201 fails (issue 12).
];
const publicAccess: Expected[] = [
  [
    'firewall-default-deny',
    'advisory',
    'vault',
    'KV302: kvg-publicaccess accepts traffic from any public address: publicNetworkAccess is Enabled and networkAcls.defaultAction is Allow; expected publicNetworkAccess Disabled or defaultAction Deny',
  ],
  [
    'public-access-disabled',
    'mandatory',
    'vault',
    'KV303: kvg-publicaccess has private endpoint pe-kvg-publicaccess but publicNetworkAccess is Enabled; expected Disabled so traffic only comes through the endpoint',
  ],
];
const firewall: Expected[] = [
  [
    'firewall-allows-caller',
    'mandatory',
    'vault',
    'KV301: denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint',
  ],
];

/** After `pulumi up` (deployed into the emulator): every variant's break, on the resource at fault. */
const DEPLOYED: Record<string, Expected[]> = {
  healthy: [],
  'pending-approval': pending,
  'wrong-zone-name': wrongZone,
  'zone-not-linked': [
    [
      'dns-zone-linked',
      'mandatory',
      'vnet-spoke',
      'KV203: vnet-spoke-kvg-unlinked uses Azure-provided DNS and is not linked to privatelink.vaultcore.azure.net; it is peered to vnet-hub, which is linked, but peering does not carry private DNS zone links',
    ],
  ],
  'missing-a-record': [
    [
      'dns-a-record-present',
      'mandatory',
      'zone',
      'KV204: private DNS zone privatelink.vaultcore.azure.net has no A record named kvg-norecord',
    ],
  ],
  'stale-a-record': [
    [
      'dns-a-record-ip',
      'mandatory',
      'a-record',
      "KV205: A record kvg-stalerecord points at 10.1.1.9; the private endpoint's NIC has 10.1.1.4",
    ],
  ],
  'firewall-blocks-caller': firewall,
  'public-access-enabled': publicAccess,
};

/**
 * In a preview (inputs; ids, NIC, addresses and provisioningState unknown): what the inputs decide is
 * reported (a manual connection starts Pending; names and flags are known); what needs deployment is not.
 */
const PREVIEW: Record<string, Expected[]> = {
  healthy: [],
  'pending-approval': pending,
  'wrong-zone-name': wrongZone,
  'zone-not-linked': [],
  'missing-a-record': [],
  'stale-a-record': [],
  'firewall-blocks-caller': firewall,
  'public-access-enabled': publicAccess,
};

const DIAGNOSTIC_LOGS = (stack: string, vault: string): Violation => ({
  policy: 'diagnostic-logs',
  enforcementLevel: 'advisory',
  urn: urn(stack, 'vault'),
  message: `KV503: ${vault} has no diagnostic setting; expected one that sends AuditEvent logs (category AuditEvent, or group audit or allLogs) to a destination`,
});

const deployed = new Map<string, StackRun>();

beforeAll(async () => {
  // One emulator per stack, one jest worker for all: Pulumi's modules load once.
  for (const stack of STACKS)
    await withFreshEmulator(async (emulator) => void deployed.set(stack, await deployInto(emulator, stack)));
});

test('every rule is a policy, each kind as the issue asks: vault-only rules per resource, access-path rules per stack', () => {
  expect(policies.map((p) => [p.name, 'validateStack' in p ? 'stack' : 'resource', p.enforcementLevel])).toEqual([
    ['firewall-default-deny', 'resource', 'advisory'],
    ['rbac-authorization', 'resource', 'advisory'],
    ['soft-delete', 'resource', 'advisory'],
    ['purge-protection', 'resource', 'advisory'],
    ...STACK_RULES.map((id) => {
      const rule = RULES.find((r) => r.meta.id === id);
      return [rule?.meta.name, 'stack', rule?.meta.severity === 'error' ? 'mandatory' : 'advisory'];
    }),
  ]);
  expect(RESOURCE_RULES).toEqual(['KV302', 'KV405', 'KV501', 'KV502']);
});

describe.each(STACKS)('%s', (stack) => {
  test('deployed: exact violations, and only the advisory diagnostic-logs besides', async () => {
    const run = deployed.get(stack) as StackRun;
    const { violations, notApplicable } = await runPolicies(
      policies,
      policyResources(run.resources, 'deployed', proxied),
      packConfig(run),
    );
    const vaultName = run.config['kvguard-stacks:vaultName'] ?? '';
    expect(violations).toEqual(expect.arrayContaining([DIAGNOSTIC_LOGS(stack, vaultName)]));
    expect(violations.filter((x) => x.policy !== 'diagnostic-logs')).toEqual(DEPLOYED[stack]?.map((e) => v(stack, e)));
    // Resource policies skip every resource but the vault (validateResourceOfType's notApplicable, caught).
    expect(notApplicable.filter((n) => n.startsWith('soft-delete: '))).toHaveLength(run.resources.length - 1);
  });

  test('preview: what the inputs decide, never a violation that depends on an unknown value', async () => {
    const run = await previewStack(stack);
    const { violations } = await runPolicies(
      policies,
      policyResources(run.resources, 'preview', proxied),
      packConfig(run),
    );
    expect(violations.filter((x) => x.policy !== 'diagnostic-logs')).toEqual(PREVIEW[stack]?.map((e) => v(stack, e)));
  });
});

describe('unknown values and enforcement', () => {
  const views = async (stack: string) =>
    policyResources((await previewStack(stack)).resources, 'preview', proxied).map(viewOf);
  const rule = (id: string) => RULES.find((r) => r.meta.id === id) as (typeof RULES)[number];

  test('a rule that reads a value unknown until deployment is skipped with the reason, not failed', async () => {
    const findings = evaluate(rule('KV203'), await views('zone-not-linked'), {}, { now: () => NOW });
    expect(findings.map((f) => [f.outcome, f.urn])).toEqual([['skipped', urn('zone-not-linked', 'vnet-spoke')]]);
    expect(findings[0]?.message).toMatch(
      /^vnet-spoke-kvg-unlinked uses Azure-provided DNS and is not linked to privatelink\.vaultcore\.azure\.net.* \(not decided before deployment: .*provisioningState.* unknown\)$/,
    );
  });

  test('KV103 in a preview: provisioningState and the NIC are unknown, so skipped (not the error it reports when the state is absent)', async () => {
    const findings = evaluate(rule('KV103'), await views('healthy'), {}, { now: () => NOW });
    // The provisioning result and the NIC's (Azure creates the NIC at deployment): both wait for `pulumi up`.
    expect(findings.map((f) => f.outcome)).toEqual(['skipped', 'skipped']);
    for (const finding of findings) expect(finding.message).toContain('not decided before deployment: ');
  });

  test('KV102 in a preview: an automatic connection is planned Approved (what ARM sets), so it passes', async () => {
    expect(
      evaluate(rule('KV102'), await views('healthy'), {}, { now: () => NOW }).map((f) => [f.outcome, f.message]),
    ).toEqual([['pass', 'connection pe-kvg-healthy to kvg-healthy is Approved ("Auto-Approved")']]);
  });

  test('healthy has no mandatory violation, deployed or previewed', async () => {
    const run = deployed.get('healthy') as StackRun;
    for (const resources of [
      policyResources(run.resources, 'deployed', proxied),
      policyResources((await previewStack('healthy')).resources, 'preview', proxied),
    ]) {
      const { violations } = await runPolicies(policies, resources);
      expect(violations.filter((x) => x.enforcementLevel === 'mandatory')).toEqual([]);
    }
  });

  test('config sets the enforcement level per policy: disabled drops it, mandatory raises an advisory one', async () => {
    const run = deployed.get('public-access-enabled') as StackRun;
    const { violations } = await runPolicies(policies, policyResources(run.resources, 'deployed', proxied), {
      'public-access-disabled': { enforcementLevel: 'disabled' },
      'firewall-default-deny': { enforcementLevel: 'mandatory' },
      'diagnostic-logs': { enforcementLevel: 'disabled' },
    });
    expect(violations.map((x) => [x.policy, x.enforcementLevel])).toEqual([['firewall-default-deny', 'mandatory']]);
  });
});

test('policy-pack/config.example.json names real policies and fits their config schemas', async () => {
  const Ajv = (await import('ajv')).default;
  const example = (await import('../../policy-pack/config.example.json')).default as Record<string, unknown>;
  const levels = ['advisory', 'mandatory', 'remediate', 'disabled'];
  for (const [name, value] of Object.entries(example)) {
    if (name === 'all' || typeof value === 'string') {
      expect(levels).toContain(value);
      continue;
    }
    const policy = policies.find((p) => p.name === name);
    expect(policy?.name).toBe(name);
    const { enforcementLevel, ...options } = value as Record<string, unknown>;
    if (enforcementLevel !== undefined) expect(levels).toContain(enforcementLevel);
    const validate = new Ajv({ strict: false }).compile({
      type: 'object',
      properties: policy?.configSchema?.properties ?? {},
      additionalProperties: false,
    });
    expect([name, validate(options), validate.errors ?? null]).toEqual([name, true, null]);
  }
});
