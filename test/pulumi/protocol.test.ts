import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StackRun } from '../../src/pulumi/deploy';
import { EngineClient, type PackConfig } from './harness/engine-client';
import { startPack, type RunningPack } from './harness/pack-process';
import { afterUp, freshPreview, updatePreview, type Phase } from './harness/phases';
import { EXPECTED } from './expected-diagnostics';
import { PACK_DIR, PROJECT, line, readmeConfig, stackConfig } from './pack-support';
import { STACKS, deployInto, withFreshEmulator } from './support';

/**
 * The policy pack as the Pulumi engine drives it (harness/): started through `run-policy-pack` in its
 * folder, called over `pulumirpc.Analyzer` with properties marshalled as the engine marshals them, for every
 * stack in three phases: a first preview (azure-native's planned outputs: ids and names unknown, path
 * parameters absent), after `up` (outputs from the emulator), and a later preview that changes a tag on the
 * private endpoint. Config: README's (policy-pack/config.example.json) plus what the stack's file says to
 * pass (stacks/README.md: KV104's dnsManagedElsewhere, the caller's address).
 */

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

async function phase(stack: string, which: Phase): Promise<string[]> {
  const run = deployed.get(stack) as StackRun;
  await client.start({ packDir: PACK_DIR, project: PROJECT, stack, dryRun: which !== 'up', config: stackConfig(run) });
  const resources =
    which === 'preview' ? await freshPreview(stack) : which === 'up' ? afterUp(run) : updatePreview(run);
  const result = await client.run(resources);
  return result.diagnostics.map(line);
}

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
