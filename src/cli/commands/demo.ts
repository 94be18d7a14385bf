import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { packageRoot } from '../../engine/docs';
import { ArmResource, parseId } from '../../model/arm';
import { healthyPath } from '../../fixtures/scenario';
import { REPORT_FORMATS } from '../../report/index';
import type { ReportFormat } from '../../report/types';
import { readSnapshot } from '../../input/snapshot';
import { setExitCode } from '../main';
import { audit } from './audit';

/**
 * `kvguard demo`: the README's main job with nothing to set up. Starts the ARM emulator in-process with
 * the demo estate, points this process's managed identity at it (IDENTITY_ENDPOINT / IDENTITY_HEADER, as
 * App Service does), runs exactly `kvguard audit --endpoint URL --ca-cert FILE --subscription ...` through
 * the Azure SDKs and DefaultAzureCredential, prints the report and stops the emulator.
 *
 * Exit code: the audit's (issue 3: "exit code as the findings say"). The demo estate has broken vaults,
 * so the demo exits 1 — what a CI job gating on the same estate would see.
 */
interface DemoFlags {
  seed?: string;
  format: ReportFormat;
  verbose?: boolean;
  color: boolean;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('audit a demo estate live: start the ARM emulator, run `kvguard audit --endpoint` against it through the Azure SDKs')
    .option('--seed <file>', 'snapshot file the emulator serves (default: examples/demo-estate.json)')
    .addOption(new Option('--format <format>', 'report format').choices(REPORT_FORMATS).default('text'))
    .option('--verbose', 'also print passing findings and the ARM requests made')
    .option('--no-color', 'no ANSI colours (also NO_COLOR)')
    .action(async (flags: DemoFlags, command: Command) => {
      setExitCode(command, await demo(flags));
    });
}

export async function demo(flags: DemoFlags): Promise<number> {
  const { resources, label } = demoSeed(flags.seed);
  const { startEmulator } = await import('../../emulator/index');
  const emulator = await startEmulator({ seed: resources });
  const restoreEnv = pointIdentityAt(emulator.identityEndpoint, emulator.identityHeader);
  try {
    const subscriptions = subscriptionsOf(resources);
    process.stderr.write(
      `kvguard demo: ARM emulator at ${emulator.endpoint} serving ${resources.length} resources from ${label}\n` +
        `kvguard demo: kvguard audit --endpoint ${emulator.endpoint} --ca-cert ${emulator.caCertPath} ${subscriptions.map((s) => `--subscription ${s}`).join(' ')}\n`,
    );
    return await audit({
      subscription: subscriptions,
      endpoint: emulator.endpoint,
      caCert: emulator.caCertPath,
      format: flags.format,
      report: [],
      color: flags.color,
      ...(flags.verbose ? { verbose: true } : {}),
    });
  } finally {
    restoreEnv();
    await emulator.stop();
  }
}

/** The demo estate; until examples/demo-estate.json exists, the fixtures' healthy hub-and-spoke path. */
function demoSeed(file: string | undefined): { resources: ArmResource[]; label: string } {
  const chosen = file ?? path.join(packageRoot(), 'examples', 'demo-estate.json');
  if (file === undefined && !fs.existsSync(chosen)) return { resources: healthyPath().resources, label: 'the built-in healthy path' };
  return { resources: readSnapshot(chosen).resources, label: path.relative(process.cwd(), chosen) || chosen };
}

/** Every subscription the estate spans, hub included, in first-seen order. */
function subscriptionsOf(resources: readonly ArmResource[]): string[] {
  const seen = new Map<string, string>();
  for (const r of resources) {
    const id = parseId(r.id).subscriptionId;
    if (id && !seen.has(id.toLowerCase())) seen.set(id.toLowerCase(), id);
  }
  return [...seen.values()];
}

/** ManagedIdentityCredential (inside DefaultAzureCredential) reads these when it is constructed. */
function pointIdentityAt(endpoint: string, header: string): () => void {
  const saved = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IDENTITY_HEADER: process.env.IDENTITY_HEADER };
  process.env.IDENTITY_ENDPOINT = endpoint;
  process.env.IDENTITY_HEADER = header;
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
