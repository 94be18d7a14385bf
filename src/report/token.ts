import type { Finding, RuleMeta } from '../engine/types';
import { escapeControl } from './escape';
import { TokenClaims, isoSeconds } from '../token/jwt';
import { lastSegment } from '../model/arm';

/**
 * `kvguard token explain` output: the claims that matter to Key Vault (never the token, never its
 * signature), then KV401-KV403 per vault with what to change. Pure.
 */
export interface TokenReport {
  claims: TokenClaims;
  /** Findings of KV401-KV403, for each vault checked; empty when no vault was given. */
  findings: Finding[];
  /** KV402 alone, when no vault was given. */
  lifetime?: { ok: boolean; message: string };
  rules: readonly RuleMeta[];
}

export function claimsView(claims: TokenClaims): Record<string, string> {
  const view: Record<string, string> = { aud: claims.aud.join(', '), iss: claims.iss };
  if (claims.tid) view.tid = claims.tid;
  if (claims.oid) view.oid = claims.oid;
  if (claims.appid) view.appid = claims.appid;
  if (claims.upn) view.upn = claims.upn;
  if (claims.ver) view.ver = claims.ver;
  if (claims.iat !== undefined) view.iat = isoSeconds(claims.iat);
  if (claims.nbf !== undefined) view.nbf = isoSeconds(claims.nbf);
  view.exp = isoSeconds(claims.exp);
  return view;
}

export function renderTokenReport(report: TokenReport, format: 'text' | 'json'): string {
  const claims = claimsView(report.claims);
  if (format === 'json') {
    const findings = report.findings.map(({ ruleId, rule, outcome, vaultId, message, remediation }) => ({
      ruleId,
      rule,
      outcome,
      vaultId,
      message,
      ...(outcome === 'fail' ? { remediation } : {}),
    }));
    return `${JSON.stringify({ claims, ...(report.lifetime ? { lifetime: report.lifetime } : {}), findings }, null, 2)}\n`;
  }
  const lines = ['Token claims (decoded locally: not verified, not sent anywhere, the token itself is not shown)'];
  for (const [name, value] of Object.entries(claims)) lines.push(`  ${name.padEnd(6)} ${value}`);
  if (report.lifetime) {
    lines.push('', `${report.lifetime.ok ? 'PASS' : 'FAIL'} KV402 token-lifetime: ${report.lifetime.message}`);
    lines.push(
      '',
      'Give --snapshot FILE or --subscription ID (with --vault NAME) to check the audience (KV401) and the tenant (KV403) against a vault.',
    );
  }
  const byVault = new Map<string, Finding[]>();
  for (const f of report.findings) byVault.set(f.vaultId, [...(byVault.get(f.vaultId) ?? []), f]);
  for (const [vaultId, findings] of byVault) {
    lines.push('', lastSegment(vaultId));
    for (const f of findings) {
      lines.push(`  ${f.outcome.toUpperCase().padEnd(7)} ${f.ruleId} ${f.rule}: ${f.message}`);
      if (f.outcome === 'fail') lines.push(`          fix: ${f.remediation}`);
    }
  }
  // Lines carry text from the input (names, codes, messages): no control character reaches the terminal.
  return `${lines.map(escapeControl).join('\n')}\n`;
}
