import { LogSummary, RateStats, THROTTLING_REMEDIES, WINDOW_MS } from './log-analysis';
import { escapeControl } from '../report/escape';

/** The log summary as text or JSON. Pure; `top` bounds the groups listed in text. */
export function renderLogSummary(summary: LogSummary, file: string, format: 'text' | 'json', top = 20): string {
  const throttled = summary.vaults.some(isThrottled) || summary.subscriptions.some(isThrottled);
  if (format === 'json') {
    return `${JSON.stringify({ file, ...summary, firstTime: iso(summary.firstMs), lastTime: iso(summary.lastMs), windowSeconds: WINDOW_MS / 1000, remedies: throttled ? THROTTLING_REMEDIES : [], nextSteps: nextSteps(summary) }, null, 2)}\n`;
  }
  const n = (value: number) => value.toLocaleString('en-US');
  const lines: string[] = [];
  lines.push(
    `${file}: ${n(summary.records)} AuditEvent records from ${iso(summary.firstMs) ?? '?'} to ${iso(summary.lastMs) ?? '?'}, ${summary.vaults.length} vault${summary.vaults.length === 1 ? '' : 's'}${skippedText(summary, n)}`,
  );
  const statuses = Object.entries(summary.byStatus).sort(([a], [b]) => (a < b ? -1 : 1));
  lines.push(`status: ${statuses.map(([s, c]) => `${s} ${n(c)}`).join(' · ')}`);
  lines.push('');
  if (summary.denied.length === 0) lines.push('No 401, 403 or 429.');
  else {
    lines.push(
      `401/403/429 by caller IP, identity and operation (${Math.min(top, summary.denied.length)} of ${n(summary.denied.length)} groups):`,
    );
    for (const g of summary.denied.slice(0, top))
      lines.push(`  ${g.status}  ${n(g.count).padStart(9)}  ${g.ip}  ${g.identity}  ${g.operation}  ${g.vault}`);
    if (summary.deniedOther > 0)
      lines.push(`  (${n(summary.deniedOther)} more records in groups beyond the first 20,000)`);
  }
  lines.push('', 'Request rates per 10-second window against the documented limits:');
  for (const stats of [
    ...summary.vaults,
    ...summary.subscriptions.map((s) => ({ ...s, key: `subscription ${s.key}` })),
  ])
    for (const line of rateLines(stats, n)) lines.push(line);
  if (summary.late > 0)
    lines.push(`  (${n(summary.late)} records arrived more than an hour out of order and were not windowed)`);
  if (throttled) {
    lines.push('', 'Remedies (https://learn.microsoft.com/azure/key-vault/general/overview-throttling):');
    for (const r of THROTTLING_REMEDIES) lines.push(`  - ${r}`);
  }
  const steps = nextSteps(summary);
  if (steps.length > 0) {
    lines.push('', 'Next:');
    for (const s of steps) lines.push(`  ${s}`);
  }
  // Lines carry text from the input (names, codes, messages): no control character reaches the terminal.
  return `${lines.map(escapeControl).join('\n')}\n`;
}

function isThrottled(stats: RateStats): boolean {
  return stats.throttled > 0 || stats.limits.some((l) => l.windowsOver > 0);
}

function rateLines(stats: RateStats, n: (v: number) => string): string[] {
  const lines = [
    `  ${stats.key}: ${n(stats.requests)} requests, ${n(stats.throttled)} throttled (429), ${n(stats.windows)} windows`,
  ];
  for (const l of stats.limits) {
    if (l.peak === 0) continue;
    const over =
      l.windowsOver > 0
        ? `OVER the limit in ${n(l.windowsOver)} window${l.windowsOver === 1 ? '' : 's'}`
        : 'within the limit';
    lines.push(
      `    ${l.limit}: peak ${n(l.peak)} at ${iso(l.peakWindowStartMs) ?? '?'} (limit ${n(l.perWindow)}), ${over}`,
    );
  }
  return lines;
}

/** What to run for the largest 401/403 groups. */
function nextSteps(summary: LogSummary): string[] {
  const steps: string[] = [];
  const seen = new Set<string>();
  for (const g of summary.denied) {
    if (steps.length >= 5) break;
    if (g.status === 429) continue;
    const key = `${g.status}|${g.ip}|${g.vault}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const source = g.subscriptionId
      ? `--subscription ${g.subscriptionId} --vault ${g.vault}`
      : '--snapshot <estate.json>';
    if (g.status === 401)
      steps.push(`401 for ${g.identity} on ${g.vault}: kvguard token explain ${source} --file <the caller's token>`);
    else {
      const oid = /^oid ([0-9a-f-]{36})/i.exec(g.identity)?.[1];
      const ip = g.ip.startsWith('(') ? '' : ` --caller-ip ${g.ip}`;
      // The identity goes through the config file: audit has no identity flag.
      const identity = oid
        ? ` (for KV404, set caller.identity.objectId ${oid} in kvguard.config.json and add --config kvguard.config.json)`
        : '';
      steps.push(`403 from ${g.ip} on ${g.vault}: kvguard audit ${source}${ip}${identity}`);
    }
  }
  return steps;
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

/** What was read but not counted: records that are no audit record, lines that are no record at all. */
function skippedText(summary: LogSummary, n: (value: number) => string): string {
  const parts = [
    summary.skipped ? `${n(summary.skipped)} other record${summary.skipped === 1 ? '' : 's'} skipped` : '',
    summary.skippedLines
      ? `${n(summary.skippedLines)} line${summary.skippedLines === 1 ? '' : 's'} that hold no JSON record skipped`
      : '',
  ].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
