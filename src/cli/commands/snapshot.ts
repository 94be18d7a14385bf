import { Command } from 'commander';
import { SNAPSHOT_QUERIES } from '../../collect/graph';
import { createProgress } from '../../collect/progress';
import type { CollectedEstate } from '../../collect/types';
import { EXIT } from '../../engine/gate';
import { UsageError } from '../../errors';
import { readLive } from '../load-source';
import { setExitCode } from '../main';
import { loadConfigFile, writeFileAtomic } from '../pipeline';
import { checkOutputTarget } from '../output-file';
import { SourceFlags, SourceOptionSet, addSourceOptions, sourceOf } from '../source';

/**
 * `kvguard snapshot`: reads live ARM exactly as `kvguard audit --subscription` does and writes the
 * resources in the snapshot format (DESIGN 2.1, a JSON array of ARM GET bodies), so the estate can be
 * audited later, offline, or attached to a bug report. An incomplete read exits 2 unless --allow-partial.
 */
interface SnapshotFlags extends SourceFlags {
  output?: string;
  allowPartial?: boolean;
  quiet?: boolean;
  printQuery?: string | boolean;
}

const SNAPSHOT_SOURCE: SourceOptionSet = { command: 'snapshot', snapshot: false, scale: true, skipReads: false };

export function register(program: Command): void {
  addSourceOptions(
    program
      .command('snapshot')
      .description('read live ARM and write the estate as a snapshot file (audit it later with --snapshot)'),
    SNAPSHOT_SOURCE,
  )
    .option('-o, --output <file>', 'write the snapshot to this file (atomically) in place of stdout')
    .option('--allow-partial', 'write and exit 0 even when some vault could not be read (otherwise exit 2)')
    .option('--config <file>', 'kvguard.config.json: its scope is used when no --subscription is given')
    .option('--quiet', 'no progress, no summary line')
    .option('--verbose', 'log each ARM list and the requests made, on stderr')
    .option(
      '--print-query [table]',
      'print the Resource Graph queries (resources, dnsresources) whose outputs, concatenated, are a snapshot; read nothing',
    )
    .action(async (flags: SnapshotFlags, command: Command) => {
      if (flags.printQuery !== undefined) {
        process.stdout.write(printQuery(flags.printQuery));
        return;
      }
      setExitCode(command, await snapshot(flags));
    });
}

export async function snapshot(flags: SnapshotFlags): Promise<number> {
  if (flags.quiet && flags.verbose) throw new UsageError('--quiet and --verbose: choose one');
  const config = flags.config === undefined ? undefined : await loadConfigFile(flags.config);
  const source = sourceOf(flags, config, SNAPSHOT_SOURCE);
  if (source.kind !== 'live') throw new UsageError('snapshot reads live ARM: give --subscription ID');
  if (source.options.subscriptions.length === 0 && flags.shard !== undefined) {
    // More shards than subscriptions: this shard's snapshot is empty, and that is not an error.
    const text = '[]\n';
    if (flags.output !== undefined)
      writeFileAtomic(flags.output, text, `--output ${flags.output}`, { inputs: [flags.config] });
    else process.stdout.write(text);
    if (!flags.quiet)
      process.stderr.write(
        `kvguard: shard ${flags.shard} holds none of the given subscriptions: wrote an empty snapshot\n`,
      );
    return EXIT.ok;
  }
  if (flags.output !== undefined)
    checkOutputTarget(flags.output, `--output ${flags.output}`, { inputs: [flags.config] });
  const progress = createProgress({ quiet: flags.quiet });
  let collected: CollectedEstate;
  try {
    collected = await readLive({ ...source.options, onProgress: progress.onProgress });
  } finally {
    progress.stop();
  }
  const text = `${JSON.stringify(snapshotDocument(collected), null, 2)}\n`;
  if (flags.output !== undefined)
    writeFileAtomic(flags.output, text, `--output ${flags.output}`, { inputs: [flags.config] });
  else process.stdout.write(text);
  for (const line of problems(collected)) process.stderr.write(`kvguard: ${line}\n`);
  if (flags.verbose)
    for (const [operation, count] of Object.entries(collected.requests))
      process.stderr.write(`kvguard: ${count} × ${operation}\n`);
  const complete = problems(collected).length === 0;
  if (!flags.quiet) {
    const where = flags.output !== undefined ? ` to ${flags.output}` : '';
    process.stderr.write(
      `kvguard: wrote ${collected.resources.length} resources (${collected.stats.vaultsListed} vaults)${where}${complete ? '' : ', incomplete'}\n`,
    );
  }
  return complete || flags.allowPartial ? EXIT.ok : EXIT.error;
}

/**
 * DESIGN 2.1's array of ARM GET bodies; when the read met referenced resources it could not see (a managed
 * endpoint's 404, another tenant's 403), `{"resources": [...], "unreadable": [{"id", "reason"}]}`, so auditing
 * the snapshot judges them as the live audit did (skipped) rather than as resources outside its scope (error).
 */
export function snapshotDocument(collected: CollectedEstate): unknown {
  const unreadable = [...(collected.unreadable ?? new Map<string, string>())].map(([id, reason]) => ({ id, reason }));
  return unreadable.length === 0 ? collected.resources : { resources: collected.resources, unreadable };
}

/** `--print-query`: both queries (each ends with a blank line), or the one of the named table. */
export function printQuery(table: string | boolean): string {
  if (table === true) return `${SNAPSHOT_QUERIES.resources}\n\n${SNAPSHOT_QUERIES.dnsresources}\n`;
  const key = String(table).toLowerCase();
  if (key !== 'resources' && key !== 'dnsresources')
    throw new UsageError(`--print-query: expected resources or dnsresources, found '${String(table)}'`);
  return `${SNAPSHOT_QUERIES[key]}\n`;
}

/** What the snapshot could not hold: vaults not fully read, and run-level errors. */
function problems(collected: CollectedEstate): string[] {
  return [
    ...[...collected.vaultErrors].map(([vault, reason]) => `${vault}: ${reason}`),
    ...collected.notices.filter((n) => n.level === 'error').map((n) => n.message),
  ];
}
