import type { ProbeFinding, ProbeReport } from './types';
import { escapeControl } from '../report/escape';

/** The probe's report as text (for people) or JSON (for scripts). Pure; no colour. Never holds a token. */
export function summarize(findings: readonly ProbeFinding[]): Record<ProbeFinding['outcome'], number> {
  const counts = { pass: 0, fail: 0, warn: 0, skipped: 0 };
  for (const f of findings) counts[f.outcome] += 1;
  return counts;
}

function expectation(report: ProbeReport): string {
  const view = report.target.estate;
  if (!report.expectPrivate) return 'expected: any address (the vault is not private-only, or --no-expect-private)';
  const addresses = view?.endpointAddresses.length ? ` (${view.endpointAddresses.join(', ')})` : '';
  return `expected: the private endpoint${addresses}${view?.approvedEndpoint && (view.publicNetworkAccess ?? '').toLowerCase() === 'disabled' ? ': the vault has an approved private endpoint and public network access Disabled' : ' (--expect-private)'}`;
}

export function renderProbe(report: ProbeReport, format: 'text' | 'json'): string {
  const { target } = report;
  if (format === 'json') {
    const vault = {
      name: target.vaultName,
      kind: target.kind,
      cloud: target.cloud,
      fqdn: target.fqdn,
      privateLinkFqdn: target.privateLinkFqdn,
      audience: target.audience,
      ...(target.estate
        ? {
            id: target.estate.vaultId,
            tenantId: target.estate.tenantId ?? null,
            endpointAddresses: target.estate.endpointAddresses,
          }
        : {}),
    };
    return `${JSON.stringify(
      {
        vault,
        expectPrivate: report.expectPrivate,
        dns: report.resolution ?? null,
        connect: report.connect ?? null,
        challenge: report.challenge ?? null,
        findings: report.findings,
        summary: summarize(report.findings),
      },
      null,
      2,
    )}\n`;
  }
  const lines = [
    `kvguard probe ${target.fqdn}${target.estate ? ` (${target.estate.vaultId})` : ''}`,
    `  ${expectation(report)}`,
  ];
  if (report.resolution) lines.push(`  DNS server: ${report.resolution.server}`);
  lines.push('');
  for (const f of report.findings) {
    lines.push(`${f.outcome.toUpperCase().padEnd(8)} ${f.step.padEnd(11)}${f.message}`);
    const indent = ' '.repeat(20);
    if (f.rules.length > 0) lines.push(`${indent}rules: ${f.rules.join(', ')} (kvguard explain ${f.rules[0]})`);
    for (const d of f.detail ?? []) lines.push(`${indent}${d}`);
  }
  const counts = summarize(report.findings);
  lines.push('', `${counts.pass} passed, ${counts.fail} failed, ${counts.warn} warnings, ${counts.skipped} skipped`);
  if (!report.findings.some((f) => f.step === 'read'))
    lines.push('(add --authenticated to also read with a token from DefaultAzureCredential)');
  // Lines carry text from the input (names, codes, messages): no control character reaches the terminal.
  return `${lines.map(escapeControl).join('\n')}\n`;
}
