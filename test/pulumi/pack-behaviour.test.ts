import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../rules/index';
import { evaluate, policyKind, viewOf } from '../../src/pulumi/policies';
import { mappedTokens, mappingFor } from '../../src/pulumi/arm-types';
import type { StackRun } from '../../src/pulumi/deploy';
import { plannedCreate } from './harness/azure-native-shapes';
import { EngineClient, type EngineResource, type PackConfig, type PhaseResult } from './harness/engine-client';
import { Secret, Unknown, isObject, marshalProperties, type PropertyMap } from './harness/marshal';
import { startPack, type RunningPack } from './harness/pack-process';
import { afterUp, freshPreview } from './harness/phases';
import { PACK_DIR, PROJECT, line, readmeConfig } from './pack-support';
import { deployInto, withFreshEmulator } from './support';

/**
 * What the pack does beyond the stacks' own breaks, through the same protocol harness: the catalogue is the
 * pack, remediation through the Remediate RPC, secrets, whole-object unknowns, unknown references, the vault
 * side of a connection, diagnostic settings, unmapped types, and enforcement that follows certainty.
 */
let pack: RunningPack;
let client: EngineClient;
let healthyUp: StackRun;

beforeAll(async () => {
  pack = await startPack(PACK_DIR, { project: PROJECT, stack: 'healthy', dryRun: true });
  client = new EngineClient(pack.port);
  await withFreshEmulator(async (emulator) => void (healthyUp = await deployInto(emulator, 'healthy')));
}, 120_000);

afterAll(async () => {
  client?.close();
  await pack?.stop();
});

async function run(stack: string, resources: EngineResource[], config: PackConfig): Promise<PhaseResult> {
  await client.start({ packDir: PACK_DIR, project: PROJECT, stack, dryRun: true, config });
  return client.run(resources);
}

const lines = (result: PhaseResult): string[] => result.diagnostics.map(line);

function named(resources: EngineResource[], name: string): EngineResource {
  const found = resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource ${name}`);
  return found;
}

function vaultProperties(resource: EngineResource, which: 'inputs' | 'outputs'): PropertyMap {
  const properties = resource[which].properties;
  if (!isObject(properties)) throw new Error(`${resource.name}.${which}.properties is not an object`);
  return properties;
}

/** A resource added to a preview the way the engine would see it: planned outputs from its inputs. */
function planned(stack: string, token: string, name: string, inputs: PropertyMap, deps: Partial<EngineResource> = {}) {
  return {
    urn: `urn:pulumi:${stack}::${PROJECT}::pulumi:pulumi:Stack$${token}::${name}`,
    type: token,
    name,
    parent: `urn:pulumi:${stack}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${stack}`,
    dependencies: [],
    propertyDependencies: {},
    inputs,
    outputs: plannedCreate(token, inputs),
    ...deps,
  } satisfies EngineResource;
}

test('every rule of the catalogue is a policy of the pack, its kind from the rule metadata', async () => {
  await client.start({ packDir: PACK_DIR, project: PROJECT, stack: 'healthy', dryRun: true, config: {} });
  const info = await client.info();
  const policies = new Map(info.policies.map((p) => [p.name, p.type]));
  for (const rule of RULES)
    expect([rule.meta.id, policies.get(rule.meta.name)]).toEqual([rule.meta.id, policyKind(rule)]);
  expect(info.policies.filter((p) => p.type === 'resource').map((p) => p.name)).toEqual([
    'firewall-default-deny',
    'rbac-authorization',
    'soft-delete',
    'purge-protection',
  ]);
  // Metadata as Pulumi's own packs carry it (PolicyPackArgs), the version from package.json.
  expect([info.name, info.version, info.provider, info.repository]).toEqual([
    'kvguard',
    '0.1.0',
    'azure',
    'https://github.com/kvguard/kvguard',
  ]);
  expect(info.displayName).toBe('kvguard: Azure Key Vault access paths');
  expect(info.tags).toEqual(['azure', 'key-vault', 'private-link', 'dns', 'network']);
});

test('a message shows its rule id once (the description line), not again in the text', async () => {
  const result = await run('pending-approval', await freshPreview('pending-approval'), readmeConfig);
  expect(result.diagnostics.map((d) => [d.policy, d.message.split('KV102').length - 1])).toEqual([
    ['private-endpoint-approved', 1],
  ]);
  expect(result.diagnostics[0]?.message.split('\n')[0]).toBe('KV102: Every private endpoint connection is Approved');
});

test('remediation through the Remediate RPC: the vault flags KV302, KV405, KV501, KV502 name are set', async () => {
  const resources = await freshPreview('healthy');
  const vault = named(resources, 'vault');
  for (const which of ['inputs', 'outputs'] as const) {
    const p = vaultProperties(vault, which);
    Object.assign(p, { enableSoftDelete: false, enablePurgeProtection: false, enableRbacAuthorization: false });
    Object.assign(p, {
      publicNetworkAccess: 'Enabled',
      networkAcls: { ...(p.networkAcls as object), defaultAction: 'Allow' },
    });
  }
  const remediate: PackConfig = Object.fromEntries(
    ['firewall-default-deny', 'rbac-authorization', 'soft-delete', 'purge-protection'].map((n) => [n, 'remediate']),
  );
  const result = await run('healthy', resources, { ...remediate, 'diagnostic-logs': 'disabled' });
  expect(result.remediations.map((r) => [r.policy, r.urn])).toEqual(
    ['firewall-default-deny', 'rbac-authorization', 'soft-delete', 'purge-protection'].map((p) => [p, vault.urn]),
  );
  const last = result.remediations[result.remediations.length - 1]?.properties ?? {};
  const fixed = last.properties as PropertyMap;
  expect([fixed.enableSoftDelete, fixed.enablePurgeProtection, fixed.enableRbacAuthorization]).toEqual([
    true,
    true,
    true,
  ]);
  expect((fixed.networkAcls as PropertyMap).defaultAction).toBe('Deny');
  // Everything else the program set is kept (bypass, ipRules, the vault's name).
  expect([(fixed.networkAcls as PropertyMap).bypass, last.vaultName]).toEqual(['AzureServices', 'kvg-healthy']);
  // Analyze then runs on the remediated inputs: no resource policy reports the vault.
  expect(result.diagnostics.filter((d) => d.urn === vault.urn && remediate[d.policy] !== undefined)).toEqual([]);
});

test('remediation keeps a secret secret', async () => {
  const resources = await freshPreview('healthy');
  const vault = named(resources, 'vault');
  const p = vaultProperties(vault, 'inputs');
  vault.inputs.properties = { ...p, tenantId: new Secret(p.tenantId ?? null), enableSoftDelete: false };
  const result = await run('healthy', resources, { 'soft-delete': 'remediate', 'diagnostic-logs': 'disabled' });
  const fixed = result.remediations[0]?.properties.properties as PropertyMap;
  expect([fixed.enableSoftDelete, fixed.tenantId]).toEqual([true, new Secret('72f988bf-86f1-41af-91ab-2d7cd011db47')]);
});

test('secret outputs (the engine signature 4dabf181...) are judged as their values', async () => {
  const plain = lines(await run('public-access-enabled', await freshPreview('public-access-enabled'), readmeConfig));
  const secret = await freshPreview('public-access-enabled', {
    secretOutputs: { vault: ['properties'], endpoint: ['privateLinkServiceConnections'] },
  });
  expect(JSON.stringify(marshalProperties(named(secret, 'vault').outputs))).toContain(
    '4dabf18193072939515e22adb298388d',
  );
  expect(lines(await run('public-access-enabled', secret, readmeConfig))).toEqual(plain);
  expect(plain).toHaveLength(2);
});

test("an unknown vault 'properties' (apply-wrapped) is unknown, not absent: no vault rule reports", async () => {
  const resources = await freshPreview('public-access-enabled');
  const vault = named(resources, 'vault');
  vault.inputs.properties = Unknown;
  vault.outputs.properties = Unknown;
  expect(lines(await run('public-access-enabled', resources, { ...readmeConfig, all: 'mandatory' }))).toEqual([]);
});

test('an unknown networkAcls gives no KV302', async () => {
  const resources = await freshPreview('public-access-enabled');
  const vault = named(resources, 'vault');
  for (const which of ['inputs', 'outputs'] as const) vaultProperties(vault, which).networkAcls = Unknown;
  const result = lines(await run('public-access-enabled', resources, readmeConfig));
  expect(result.filter((l) => l.startsWith('firewall-default-deny'))).toEqual([]);
  // KV303 reads publicNetworkAccess, which is known.
  expect(result.filter((l) => l.startsWith('public-access-disabled'))).toHaveLength(1);
});

test('a reference that stays unknown skips the rules that follow it, with the reason; never a violation', async () => {
  const resources = await freshPreview('pending-approval');
  const endpoint = named(resources, 'endpoint');
  // The vault the connection targets can no longer be told: its dependency is not recorded.
  endpoint.propertyDependencies = { ...endpoint.propertyDependencies, manualPrivateLinkServiceConnections: [] };
  endpoint.dependencies = endpoint.dependencies.filter((d) => !d.endsWith('::vault'));
  expect(lines(await run('pending-approval', resources, readmeConfig))).toEqual([]);
  const views = resources.map((r) =>
    viewOf(
      {
        urn: r.urn,
        type: r.type,
        name: r.name,
        props: marshalProperties(r.outputs),
        propertyDependencies: Object.fromEntries(
          Object.entries(r.propertyDependencies).map(([k, urns]) => [k, urns.map((urn) => ({ urn }) as never)]),
        ),
        dependencies: r.dependencies.map((urn) => ({ urn }) as never),
      },
      marshalProperties(r.inputs),
    ),
  );
  const kv101 = RULES.find((r) => r.meta.id === 'KV101');
  const findings = evaluate(kv101 as never, views, {});
  expect(findings.map((f) => f.outcome)).toEqual(['skipped']);
  expect(findings[0]?.message).toContain(
    'endpoint (azure-native:network:PrivateEndpoint): manualPrivateLinkServiceConnections[0].privateLinkServiceId',
  );
});

test("a vault-side keyvault:PrivateEndpointConnection that approves the stack's manual connection satisfies KV102", async () => {
  const resources = await freshPreview('pending-approval');
  const vault = named(resources, 'vault');
  const endpoint = named(resources, 'endpoint');
  const spoke = named(resources, 'spoke');
  const approval = planned(
    'pending-approval',
    'azure-native:keyvault:PrivateEndpointConnection',
    'approve-endpoint',
    {
      resourceGroupName: Unknown,
      vaultName: Unknown,
      privateEndpointConnectionName: Unknown,
      privateLinkServiceConnectionState: { status: 'Approved', description: 'Approved by the vault owner' },
    },
    {
      dependencies: [spoke.urn, vault.urn, endpoint.urn],
      propertyDependencies: {
        resourceGroupName: [spoke.urn],
        vaultName: [vault.urn],
        privateEndpointConnectionName: [vault.urn],
      },
    },
  );
  expect(lines(await run('pending-approval', [...resources, approval], readmeConfig))).toEqual([]);
});

test('a declared monitor:DiagnosticSetting on the vault satisfies KV503', async () => {
  const config = { ...readmeConfig, 'diagnostic-logs': 'advisory' };
  const resources = await freshPreview('healthy');
  expect(lines(await run('healthy', resources, config))).toEqual([
    'diagnostic-logs advisory vault: kvg-healthy has no diagnostic setting; expected one that sends AuditEvent logs (category AuditEvent, or group audit or allLogs) to a destination',
  ]);
  const vault = named(resources, 'vault');
  const setting = planned(
    'healthy',
    'azure-native:monitor:DiagnosticSetting',
    'vault-audit',
    {
      name: 'audit-to-workspace',
      resourceUri: Unknown,
      workspaceId:
        '/subscriptions/44444444-4444-4444-4444-444444444444/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/ops',
      logs: [{ categoryGroup: 'audit', enabled: true }],
    },
    { dependencies: [vault.urn], propertyDependencies: { resourceUri: [vault.urn] } },
  );
  expect(lines(await run('healthy', [...resources, setting], config))).toEqual([]);
});

test('types the pack does not map are listed once, in one advisory summary', async () => {
  const resources = await freshPreview('healthy');
  const extra = ['storage:StorageAccount', 'operationalinsights:Workspace', 'storage:StorageAccount'].map((t, i) =>
    planned('healthy', `azure-native:${t}`, `extra-${i}`, { resourceGroupName: 'rg-ops', location: 'westeurope' }),
  );
  expect(lines(await run('healthy', [...resources, ...extra], readmeConfig))).toEqual([
    'kvguard-coverage advisory : Types not mapped to ARM (not part of any access path kvguard checks): azure-native:operationalinsights:Workspace, azure-native:storage:StorageAccount',
  ]);
});

test('a result that could not be evaluated is advisory even for a mandatory policy; `unevaluated: disabled` hides it', async () => {
  const outside =
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/Microsoft.Network/virtualNetworks/vnet-app';
  const config: PackConfig = {
    ...readmeConfig,
    'dns-zone-linked': { enforcementLevel: 'mandatory', caller: { vnetId: outside } },
  };
  const resources = afterUp(healthyUp);
  const reported = (await run('healthy', resources, config)).diagnostics;
  expect(
    reported.map((d) => [d.policy, d.level, d.message.split('\n')[1]?.startsWith('Could not be evaluated: ')]),
  ).toEqual([['dns-zone-linked', 'advisory', true]]);
  const hidden = {
    ...config,
    'dns-zone-linked': { ...(config['dns-zone-linked'] as object), unevaluated: 'disabled' },
  };
  expect((await run('healthy', resources, hidden)).diagnostics).toEqual([]);
});

test('the ARM mapping names path parameters azure-native really has', () => {
  const root = path.dirname(require.resolve('@pulumi/azure-native/package.json'));
  for (const token of mappedTokens()) {
    const [, module = '', name = ''] = token.split(':');
    const file = path.join(root, module, `${name.charAt(0).toLowerCase()}${name.slice(1)}.d.ts`);
    if (!fs.existsSync(file)) {
      // A v2 token v3 keeps as an alias of the moved resource (privatedns:PrivateZone aliases network:PrivateZone).
      const moved = path.join(root, 'privatedns', `${name.charAt(0).toLowerCase()}${name.slice(1)}.js`);
      expect([token, fs.readFileSync(moved, 'utf8').includes(`"${token}"`)]).toEqual([token, true]);
      continue;
    }
    const text = fs.readFileSync(file, 'utf8');
    const args = text.slice(text.indexOf(`export interface ${name}Args {`));
    const mapping = mappingFor(token);
    const params = [
      ...(mapping?.segments ?? []).flatMap((s) => (s.param ? [s.param] : [])),
      ...(mapping?.scopeParam ? [mapping.scopeParam] : []),
    ];
    for (const param of params)
      expect([token, param, new RegExp(`^    ${param}\\??: `, 'm').test(args)]).toEqual([token, param, true]);
  }
});
