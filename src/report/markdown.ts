import type { Finding, Notice, RunResult } from '../engine/types';
import { docUrlOf, lastSegment, ruleMetaOf, shortResource, shownOutcome } from './common';
import { escapeMarkdown, escapeMarkdownCell } from './escape';
import { routeLines } from './access-path';
import type { ReportOptions, Reporter } from './types';
import { findingsByVault } from './vaults';

/**
 * Markdown for a pull-request comment or a GitHub job summary (`>> $GITHUB_STEP_SUMMARY`): totals, then
 * what needs attention (failures and errors) in a table, suppressed findings with their reasons, and the
 * passes and skips collapsed in `<details>` so the comment stays short.
 */
const NOTICE_ICON: Record<Notice['level'], string> = { error: '⛔', warning: '⚠️', info: 'ℹ️' };

export const markdownReport: Reporter = (result, options) => {
  const labels = new Map(findingsByVault(result).flatMap((v) => v.findings.map((f) => [f, v.label] as const)));
  const rows = (findings: Finding[], extra: (f: Finding) => string) =>
    findings.map(
      (f) =>
        `| ${ruleCell(f, options)} | ${escapeMarkdownCell(labels.get(f) ?? lastSegment(f.vaultId))} | ${escapeMarkdownCell(f.address ?? shortResource(f.resourceId))} | ${extra(f)} |`,
    );
  const attention = result.findings.filter((f) => shownOutcome(f) === 'fail' || shownOutcome(f) === 'error');
  attention.sort((a, b) => (a.outcome === b.outcome ? 0 : a.outcome === 'fail' ? -1 : 1));
  const suppressed = result.findings.filter((f) => f.suppressed);
  const quiet = result.findings.filter((f) => shownOutcome(f) === 'pass' || shownOutcome(f) === 'skipped');
  const out: string[] = [`## ${escapeMarkdown(options.tool.name)}: ${headline(result)}`, '', ...totals(result)];
  if (result.notices.length > 0) {
    out.push(
      '',
      '**Notices**',
      '',
      ...result.notices.map((n) => `- ${NOTICE_ICON[n.level]} ${n.level}: ${escapeMarkdown(n.message)}`),
    );
  }
  // The route and DNS chain of the vaults that need attention (a passing estate's comment stays short).
  const needing = new Set(attention.map((f) => f.vaultId));
  const paths = findingsByVault(result)
    .filter((v) => needing.has(v.vaultId))
    .flatMap((v) =>
      routeLines(v.findings).map(
        ({ label, text }) =>
          `- **${escapeMarkdown(v.label)}** ${label === 'dns' ? 'DNS' : 'route'}: ${escapeMarkdown(text)}`,
      ),
    );
  if (paths.length > 0) out.push('', '**Paths**', '', ...paths);
  if (attention.length > 0) {
    out.push(
      '',
      `### Failures (${attention.length})`,
      '',
      '| Rule | Vault | Resource | Outcome | Message |',
      '|---|---|---|---|---|',
    );
    out.push(
      ...rows(attention, (f) => `${f.outcome === 'fail' ? '❌ fail' : '⛔ error'} | ${escapeMarkdownCell(f.message)}`),
    );
  }
  if (suppressed.length > 0) {
    out.push(
      '',
      `### Suppressed (${suppressed.length})`,
      '',
      '| Rule | Vault | Resource | Outcome | Message | Suppressed by |',
      '|---|---|---|---|---|---|',
    );
    out.push(
      ...rows(
        suppressed,
        (f) => `${f.outcome} | ${escapeMarkdownCell(f.message)} | ${escapeMarkdownCell(suppressedBy(f))}`,
      ),
    );
  }
  if (quiet.length > 0) {
    const passed = quiet.filter((f) => f.outcome === 'pass').length;
    out.push(
      '',
      `<details><summary>${passed} passed, ${quiet.length - passed} skipped</summary>`,
      '',
      '| Rule | Vault | Resource | Outcome | Message |',
      '|---|---|---|---|---|',
    );
    out.push(
      ...rows(quiet, (f) => `${f.outcome === 'pass' ? '✅ pass' : '⏭️ skipped'} | ${escapeMarkdownCell(f.message)}`),
      '',
      '</details>',
    );
  }
  if (result.findings.length === 0) out.push('', 'No vault was found in the audited scope, so no rule was evaluated.');
  const when = options.generatedAt ? ` at ${options.generatedAt.toISOString()}` : '';
  out.push('', `<sub>${escapeMarkdown(`${options.tool.name} ${options.tool.version}`)}${when}</sub>`);
  return `${out.join('\n')}\n`;
};

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
