import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StackRun } from '../../src/pulumi/deploy';
import readmeConfig from '../../policy-pack/config.example.json';
import { EngineClient, type Diagnostic, type PackConfig } from './harness/engine-client';
import { startPack, type RunningPack } from './harness/pack-process';
import { afterUp, freshPreview, updatePreview, type Phase } from './harness/phases';
import { STACKS, deployInto, withFreshEmulator } from './support';

/**
 * The policy pack as the Pulumi engine drives it (harness/): started through `run-policy-pack` in its
 * folder, called over `pulumirpc.Analyzer` with properties marshalled as the engine marshals them, for every
 * stack in three phases: a first preview (azure-native's planned outputs: ids and names unknown, path
 * parameters absent), after `up` (outputs from the emulator), and a later preview that changes a tag on the
 * private endpoint. Config: README's (policy-pack/config.example.json) plus what the stack's file says to
 * pass (stacks/README.md: KV104's dnsManagedElsewhere, the caller's address).
 */
const PACK_DIR = path.resolve(__dirname, '../../policy-pack');
const PROJECT = 'kvguard-stacks';

export function stackConfig(run: Pick<StackRun, 'config'>): PackConfig {
  const config: PackConfig = { ...(readmeConfig as PackConfig) };
  if (run.config['kvguard-stacks:dnsManagedElsewhere'] === 'true')
    config['private-dns-zone-group'] = { dnsManagedElsewhere: true };
  const ip = run.config['kvguard-stacks:auditCallerIp'];
  if (ip) config['firewall-allows-caller'] = { enforcementLevel: 'mandatory', caller: { ips: [ip] } };
  return config;
}

let pack: RunningPack;
let client: EngineClient;
const deployed = new Map<string, StackRun>();

beforeAll(async () => {
  if (!fs.existsSync(path.join(PACK_DIR, 'bin', 'policy-pack', 'index.js')))
    throw new Error('policy-pack/bin is missing: run `npm run build` (it compiles the pack)');
  pack = await startPack(PACK_DIR, { project: PROJECT, stack: 'healthy', dryRun: true });
  client = new EngineClient(pack.port);
  for (const stack of STACKS)
    await withFreshEmulator(async (emulator) => void deployed.set(stack, await deployInto(emulator, stack)));
}, 240_000);

afterAll(async () => {
  client?.close();
  await pack?.stop();
});

/** `policy level pulumi-name: message` (the message without the description line the pack puts first). */
function line(d: Diagnostic): string {
  const [, ...message] = d.message.split('\n');
  return `${d.policy} ${d.level} ${d.urn.split('::').pop() ?? ''}: ${message.join(' / ')}`;
}

async function phase(stack: string, which: Phase): Promise<string[]> {
  const run = deployed.get(stack) as StackRun;
  await client.start({ packDir: PACK_DIR, project: PROJECT, stack, dryRun: which !== 'up', config: stackConfig(run) });
  const resources =
    which === 'preview' ? await freshPreview(stack) : which === 'up' ? afterUp(run) : updatePreview(run);
  const result = await client.run(resources);
  return result.diagnostics.map(line);
}

/**
 * Exact diagnostics per phase (`policy level resource: message`). A first preview already reports what the
 * program decides (a manual connection starts Pending, names, flags, links, records a program writes or
 * leaves out); what only deployment tells waits for `up` (the NIC's address behind KV205, provisioning
 * states). The update preview changes the endpoint, so the endpoint's connection state and NIC are unknown
 * again: the rules reading them are skipped, never reported (the vault side still says Pending, but KV102
 * reads both ends).
 */
const EXPECTED: Record<string, Record<Phase, string[]>> = {
  healthy: {
    preview: [],
    up: [],
    update: [],
  },
  'pending-approval': {
    preview: [
      'private-endpoint-approved mandatory endpoint: connection pe-kvg-pending to kvg-pending is Pending ("Requested by the application team, please approve"): approve it on the vault',
    ],
    up: [
      'private-endpoint-approved mandatory endpoint: connection pe-kvg-pending to kvg-pending is Pending ("Requested by the application team, please approve"): approve it on the vault',
    ],
    update: [],
  },
  'wrong-zone-name': {
    preview: [
      'private-dns-zone-group advisory endpoint: private endpoint pe-kvg-wrongzone has DNS zone group default that points at privatelink.vault.azure.net; expected privatelink.vaultcore.azure.net',
      'dns-zone-name advisory zone: private DNS zone privatelink.vault.azure.net (the DNS zone group of pe-kvg-wrongzone points at it; it holds A record kvg-wrongzone) is not named privatelink.vaultcore.azure.net: it uses the public host suffix vault.azure.net instead of vaultcore.azure.net',
    ],
    up: [
      'private-dns-zone-group advisory endpoint: private endpoint pe-kvg-wrongzone has DNS zone group default that points at privatelink.vault.azure.net; expected privatelink.vaultcore.azure.net',
      'dns-zone-name advisory zone: private DNS zone privatelink.vault.azure.net (the DNS zone group of pe-kvg-wrongzone points at it; it holds A record kvg-wrongzone) is not named privatelink.vaultcore.azure.net: it uses the public host suffix vault.azure.net instead of vaultcore.azure.net',
    ],
    update: [],
  },
  'zone-not-linked': {
    preview: [
      'dns-zone-linked mandatory vnet-spoke: vnet-spoke-kvg-unlinked uses Azure-provided DNS and is not linked to privatelink.vaultcore.azure.net; it is peered to vnet-hub, which is linked, but peering does not carry private DNS zone links',
    ],
    up: [
      'dns-zone-linked mandatory vnet-spoke: vnet-spoke-kvg-unlinked uses Azure-provided DNS and is not linked to privatelink.vaultcore.azure.net; it is peered to vnet-hub, which is linked, but peering does not carry private DNS zone links',
    ],
    update: [],
  },
  'missing-a-record': {
    preview: [
      'dns-a-record-present mandatory zone: private DNS zone privatelink.vaultcore.azure.net has no A record named kvg-norecord',
    ],
    up: [
      'dns-a-record-present mandatory zone: private DNS zone privatelink.vaultcore.azure.net has no A record named kvg-norecord',
    ],
    update: [],
  },
  'stale-a-record': {
    preview: [],
    up: [
      "dns-a-record-ip advisory a-record: A record kvg-stalerecord points at 10.1.1.9; the private endpoint's NIC has 10.1.1.4",
    ],
    update: [],
  },
  'firewall-blocks-caller': {
    preview: [
      'firewall-allows-caller mandatory vault: denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint',
    ],
    up: [
      'firewall-allows-caller mandatory vault: denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint',
    ],
    update: [
      'firewall-allows-caller mandatory vault: denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint',
    ],
  },
  'public-access-enabled': {
    preview: [
      'firewall-default-deny advisory vault: kvg-publicaccess accepts traffic from any public address: publicNetworkAccess is Enabled and networkAcls.defaultAction is Allow; expected publicNetworkAccess Disabled or defaultAction Deny',
      'public-access-disabled advisory vault: kvg-publicaccess has private endpoint pe-kvg-publicaccess but publicNetworkAccess is Enabled; expected Disabled so traffic only comes through the endpoint',
    ],
    up: [
      'firewall-default-deny advisory vault: kvg-publicaccess accepts traffic from any public address: publicNetworkAccess is Enabled and networkAcls.defaultAction is Allow; expected publicNetworkAccess Disabled or defaultAction Deny',
      'public-access-disabled advisory vault: kvg-publicaccess has private endpoint pe-kvg-publicaccess but publicNetworkAccess is Enabled; expected Disabled so traffic only comes through the endpoint',
    ],
    update: [
      'firewall-default-deny advisory vault: kvg-publicaccess accepts traffic from any public address: publicNetworkAccess is Enabled and networkAcls.defaultAction is Allow; expected publicNetworkAccess Disabled or defaultAction Deny',
      'public-access-disabled advisory vault: kvg-publicaccess has private endpoint pe-kvg-publicaccess but publicNetworkAccess is Enabled; expected Disabled so traffic only comes through the endpoint',
    ],
  },
};

test('every stack has expectations for the three phases', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual([...STACKS].sort());
});

describe.each(STACKS)('%s', (stack) => {
  test.each(['preview', 'up', 'update'] as const)('%s: exact diagnostics', async (which) => {
    const actual = await phase(stack, which);
    if (process.env.KVGUARD_PRINT_PROTOCOL) console.log(JSON.stringify({ stack, which, actual }));
    expect(actual).toEqual(EXPECTED[stack]?.[which]);
  });
});

test('README config on the healthy stack: no mandatory violation in any phase', async () => {
  for (const which of ['preview', 'up', 'update'] as const) {
    const run = deployed.get('healthy') as StackRun;
    await client.start({
      packDir: PACK_DIR,
      project: PROJECT,
      stack: 'healthy',
      dryRun: which !== 'up',
      config: readmeConfig as PackConfig,
    });
    const resources =
      which === 'preview' ? await freshPreview('healthy') : which === 'up' ? afterUp(run) : updatePreview(run);
    const { diagnostics } = await client.run(resources);
    expect([which, diagnostics.filter((d) => d.level === 'mandatory')]).toEqual([which, []]);
  }
});
