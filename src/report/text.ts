import pc from 'picocolors';
import { ruleDocUrl } from '../engine/docs';
import type { Finding, Notice, Outcome, RunResult } from '../engine/types';
import { HOPS, hopOf, hopStatus, routeLines } from './access-path';
import { suppressionText } from './common';
import { escapeControl as t } from './escape';
import { VaultFindings, findingsByVault } from './vaults';
import { parseId } from '../model/arm';
import { CallerProfile, isDefaultCaller } from '../model/caller';
import type { ReportOptions, Reporter } from './types';

/**
 * The console report: one block per vault, failing vaults first, each showing its access path hop by hop
 * (caller → firewall → DNS zone → VNet link → A record → private endpoint → NIC → vault, the hops the HTML
 * report draws) with the findings of the hops that fail, then run notices and a totals line. Colour only
 * when `options.color` says so.
 */
export const textReport: Reporter = (result, options) => {
  const c = pc.createColors(Boolean(options.color));
  const verbosity = options.verbosity ?? 'normal';
  const lines: string[] = [];
  if (verbosity !== 'quiet') {
    lines.push(
      c.bold(
        `kvguard ${t(options.tool.version)}: ${plural(result.summary.vaults, 'vault')}, caller: ${t(describeCaller(options.caller))}`,
      ),
      '',
    );
  }
  for (const block of vaultBlocks(result)) {
    if (verbosity === 'quiet' && !block.failing) continue;
    for (const line of renderVault(block, verbosity, c)) lines.push(line);
    lines.push('');
  }
  const notices = result.notices.filter((n) => verbosity !== 'quiet' || n.level !== 'info');
  if (notices.length > 0) {
    lines.push(c.bold('notices'));
    for (const n of notices)
      lines.push(`  ${noticeMark(n, c)} ${t(n.message)}${n.resourceId ? c.dim(` (${t(n.resourceId)})`) : ''}`);
    lines.push('');
  }
  lines.push(totals(result, c));
  return `${lines.join('\n')}\n`;
};

type Colors = ReturnType<typeof pc.createColors>;

interface VaultBlock extends VaultFindings {
  failing: boolean;
}

function isFailing(finding: Finding): boolean {
  return !finding.suppressed && (finding.outcome === 'fail' || finding.outcome === 'error');
}

/** Findings grouped by vault, in the engine's order, failing vaults first. */
function vaultBlocks(result: RunResult): VaultBlock[] {
  const blocks = findingsByVault(result).map((v) => ({ ...v, failing: v.findings.some(isFailing) }));
  return [...blocks.filter((b) => b.failing), ...blocks.filter((b) => !b.failing)];
}

function renderVault(block: VaultBlock, verbosity: NonNullable<ReportOptions['verbosity']>, c: Colors): string[] {
  const parsed = parseId(block.vaultId);
  const where = t([parsed.resourceGroup, parsed.subscriptionId].filter(Boolean).join(' · '));
  const mark = block.failing ? c.red('✗') : c.green('✓');
  const lines = [`${mark} ${c.bold(t(block.label))}  ${c.dim(where)}`];
  const hops = HOPS.map(({ hop, label }) => ({ label, findings: block.findings.filter((f) => hopOf(f) === hop) }));
  if (verbosity !== 'quiet') {
    lines.push(
      `  ${hops.map((h) => (h.findings.length === 0 ? c.dim(h.label) : `${h.label} ${hopMark(h.findings, c)}`)).join(c.dim(' → '))}`,
    );
    for (const { label, text } of routeLines(block.findings)) lines.push(`  ${c.dim(label.padEnd(5))} ${text}`);
  }
  for (const { label, findings } of hops) {
    const shown = findings.filter((f) => isFailing(f) || f.suppressed || verbosity === 'verbose').sort(byOutcome);
    if (shown.length === 0) continue;
    if (verbosity !== 'quiet') lines.push(`  ${c.bold(label)}`);
    for (const finding of shown) for (const line of renderFinding(finding, verbosity, c)) lines.push(line);
  }
  return lines;
}

const OUTCOME_ORDER: Record<Outcome, number> = { fail: 0, error: 1, pass: 2, skipped: 3 };

function byOutcome(a: Finding, b: Finding): number {
  const rank = (f: Finding): number => (f.suppressed ? 1.5 : OUTCOME_ORDER[f.outcome]);
  return rank(a) - rank(b);
}

function renderFinding(finding: Finding, verbosity: NonNullable<ReportOptions['verbosity']>, c: Colors): string[] {
  const head = `    ${outcomeMark(finding, c)} ${t(finding.ruleId)} ${t(finding.rule)}${finding.outcome === 'fail' || finding.outcome === 'error' ? ` (${finding.severity})` : ''}: ${t(finding.message)}`;
  const lines = [head];
  if (finding.suppressed) lines.push(`        ${c.dim(t(suppressionText(finding)))}`);
  if (!isFailing(finding) || verbosity === 'quiet') return lines;
  if (finding.resourceId.toLowerCase() !== finding.vaultId.toLowerCase())
    lines.push(`        ${c.dim('resource')} ${t(finding.resourceId)}`);
  if (finding.address) lines.push(`        ${c.dim('declared')} ${t(finding.address)}`);
  lines.push(
    `        ${c.dim('fix')}      ${t(finding.remediation)}`,
    `        ${c.dim('docs')}     ${t(ruleDocUrl(finding.rule))}`,
  );
  return lines;
}

function outcomeMark(finding: Finding, c: Colors): string {
  if (finding.suppressed) return c.dim('~');
  switch (finding.outcome) {
    case 'fail':
      return c.red('✗');
    case 'error':
      return c.yellow('!');
    case 'pass':
      return c.green('✓');
    default:
      return c.dim('-');
  }
}

/** The hop's status as the HTML report draws it (a suppressed fail still marks the hop broken, dimmed). */
function hopMark(findings: readonly Finding[], c: Colors): string {
  const status = hopStatus(findings);
  const suppressedOnly = status === 'fail' && findings.every((f) => f.outcome !== 'fail' || f.suppressed);
  if (suppressedOnly) return c.dim('~');
  if (status === 'fail') return c.red('✗');
  if (status === 'error') return c.yellow('!');
  return status === 'pass' ? c.green('✓') : c.dim('-');
}

function noticeMark(notice: Notice, c: Colors): string {
  if (notice.level === 'error') return c.red('✗');
  return notice.level === 'warning' ? c.yellow('!') : c.dim('i');
}

function totals(result: RunResult, c: Colors): string {
  const s = result.summary;
  const failingVaults = vaultBlocks(result).filter((b) => b.failing).length;
  const parts = [
    `${s.pass} passed`,
    `${s.fail} failed`,
    `${plural(s.error, 'error')}`,
    `${s.skipped} skipped`,
    `${s.suppressed} suppressed`,
  ];
  const head = `${plural(s.vaults, 'vault')} (${failingVaults} failing)`;
  const line = `${head}: ${parts.join(', ')}${s.complete ? '' : ', incomplete: some vaults or resources could not be evaluated'}`;
  return failingVaults > 0 || !s.complete ? c.red(c.bold(line)) : c.green(c.bold(line));
}

/** "203.0.113.10", "subnet snet-workload of vnet-spoke", "a trusted Microsoft service", or the default. */
export function describeCaller(caller: CallerProfile | undefined): string {
  if (!caller || isDefaultCaller(caller))
    return "a client in the private endpoint's own VNet (default; give --caller-ip or --caller-subnet)";
  const parts: string[] = [];
  if (caller.ips.length > 0) parts.push(caller.ips.join(', '));
  if (caller.subnetId)
    parts.push(
      `subnet ${parseId(caller.subnetId).name} of ${parseId(caller.subnetId.replace(/\/subnets\/[^/]+\/?$/i, '')).name}`,
    );
  else if (caller.vnetId) parts.push(`VNet ${parseId(caller.vnetId).name}`);
  if (caller.trustedService) parts.push('a trusted Microsoft service');
  return parts.join(', ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
