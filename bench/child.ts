import { readFileSync } from 'node:fs';
import { startEmulator } from '../src/emulator';
import type { ArmResource } from '../src/model/arm';
import { cpuMs, measureKvguard, measureNaive, type KvguardMode, type Target } from './measure';

/**
 * The benchmark's child processes, so each side's memory is its own: `emulator` serves a seed file and
 * prints one JSON line (endpoint, CA, managed identity) then, on SIGTERM, its request counts; `kvguard`
 * and `naive` run one measured collection against it and print one JSON line of results.
 *
 *   node dist/bench/child.js emulator '{"seedFile": "...", "latency": {"min": 20, "max": 50}, "pageSize": 100}'
 *   node dist/bench/child.js kvguard '{"target": {...}, "mode": {...}}'
 *   node dist/bench/child.js naive '{"target": {...}, "budgetMs": 90000, "endpointVaults": 9505}'
 */
async function main(role: string, json: string): Promise<void> {
  const args = JSON.parse(json) as Record<string, unknown>;
  if (role === 'emulator') {
    const seed = JSON.parse(readFileSync(String(args.seedFile), 'utf8')) as ArmResource[];
    const emulator = await startEmulator({
      seed,
      latencyMs: args.latency as { min: number; max: number },
      pageSize: Number(args.pageSize),
    });
    process.stdout.write(
      `${JSON.stringify({ endpoint: emulator.endpoint, caCertPath: emulator.caCertPath, identityEndpoint: emulator.identityEndpoint, identityHeader: emulator.identityHeader })}\n`,
    );
    await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
    process.stdout.write(`${JSON.stringify({ served: emulator.requestCounts(), cpuMs: cpuMs() })}\n`);
    await emulator.stop();
    return;
  }
  if (role === 'cli') {
    // The CLI as bin/kvguard.js runs it, in this process, so its peak RSS is the command's own.
    const { main: cli } = await import('../src/cli/main');
    const code = await cli(['node', 'kvguard', ...(args.args as string[])]);
    const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
    process.stdout.write(`${JSON.stringify({ code, maxRssMB, cpuMs: cpuMs() })}\n`);
    return;
  }
  const target = args.target as Target;
  const result =
    role === 'kvguard'
      ? await measureKvguard(target, args.mode as KvguardMode)
      : await measureNaive(target, Number(args.budgetMs), Number(args.endpointVaults));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main(process.argv[2] ?? '', process.argv[3] ?? '{}').then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench child ${process.argv[2]}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
