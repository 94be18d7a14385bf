import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSnapshot } from '../src/input/snapshot';
import { healthyPath } from '../src/fixtures/scenario';

/**
 * Issue 16: a snapshot larger than any JavaScript string (the whole-file reader failed at 512 MiB with
 * "Cannot create a string longer than…") read in bounded memory. Writes a file of the given size (default
 * 2 GiB): the healthy path's resources plus virtual machines with 2 KB of properties each, as an estate export
 * mostly holds resources kvguard does not read; then reads it under `--max-old-space-size=1024` and prints
 * time, peak RSS and what was read. `npm run bench:snapshot [-- GiB]`; docs/reliability.md has the result.
 */
const GIB = 1024 ** 3;
const size = Number(process.argv[2] ?? 2) * GIB;
const file = path.join(os.tmpdir(), `kvguard-large-snapshot-${process.pid}.json`);

function writeLarge(): number {
  const fd = fs.openSync(file, 'w');
  const head = healthyPath().resources.map((r) => JSON.stringify(r));
  let written = 0;
  const put = (text: string): void => {
    written += fs.writeSync(fd, text);
  };
  put('{"resources": [\n');
  put(head.join(',\n'));
  const filler = 'x'.repeat(2000);
  let vms = 0;
  const batch: string[] = [];
  while (written < size) {
    for (let i = 0; i < 1000; i++, vms++)
      batch.push(
        `,\n{"id": "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-vms/providers/Microsoft.Compute/virtualMachines/vm${vms}", "name": "vm${vms}", "type": "Microsoft.Compute/virtualMachines", "location": "westeurope", "properties": {"hardwareProfile": {"vmSize": "Standard_D2s_v5"}, "filler": "${filler}"}}`,
      );
    put(batch.join(''));
    batch.length = 0;
  }
  put('\n]}\n');
  fs.closeSync(fd);
  return vms;
}

const vms = writeLarge();
const bytes = fs.statSync(file).size;
const started = process.hrtime.bigint();
try {
  const snapshot = readSnapshot(file);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    `${JSON.stringify({
      fileGiB: +(bytes / GIB).toFixed(2),
      virtualMachines: vms,
      resourcesAudited: snapshot.resources.length,
      notices: snapshot.notices.map((n) => n.message),
      seconds: +seconds.toFixed(1),
      peakRssMiB: Math.round(peakMiB),
      heapLimitMiB: 1024,
    })}\n`,
  );
} finally {
  fs.rmSync(file, { force: true });
}
