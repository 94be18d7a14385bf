import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeLogFile } from '../src/diagnose/read-logs';
import { LogShape, writeAuditLog } from './generate-audit-logs';

/**
 * `kvguard diagnose --logs` on 1,000,000 generated AuditEvent records per export shape: file size, time, and
 * peak memory sampled while streaming (it must not grow with the file).
 * Run: npm run bench:logs -- [records]   (= npm run build, then node --expose-gc dist/bench/diagnose-logs.js)
 */
async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvguard-bench-logs-'));
  try {
    for (const shape of ['monitor-jsonl', 'diagnostics-csv', 'monitor-records'] as LogShape[]) {
      const file = path.join(dir, `audit-${shape}`);
      await writeAuditLog(file, count, shape);
      global.gc?.();
      const before = process.memoryUsage();
      let peakRss = before.rss;
      let peakHeap = before.heapUsed;
      const sampler = setInterval(() => {
        const now = process.memoryUsage();
        peakRss = Math.max(peakRss, now.rss);
        peakHeap = Math.max(peakHeap, now.heapUsed);
      }, 50);
      const started = process.hrtime.bigint();
      const { summary } = await analyzeLogFile(file);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      clearInterval(sampler);
      const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
      const payments = summary.vaults.find((v) => v.key === 'kv-payments-prod')?.limits[0];
      process.stdout.write(
        `${shape}: ${summary.records.toLocaleString('en-US')} records, ${mb(fs.statSync(file).size)} file, ${seconds.toFixed(1)} s (${Math.round(summary.records / seconds).toLocaleString('en-US')} records/s), ` +
          `peak RSS ${mb(peakRss)} (start ${mb(before.rss)}), peak heap ${mb(peakHeap)} (start ${mb(before.heapUsed)}); ` +
          `429: ${summary.byStatus['429'] ?? 0}, 403: ${summary.byStatus['403'] ?? 0}, 401: ${summary.byStatus['401'] ?? 0}; kv-payments-prod peak ${payments?.peak} per 10 s, ${payments?.windowsOver} windows over 4,000\n`,
      );
      fs.rmSync(file);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
