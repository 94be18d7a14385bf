import { runAudit } from '../src/cli/pipeline';
import type { LiveOptions } from '../src/collect/types';
import { startEmulator } from '../src/emulator';
import { useEmulatorIdentity } from '../src/emulator/identity-env';
import { exitCode } from '../src/engine/gate';
import type { RunResult } from '../src/engine/types';
import { DEFAULT_CALLER } from '../src/model/caller';
import { HUB_SUB } from '../src/fixtures/scenario';
import { generateEstate } from './generate-estate';

/**
 * The fault matrix of issue 16 on a larger estate (default 200 vaults in 4 spoke subscriptions and a hub),
 * with kvguard's default retry settings and a 120 s `--timeout`: each row is one fault spec of the emulator's
 * grammar, recoverable (findings must equal the fault-free run's) or not (the run must end, exit 2, and name
 * every vault it could list). Prints the Markdown table docs/reliability.md holds. `npm run bench:faults [-- N]`.
 */
const vaults = Number(process.argv[2] ?? 200);
const estate = generateEstate({ vaults, subscriptions: 4 });
const NOW = new Date('2026-03-01T00:00:00Z');
const TIMEOUT_MS = 120_000;

const ROWS: { faults: string; recoverable: boolean }[] = [
  { faults: '', recoverable: true },
  { faults: 'seed=3,429@0.1:retry=1s', recoverable: true },
  { faults: 'seed=3,429-noretry@0.2', recoverable: true },
  { faults: 'seed=3,500@0.1,502@0.05,503@0.05,504@0.05', recoverable: true },
  { faults: 'seed=3,reset@0.1', recoverable: true },
  { faults: 'seed=3,truncate@0.2', recoverable: true },
  { faults: 'seed=3,slowpage@0.2:500ms', recoverable: true },
  { faults: 'seed=42,429@0.05,500@0.02,reset@0.01,truncate@0.01,slowpage@0.02:2000ms', recoverable: true },
  { faults: '429-noretry:type=microsoft.network/networkinterfaces', recoverable: false },
  { faults: 'slowpage:type=microsoft.network/networkinterfaces:600s', recoverable: false },
  { faults: `403:sub=${HUB_SUB}`, recoverable: false },
  { faults: '500', recoverable: false },
];

const shape = (r: RunResult): string =>
  r.findings.map((f) => `${f.ruleId} ${f.outcome} ${f.vaultId.toLowerCase()} ${f.resourceId} ${f.message}`).join('\n');

async function run(faults: string): Promise<{ result: RunResult; seconds: number }> {
  const emulator = await startEmulator({ seed: estate.resources, throttle: false, ...(faults ? { faults } : {}) });
  const restore = useEmulatorIdentity(emulator);
  const started = process.hrtime.bigint();
  try {
    const options: LiveOptions = {
      subscriptions: estate.subscriptions,
      cloud: 'AzureCloud',
      endpoint: emulator.endpoint,
      caCertFile: emulator.caCertPath,
      timeoutMs: TIMEOUT_MS,
    };
    const { result } = await runAudit({ source: { kind: 'live', options }, caller: DEFAULT_CALLER, now: NOW });
    return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    restore();
    await emulator.stop();
  }
}

async function main(): Promise<void> {
  const expectedVaults = estate.resources.filter((r) => /^microsoft\.keyvault\/(vaults|managedhsms)$/i.test(r.type));
  const lines = [
    `| faults (${vaults} vaults) | kind | exit | complete | vaults in report | findings as fault-free | retried | seconds | verdict |`,
    '|---|---|---:|:---:|---:|:---:|---:|---:|:---:|',
  ];
  let baseline = '';
  for (const row of ROWS) {
    const { result, seconds } = await run(row.faults);
    const code = exitCode(result, 'error', false);
    const named = new Set(result.findings.map((f) => f.vaultId.toLowerCase())).size;
    if (row.faults === '') baseline = shape(result);
    const same = shape(result) === baseline;
    const ok = row.recoverable
      ? same && result.summary.complete
      : code === 2 && !result.summary.complete && seconds < TIMEOUT_MS / 1000 + 10;
    lines.push(
      `| \`${row.faults || '(none)'}\` | ${row.recoverable ? 'recoverable' : 'unrecoverable'} | ${code} | ${result.summary.complete ? 'yes' : 'no'} | ${named} of ${expectedVaults.length} | ${same ? 'yes' : 'no'} | ${result.collection?.retried ?? 0} | ${seconds.toFixed(1)} | ${ok ? 'ok' : 'FAIL'} |`,
    );
    process.stderr.write(`${lines[lines.length - 1]}\n`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((thrown: unknown) => {
  process.stderr.write(`fault matrix: ${thrown instanceof Error ? thrown.message : String(thrown)}\n`);
  process.exitCode = 2;
});
