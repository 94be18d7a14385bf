import * as path from 'node:path';
import { Command, Option } from 'commander';
import { packageRoot } from '../../engine/docs';
import { ArmResource, parentId, parseId, sameId } from '../../model/arm';
import { ARM_TYPES } from '../../model/arm-types';
import { REPORT_FORMATS } from '../../report/index';
import type { ReportFormat } from '../../report/types';
import { readSnapshot } from '../../input/snapshot';
import { EXIT } from '../../engine/gate';
import { setExitCode } from '../main';
import { audit } from './audit';
import { useEmulatorIdentity } from '../../emulator/identity-env';
import { DEMO_ROUTED_CALLER } from '../../fixtures/demo-topology';

/**
 * `kvguard demo`: the README's main job with nothing to set up. Starts the ARM emulator in-process with
 * the demo estate, points this process's managed identity at it (IDENTITY_ENDPOINT / IDENTITY_HEADER, as
 * App Service does), runs exactly `kvguard audit --endpoint URL --ca-cert FILE --subscription ...` through
 * the Azure SDKs and DefaultAzureCredential, prints the report and stops the emulator.
 *
 * With the shipped estate and the text format, a second audit follows: kv-payments-prod from a caller in
 * the app spoke, whose packets go through the hub's Azure Firewall (`--vault ... --caller-subnet ...`), so
 * the demo shows a routed path beside the ruleset-resolved one of the first report (issue 11).
 *
 * Exit code: the audits', as the findings say (issue 3): the demo estate is built with broken vaults, so the
 * demo exits 1, exactly what a CI gate on the same estate would see; a last line on stderr says so.
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
    .description(
      'audit a demo estate live: start the ARM emulator, run `kvguard audit --endpoint` against it through the Azure SDKs',
    )
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
  const restoreEnv = useEmulatorIdentity(emulator);
  try {
    const subscriptions = subscriptionsOf(resources);
    process.stderr.write(
      `kvguard demo: ARM emulator at ${emulator.endpoint} serving ${resources.length} resources from ${label}\n` +
        `kvguard demo: kvguard audit --endpoint ${emulator.endpoint} --ca-cert ${emulator.caCertPath} ${subscriptions.map((s) => `--subscription ${s}`).join(' ')}\n`,
    );
    const run = {
      subscription: subscriptions,
      endpoint: emulator.endpoint,
      caCert: emulator.caCertPath,
      format: flags.format,
      report: [],
      color: flags.color,
      ...(flags.verbose ? { verbose: true } : {}),
    };
    let code = await audit(run);
    const routed = flags.seed === undefined ? routedCaller(resources) : undefined;
    if (routed) {
      const command = `kvguard audit --endpoint ${emulator.endpoint} --ca-cert ${emulator.caCertPath} ${subscriptions.map((s) => `--subscription ${s}`).join(' ')} --vault ${routed.vault} --caller-subnet ${routed.subnet}`;
      // One report per run for the machine formats (a second JSON or SARIF document would not parse): say the command.
      if (flags.format === 'text') {
        process.stderr.write(
          `kvguard demo: the same vault from a caller in another spoke, routed through the hub firewall: ${command}\n`,
        );
        process.stdout.write('\n');
        code = Math.max(code, await audit({ ...run, vault: routed.vault, callerSubnet: routed.subnet }));
      } else
        process.stderr.write(
          `kvguard demo: for the routed path through the hub firewall, run with --format text, or: ${command}\n`,
        );
    }
    if (code === EXIT.findings)
      process.stderr.write(
        'kvguard demo: exit 1: the demo estate is built with broken vaults, and the findings fail the gate as they would in CI\n',
      );
    return code;
  } finally {
    restoreEnv();
    await emulator.stop();
  }
}

/**
 * The demo estate's second caller (src/fixtures/demo-topology.ts): a subnet of the app spoke, whose route table
 * sends everything through the hub's Azure Firewall, auditing one vault of another spoke. Only when the shipped
 * estate is served and holds both.
 */
function routedCaller(resources: readonly ArmResource[]): typeof DEMO_ROUTED_CALLER | undefined {
  const vnet = parentId(DEMO_ROUTED_CALLER.subnet);
  const holds = (test: (r: ArmResource) => boolean): boolean => resources.some(test);
  return holds((r) => sameId(r.id, vnet)) &&
    holds((r) => r.type.toLowerCase() === ARM_TYPES.vault.toLowerCase() && r.name === DEMO_ROUTED_CALLER.vault)
    ? DEMO_ROUTED_CALLER
    : undefined;
}

/** The demo estate shipped in examples/ (generated by src/fixtures/examples.ts), or the user's seed. */
function demoSeed(file: string | undefined): { resources: ArmResource[]; label: string } {
  const chosen = file ?? path.join(packageRoot(), 'examples', 'demo-estate.json');
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
