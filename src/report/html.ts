import { createHash } from 'node:crypto';
import type { Finding, RunResult } from '../engine/types';
import { CallerProfile, isDefaultCaller } from '../model/caller';
import { HOPS, hopOf, hopStatus, routeLines } from './access-path';
import {
  docUrlOf,
  lastSegment,
  ruleMetaOf,
  shortResource,
  SHOWN_ORDER,
  ShownOutcome,
  shownOutcome,
  suppressionText,
} from './common';
import { escapeHtml as h } from './escape';
import { HTML_SCRIPT, HTML_STYLE } from './html-assets';
import type { ReportOptions, Reporter } from './types';
import { findingsByVault, VaultFindings } from './vaults';

/**
 * One self-contained HTML file a person reads: per vault, the access path from caller to vault with each
 * hop green (checked, passing), red (a finding fails) or grey (nothing checked it), the findings' messages
 * on the hop, and a table of every finding that can be filtered by outcome. Style and script are inline and
 * pinned by hash in the page's Content-Security-Policy, so the page loads nothing from the network.
 */
export const htmlReport: Reporter = (result, options) => {
  const csp = `default-src 'none'; style-src '${sha256(HTML_STYLE)}'; script-src '${sha256(HTML_SCRIPT)}'; img-src data:`;
  const title = `${options.tool.name} access-path report`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${h(title)}</title>
<style>${HTML_STYLE}</style>
</head>
<body>
${header(result, options, title)}
${notices(result)}
${findingsByVault(result)
  .map((vault) => vaultSection(vault, options))
  .join(
    '\n',
  )}${result.findings.length === 0 ? '\n<section class="vault"><p>No vault was found in the audited scope, so no rule was evaluated.</p></section>' : ''}
<script>${HTML_SCRIPT}</script>
</body>
</html>
`;
};

function header(result: RunResult, options: ReportOptions, title: string): string {
  const s = result.summary;
  const when = options.generatedAt ? ` at ${h(options.generatedAt.toISOString())}` : '';
  const counts: [ShownOutcome | 'vaults', number][] = [
    ['vaults', s.vaults],
    ['fail', s.fail],
    ['error', s.error],
    ['suppressed', s.suppressed],
    ['skipped', s.skipped],
    ['pass', s.pass],
  ];
  return `<header>
<h1>${h(title)}</h1>
<div class="muted">${h(options.tool.name)} ${h(options.tool.version)}${when}. Caller: ${h(describeCaller(options.caller))}.${s.complete ? '' : ' <strong class="outcome-fail">Incomplete run: some checks could not be evaluated.</strong>'}</div>
<ul class="totals">${counts.map(([name, n]) => `<li class="outcome-${name}">${n} ${name}</li>`).join('')}</ul>
<fieldset class="filters"><legend class="muted">Show</legend>${SHOWN_ORDER.map((o) => `<label><input type="checkbox" data-filter="${o}" checked> ${o}</label>`).join(' ')}</fieldset>
</header>`;
}

function notices(result: RunResult): string {
  if (result.notices.length === 0) return '';
  const items = result.notices.map(
    (n) =>
      `<li class="notice-${n.level}">${h(n.level)}: ${h(n.message)}${n.resourceId ? ` <code>${h(n.resourceId)}</code>` : ''}</li>`,
  );
  return `<div class="notices"><h2>Notices</h2><ul>${items.join('')}</ul></div>`;
}

/** The caller's route and DNS chain under the path, when the rules followed one (issue 11). */
function routesHtml(vault: VaultFindings): string {
  return routeLines(vault.findings)
    .map(
      ({ label, text }) =>
        `<p class="route" data-kind="${label}"><span class="muted">${label === 'dns' ? 'DNS' : 'Route'}</span> ${h(text)}</p>\n`,
    )
    .join('');
}

function vaultSection(vault: VaultFindings, options: ReportOptions): string {
  const hops = HOPS.map(({ hop, label }) => {
    const findings = vault.findings.filter((f) => hopOf(f) === hop);
    const status = hopStatus(findings);
    const names =
      hop === 'caller' ? [describeCaller(options.caller)] : unique(findings.map((f) => shortResource(f.resourceId)));
    return `<li class="hop hop-${status}" data-hop="${hop}" data-status="${status}">
<div class="hop-title">${h(label)}</div><div class="hop-state">${status === 'none' ? 'not checked' : status}</div>
<div class="muted">${names.map(h).join(', ')}</div>
<ul>${findings.map((f) => `<li data-outcome="${shownOutcome(f)}">${ruleLink(f, options)} ${h(f.message)}${suppressedNote(f)}</li>`).join('')}</ul>
</li>`;
  });
  const rows = [...vault.findings]
    .sort((a, b) => SHOWN_ORDER.indexOf(shownOutcome(a)) - SHOWN_ORDER.indexOf(shownOutcome(b)))
    .map(
      (f) =>
        `<tr data-outcome="${shownOutcome(f)}" data-rule="${h(f.ruleId)}"><td class="outcome outcome-${shownOutcome(f)}">${shownOutcome(f)}</td><td>${ruleLink(f, options)}</td><td>${h(f.message)}${suppressedNote(f)}<div class="muted">${h(f.remediation)}</div></td><td><code>${h(f.resourceId)}</code>${f.address ? `<div class="muted"><code>${h(f.address)}</code></div>` : ''}</td></tr>`,
    );
  return `<section class="vault" data-vault="${h(vault.label)}">
<h2>${h(vault.label)}</h2><code class="muted">${h(vault.vaultId)}</code>
<ol class="path" aria-label="access path of ${h(vault.label)}">
${hops.join('\n')}
</ol>
${routesHtml(vault)}<table class="findings"><thead><tr><th>Outcome</th><th>Rule</th><th>Message</th><th>Resource</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
</section>`;
}

function ruleLink(finding: Finding, options: ReportOptions): string {
  const rule = ruleMetaOf(options, finding);
  return `<a href="${h(docUrlOf(rule))}" title="${h(rule.title)}">${h(rule.id)}</a>`;
}

function suppressedNote(finding: Finding): string {
  return finding.suppressed ? ` <em class="outcome-suppressed">(${h(suppressionText(finding))})</em>` : '';
}

function describeCaller(caller: CallerProfile | undefined): string {
  if (!caller || isDefaultCaller(caller)) return "a client in the private endpoint's own VNet";
  const parts = [
    caller.ips.length > 0 ? `from ${caller.ips.join(', ')}` : '',
    caller.subnetId
      ? `in subnet ${lastSegment(caller.subnetId)}`
      : caller.vnetId
        ? `in VNet ${lastSegment(caller.vnetId)}`
        : '',
    caller.trustedService ? 'as a trusted Microsoft service' : '',
    caller.identity?.objectId ? `as identity ${caller.identity.objectId}` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
