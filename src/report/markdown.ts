import type { Finding, Notice, RunResult, Severity } from '../engine/types';
import { docUrlOf, lastSegment, ruleMetaOf, rulesOf, shortResource, shownOutcome } from './common';
import { escapeMarkdown, escapeMarkdownCell } from './escape';
import { routeLines } from './access-path';
import { collected } from './stream';
import { DEFAULT_MARKDOWN_LIMIT, type ReportOptions, type StreamingReporter } from './types';
import { findingsByVault } from './vaults';

/**
 * Markdown for a pull-request comment or a GitHub job summary (`>> $GITHUB_STEP_SUMMARY`): headline and
 * totals, counts per rule, what needs attention (failures and errors, worst first) in a table, suppressed
 * findings with their reasons, and the passes and skips collapsed in `<details>`. It stays within
 * `options.markdownLimit` bytes (default 1 MiB, a job summary's limit): sections are added in that order while
 * they fit, and whatever is left out is counted, with where the full report is.
 */
const NOTICE_ICON: Record<Notice['level'], string> = { error: '⛔', warning: '⚠️', info: 'ℹ️' };
const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, note: 2 };
/** Kept back for the closing lines (what was left out, the footer). */
const CLOSING_RESERVE = 1024;
const MAX_NOTICES = 50;

export const markdownStream: StreamingReporter = (result, options, write) => {
  const limit = options.markdownLimit ?? DEFAULT_MARKDOWN_LIMIT;
  const budget = new Budget(limit - CLOSING_RESERVE);
  const labels = new Map<Finding, string>();
  for (const vault of findingsByVault(result)) for (const f of vault.findings) labels.set(f, vault.label);
  const row = (f: Finding, extra: string): string =>
    `| ${ruleCell(f, options)} | ${escapeMarkdownCell(labels.get(f) ?? lastSegment(f.vaultId))} | ${escapeMarkdownCell(f.address ?? shortResource(f.resourceId))} | ${extra} |`;
  const attention = result.findings.filter((f) => shownOutcome(f) === 'fail' || shownOutcome(f) === 'error');
  // Worst first: severity, then fail before error; the engine's order within (a stable sort).
  attention.sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      (a.outcome === b.outcome ? 0 : a.outcome === 'fail' ? -1 : 1),
  );
  const suppressed = result.findings.filter((f) => f.suppressed);
  const quiet = result.findings.filter((f) => shownOutcome(f) === 'pass' || shownOutcome(f) === 'skipped');
  const left: string[] = [];

  budget.must([`## ${escapeMarkdown(options.tool.name)}: ${headline(result)}`, '', ...totals(result)]);
  if (result.notices.length > 0) {
    const notices = result.notices.slice(0, MAX_NOTICES);
    budget.must(['', '**Notices**', '']);
    const shown = budget.lines(notices, (n) => `- ${NOTICE_ICON[n.level]} ${n.level}: ${escapeMarkdown(n.message)}`);
    if (shown < result.notices.length) {
      left.push(`${result.notices.length - shown} notices`);
      budget.must([`- … and ${result.notices.length - shown} more notices`]);
    }
  }
  // The route and DNS chain of the vaults that need attention (a passing estate's comment stays short).
  const needing = new Set(attention.map((f) => f.vaultId));
  const paths: string[] = [];
  for (const v of findingsByVault(result)) {
    if (!needing.has(v.vaultId)) continue;
    for (const { label, text } of routeLines(v.findings))
      paths.push(`- **${escapeMarkdown(v.label)}** ${label === 'dns' ? 'DNS' : 'route'}: ${escapeMarkdown(text)}`);
  }
  if (paths.length > 0 && budget.fits(4)) {
    budget.must(['', '**Paths**', '']);
    const shown = budget.lines(paths, (line) => line);
    if (shown < paths.length) left.push(`${paths.length - shown} of ${paths.length} path lines`);
  }
  if (result.findings.length > 0 && (attention.length > 0 || result.summary.vaults > 1)) {
    budget.must(['', '### Counts per rule', '']);
    budget.lines(ruleCounts(result, options), (line) => line);
  }
  if (attention.length > 0) {
    budget.must([
      '',
      `### Failures (${attention.length})`,
      '',
      '| Rule | Vault | Resource | Outcome | Message |',
      '|---|---|---|---|---|',
    ]);
    const shown = budget.lines(attention, (f) =>
      row(f, `${f.outcome === 'fail' ? '❌ fail' : '⛔ error'} | ${escapeMarkdownCell(f.message)}`),
    );
    if (shown < attention.length) left.push(`${attention.length - shown} of ${attention.length} failures`);
  }
  if (suppressed.length > 0 && budget.fits(6)) {
    budget.must([
      '',
      `### Suppressed (${suppressed.length})`,
      '',
      '| Rule | Vault | Resource | Outcome | Message | Suppressed by |',
      '|---|---|---|---|---|---|',
    ]);
    const shown = budget.lines(suppressed, (f) =>
      row(f, `${f.outcome} | ${escapeMarkdownCell(f.message)} | ${escapeMarkdownCell(suppressedBy(f))}`),
    );
    if (shown < suppressed.length) left.push(`${suppressed.length - shown} of ${suppressed.length} suppressed`);
  } else if (suppressed.length > 0) left.push(`${suppressed.length} suppressed`);
  if (quiet.length > 0) {
    const passed = quiet.filter((f) => f.outcome === 'pass').length;
    const header = [
      '',
      `<details><summary>${passed} passed, ${quiet.length - passed} skipped</summary>`,
      '',
      '| Rule | Vault | Resource | Outcome | Message |',
      '|---|---|---|---|---|',
    ];
    // Listed only when every one fits: half a list of passes tells a reader nothing.
    const rows = budget.fitsAll(
      quiet,
      (f) => row(f, `${f.outcome === 'pass' ? '✅ pass' : '⏭️ skipped'} | ${escapeMarkdownCell(f.message)}`),
      header.length + 2,
    );
    if (rows) budget.must([...header, ...rows, '', '</details>']);
    else left.push(`${passed} passed and ${quiet.length - passed} skipped findings`);
  }
  if (result.findings.length === 0)
    budget.must(['', 'No vault was found in the audited scope, so no rule was evaluated.']);
  const closing: string[] = [];
  if (left.length > 0) {
    const where = options.fullReport
      ? `the full report is ${escapeMarkdown(options.fullReport)}`
      : 'run with `--report json=FILE` (or html, sarif) for every finding';
    closing.push('', `> **Not listed to stay within ${limit} bytes:** ${left.join('; ')}. ${where}.`);
  }
  const when = options.generatedAt ? ` at ${options.generatedAt.toISOString()}` : '';
  closing.push('', `<sub>${escapeMarkdown(`${options.tool.name} ${options.tool.version}`)}${when}</sub>`);
  budget.must(closing);
  write(`${budget.text()}\n`);
};

export const markdownReport = collected(markdownStream);

/** Lines kept while they fit in a byte budget (UTF-8, one newline each). */
class Budget {
  private readonly out: string[] = [];
  private used = 0;

  constructor(private readonly bytes: number) {}

  /** Lines that are always written (headings, totals, the closing lines: the reserve is for them). */
  must(lines: readonly string[]): void {
    for (const line of lines) this.add(line);
  }

  /** Adds a line per item, in order, while they fit; returns how many did (items past the budget are never rendered). */
  lines<T>(items: readonly T[], render: (item: T) => string): number {
    let count = 0;
    for (const item of items) {
      const line = render(item);
      if (this.used + Buffer.byteLength(line) + 1 > this.bytes) break;
      this.add(line);
      count += 1;
    }
    return count;
  }

  /** A line per item if all of them (and `extraLines` short lines) fit, else undefined. */
  fitsAll<T>(items: readonly T[], render: (item: T) => string, extraLines: number): string[] | undefined {
    let size = this.used + extraLines * 80;
    // A row is at least 60 bytes: no need to render 200,000 of them to know they do not fit.
    if (size + items.length * 60 > this.bytes) return undefined;
    const lines: string[] = [];
    for (const item of items) {
      const line = render(item);
      size += Buffer.byteLength(line) + 1;
      if (size > this.bytes) return undefined;
      lines.push(line);
    }
    return lines;
  }

  /** Room for `count` short lines. */
  fits(count: number): boolean {
    return this.used + count * 200 <= this.bytes;
  }

  text(): string {
    return this.out.join('\n');
  }

  private add(line: string): void {
    this.out.push(line);
    this.used += Buffer.byteLength(line) + 1;
  }
}

function headline(result: RunResult): string {
  const { fail, error, suppressed, complete } = result.summary;
  const parts = [
    fail > 0 ? `${fail} failing` : '',
    error > 0 ? `${error} not evaluated` : '',
    suppressed > 0 ? `${suppressed} suppressed` : '',
  ].filter(Boolean);
  const state = parts.length > 0 ? parts.join(', ') : 'all checks passed';
  return complete ? state : `${state} (incomplete run)`;
}

function totals(result: RunResult): string[] {
  const s = result.summary;
  return [
    '| Vaults | Pass | Fail | Error | Skipped | Suppressed | Complete |',
    '|---:|---:|---:|---:|---:|---:|:---:|',
    `| ${s.vaults} | ${s.pass} | ${s.fail} | ${s.error} | ${s.skipped} | ${s.suppressed} | ${s.complete ? 'yes' : 'no'} |`,
  ];
}

/** One row per rule that produced a finding, in rule id order: how many vaults each outcome. */
function ruleCounts(result: RunResult, options: ReportOptions): string[] {
  const counts = new Map<string, Record<'fail' | 'error' | 'suppressed' | 'skipped' | 'pass', number>>();
  for (const f of result.findings) {
    let c = counts.get(f.ruleId);
    if (!c) counts.set(f.ruleId, (c = { fail: 0, error: 0, suppressed: 0, skipped: 0, pass: 0 }));
    c[shownOutcome(f)] += 1;
  }
  const rows = rulesOf(options, result.findings)
    .filter((rule) => counts.has(rule.id))
    .map((rule) => {
      const c = counts.get(rule.id) ?? { fail: 0, error: 0, suppressed: 0, skipped: 0, pass: 0 };
      return `| [${rule.id} ${escapeMarkdownCell(rule.name)}](${docUrlOf(rule)}) | ${c.fail} | ${c.error} | ${c.suppressed} | ${c.skipped} | ${c.pass} |`;
    });
  return ['| Rule | Fail | Error | Suppressed | Skipped | Pass |', '|---|---:|---:|---:|---:|---:|', ...rows];
}

function ruleCell(finding: Finding, options: ReportOptions): string {
  const rule = ruleMetaOf(options, finding);
  return `[${rule.id} ${escapeMarkdownCell(rule.name)}](${docUrlOf(rule)})`;
}

function suppressedBy(finding: Finding): string {
  const s = finding.suppressed;
  if (!s) return '';
  return s.kind === 'baseline'
    ? `baseline (${s.reason})`
    : `suppression: ${s.reason}${s.expires ? `, until ${s.expires}` : ''}`;
}
