import { Command, Option } from 'commander';
import type { ArmResource } from '../../model/arm';
import { UsageError } from '../../errors';
import { setExitCode } from '../main';
import { untilStopped } from '../until-stopped';

/**
 * `kvguard emulator --seed FILE`: the local ARM emulator (DESIGN 4) as a long-running process. The first
 * two lines of stdout are exactly `endpoint: https://127.0.0.1:PORT` and `ca: PATH`, so scripts can read
 * them; with `--data-plane` the third is `data-plane: https://127.0.0.1:PORT` (the Key Vault data plane
 * `kvguard probe` talks to, src/emulator/data-plane.ts); then the managed-identity values and usage hints.
 * Runs until SIGINT or SIGTERM.
 */
interface EmulatorFlags {
  seed: string;
  port?: string;
  latency?: string;
  faults?: string;
  pageSize?: string;
  throttle: boolean;
  dataPlane?: boolean;
  shape?: 'full' | 'minimal';
  cloud?: 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';
}

function integer(value: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new UsageError(`${flag} ${value}: expected a whole number from ${min} to ${max}`);
  return Number(value);
}

/** `--latency 30` or `--latency 20-50` (uniform in the range). */
export function parseLatency(value: string | undefined): number | { min: number; max: number } | undefined {
  if (value === undefined) return undefined;
  const range = /^(\d+)-(\d+)$/.exec(value);
  if (range) {
    const [min, max] = [Number(range[1]), Number(range[2])];
    if (min > max) throw new UsageError(`--latency ${value}: the minimum is above the maximum`);
    return { min, max };
  }
  return integer(value, '--latency', 0, 600000);
}

/** The seed goes through the snapshot loader's validation; the emulator then serves every resource in it (role assignments too). */
async function readSeed(file: string): Promise<ArmResource[]> {
  const { readJsonFile } = await import('../../input/json-file');
  const data = readJsonFile(file);
  if (Array.isArray(data) && data.length === 0) return [];
  const { parseSnapshot } = await import('../../input/snapshot');
  parseSnapshot(data, file);
  if (Array.isArray(data)) return data as ArmResource[];
  const wrapped = data as { resources?: ArmResource[]; data?: ArmResource[] };
  return wrapped.resources ?? wrapped.data ?? [];
}

export function register(program: Command): void {
  program
    .command('emulator')
    .description(
      'run a local ARM emulator (HTTPS, managed identity, paging, throttling, faults) serving a snapshot file',
    )
    .requiredOption('--seed <file>', 'snapshot file whose resources the emulator serves')
    .option('--port <n>', 'port on 127.0.0.1 (default: any free port)')
    .option('--latency <ms>', 'delay every ARM answer by MS, or by MIN-MAX milliseconds')
    .option(
      '--faults <spec>',
      'inject faults, e.g. seed=42,429@0.05,500@0.02,reset@0.01,403:sub=ID (grammar: src/emulator/faults.ts)',
    )
    .option('--page-size <n>', 'items per list page when the client sends no $top (default 10)')
    .option('--no-throttle', "turn ARM's read throttling off (default: 250 reads, 25/s per subscription and principal)")
    .addOption(
      new Option(
        '--shape <shape>',
        'full: every field the service returns; minimal: only what the specs promise (no optional type/etag/counters, lower-cased Private DNS child ids, an empty first page)',
      )
        .choices(['full', 'minimal'])
        .default('full'),
    )
    .addOption(
      new Option('--cloud <cloud>', 'the cloud whose ARM token audience is accepted')
        .choices(['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'])
        .default('AzureCloud'),
    )
    .option(
      '--data-plane',
      "also serve the seed's vaults' Key Vault data plane (chosen by Host header) for kvguard probe",
    )
    .action(async (flags: EmulatorFlags, command: Command) => {
      setExitCode(command, await runEmulator(flags));
    });
}

export async function runEmulator(flags: EmulatorFlags, signals: NodeJS.EventEmitter = process): Promise<number> {
  const port = flags.port === undefined ? undefined : integer(flags.port, '--port', 0, 65535);
  const pageSize = flags.pageSize === undefined ? undefined : integer(flags.pageSize, '--page-size', 1, 10000);
  const latencyMs = parseLatency(flags.latency);
  const { FaultSpecError, parseFaults } = await import('../../emulator/faults');
  try {
    parseFaults(flags.faults);
  } catch (thrown) {
    if (thrown instanceof FaultSpecError) throw new UsageError(thrown.message);
    throw thrown;
  }
  const seed = await readSeed(flags.seed);
  const { startEmulator } = await import('../../emulator/index');
  let emulator;
  try {
    emulator = await startEmulator({
      seed,
      port,
      latencyMs,
      faults: flags.faults,
      pageSize,
      ...(flags.throttle ? {} : { throttle: false as const }),
      ...(flags.dataPlane ? { dataPlane: true } : {}),
      shape: flags.shape ?? 'full',
      cloud: flags.cloud ?? 'AzureCloud',
    });
  } catch (thrown) {
    const code = (thrown as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES')
      throw new UsageError(`--port ${port}: cannot listen on 127.0.0.1 (${code})`);
    throw thrown;
  }
  const dataPlanePort = emulator.dataPlaneEndpoint === undefined ? undefined : new URL(emulator.dataPlaneEndpoint).port;
  process.stdout.write(
    [
      `endpoint: ${emulator.endpoint}`,
      `ca: ${emulator.caCertPath}`,
      ...(emulator.dataPlaneEndpoint === undefined ? [] : [`data-plane: ${emulator.dataPlaneEndpoint}`]),
      `identity-endpoint: ${emulator.identityEndpoint}`,
      `identity-header: ${emulator.identityHeader}`,
      `serving ${seed.length} resources from ${flags.seed}; stop with Ctrl-C`,
      'use it from another shell:',
      `  export IDENTITY_ENDPOINT=${emulator.identityEndpoint} IDENTITY_HEADER=${emulator.identityHeader}`,
      `  kvguard audit --endpoint ${emulator.endpoint} --ca-cert ${emulator.caCertPath} --subscription <id>`,
      ...(dataPlanePort === undefined
        ? []
        : [
            `  kvguard probe --vault NAME --snapshot ${flags.seed} --address 127.0.0.1 --port ${dataPlanePort} --ca-cert ${emulator.caCertPath}`,
          ]),
      '',
    ].join('\n'),
  );
  await untilStopped(signals);
  await emulator.stop();
  return 0;
}
