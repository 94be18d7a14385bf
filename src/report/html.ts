import { createHash } from 'node:crypto';
import type { Finding, RunResult } from '../engine/types';
import { CallerProfile, isDefaultCaller } from '../model/caller';
import { HOPS, hopOf, hopStatus, routeLines } from './access-path';
import { docUrlOf, lastSegment, rulesOf, SHOWN_ORDER, ShownOutcome, shownOutcome, suppressionText } from './common';
import { escapeHtml as h, escapeJsonControls } from './escape';
import { HTML_SCRIPT, HTML_STYLE } from './html-assets';
import { collected } from './stream';
import type { ReportOptions, StreamingReporter } from './types';
import { findingsByVault } from './vaults';

/**
 * One self-contained HTML file a person reads, at 10 vaults or 10,000: first an overview (totals, counts per
 * rule, and every vault as a row of its access path's hops, caller to vault, coloured green (checked,
 * passing), red (a finding fails), orange (could not be evaluated) or grey (nothing checked it)), with
 * filters by outcome and rule and a search box; a vault's diagram and findings are drawn when it is opened.
 * Everything the page shows comes from one JSON document embedded in the page, in which each message and
 * resource id is stored once per text with the vault's name taken out, so the page grows by about 1 KB per
 * vault instead of 25. Style and script are inline and pinned by hash in the page's Content-Security-Policy,
 * so the page loads nothing from the network.
 */
export const htmlStream: StreamingReporter = (result, options, write) => {
  const csp = `default-src 'none'; style-src '${sha256(HTML_STYLE)}'; script-src '${sha256(HTML_SCRIPT)}'; img-src data:`;
  const title = `${options.tool.name} access-path report`;
  write(`<!DOCTYPE html>
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
`);
  if (result.findings.length === 0)
    write(
      '<section class="panel"><p>No vault was found in the audited scope, so no rule was evaluated.</p></section>\n',
    );
  else write(overview(result, options));
  write('<script type="application/json" id="kvguard-data">');
  writePageData(result, options, write);
  write(`</script>
<script>${HTML_SCRIPT}</script>
</body>
</html>
`);
};

export const htmlReport = collected(htmlStream);

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
</header>`;
}

const MAX_NOTICES = 200;

function notices(result: RunResult): string {
  if (result.notices.length === 0) return '';
  const items = result.notices
    .slice(0, MAX_NOTICES)
    .map(
      (n) =>
        `<li class="notice-${n.level}">${h(n.level)}: ${h(n.message)}${n.resourceId ? ` <code>${h(n.resourceId)}</code>` : ''}</li>`,
    );
  if (result.notices.length > MAX_NOTICES)
    items.push(`<li>… and ${result.notices.length - MAX_NOTICES} more (the JSON report lists every notice)</li>`);
  return `<div class="notices"><h2>Notices</h2><ul>${items.join('')}</ul></div>`;
}

/** Counts per rule (a row click filters the vaults by it), the filters, and the vault list the script fills. */
function overview(result: RunResult, options: ReportOptions): string {
  const counts = new Map<string, Record<ShownOutcome, number>>();
  for (const f of result.findings) {
    let c = counts.get(f.ruleId);
    if (!c) counts.set(f.ruleId, (c = { fail: 0, error: 0, suppressed: 0, skipped: 0, pass: 0 }));
    c[shownOutcome(f)] += 1;
  }
  const rules = rulesOf(options, result.findings).filter((rule) => counts.has(rule.id));
  const ruleRows = rules.map((rule) => {
    const c = counts.get(rule.id) ?? { fail: 0, error: 0, suppressed: 0, skipped: 0, pass: 0 };
    const cells = SHOWN_ORDER.map((o) => `<td class="num${c[o] > 0 ? ` outcome-${o}` : ''}">${c[o]}</td>`).join('');
    return `<tr data-rule="${h(rule.id)}"><td><a href="${h(docUrlOf(rule))}" title="${h(rule.title)}">${h(rule.id)}</a> ${h(rule.name)}</td>${cells}</tr>`;
  });
  const hopHeads = HOPS.map(({ label }) => `<th class="hop-head">${h(label)}</th>`).join('');
  return `<section class="panel" id="rules">
<h2>Counts per rule</h2>
<table class="counts"><thead><tr><th>Rule</th>${SHOWN_ORDER.map((o) => `<th class="num">${o}</th>`).join('')}</tr></thead>
<tbody>
${ruleRows.join('\n')}
</tbody></table>
</section>
<section class="panel" id="overview">
<h2>Vaults</h2>
<div class="filters">
<fieldset><legend class="muted">Show vaults whose worst outcome is</legend>${SHOWN_ORDER.map((o) => `<label><input type="checkbox" data-filter="${o}" checked> ${o}</label>`).join(' ')}</fieldset>
<label>Rule <select id="rule-filter"><option value="">any rule</option>${rules.map((rule) => `<option value="${h(rule.id)}">${h(rule.id)} ${h(rule.name)} (failing or error)</option>`).join('')}</select></label>
<label>Search <input type="search" id="search" placeholder="vault name or id"></label>
<span id="match-count" class="muted" aria-live="polite"></span>
</div>
<table class="matrix"><thead><tr><th>Vault</th><th>Worst</th>${hopHeads}</tr></thead>
<tbody id="vault-rows"></tbody></table>
<button type="button" id="more" hidden>Show more</button>
</section>
<section class="panel" id="detail" hidden></section>
`;
}

/**
 * The page's data, written a vault at a time:
 * `{hops, outcomes, rules, texts, vaults: [[name, idText, label, hopCodes, worst, findings]], suppressed}` where
 * texts are messages and resource ids with the vault's name replaced by U+0001 (stored once however many
 * vaults share them), `findings` is flat (rule, outcome, hop, resource text or -1 for the vault itself,
 * message text per finding), `suppressed` lists [vault, finding, text] for suppressed findings and
 * `addresses` [vault, finding, text] for findings a source declares at an address (Terraform), `routes`
 * [vault, 0 route | 1 DNS, text] the caller's route and DNS chain under a vault's path.
 */
function writePageData(result: RunResult, options: ReportOptions, write: (chunk: string) => void): void {
  const rules = rulesOf(options, result.findings);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const hopIndex = new Map(HOPS.map(({ hop }, index) => [hop, index]));
  const outcomeIndex = new Map(SHOWN_ORDER.map((o, index) => [o, index]));
  const texts = new Map<string, number>();
  const text = (value: string): number => {
    let index = texts.get(value);
    if (index === undefined) texts.set(value, (index = texts.size));
    return index;
  };
  const suppressed: [number, number, number][] = [];
  const addresses: [number, number, number][] = [];
  const routes: [number, number, number][] = [];
  write(
    `{"hops":${json(HOPS.map(({ hop, label }) => [hop, label]))},"outcomes":${json(SHOWN_ORDER)},"caller":${json(describeCaller(options.caller))},"rules":${json(
      rules.map((rule) => ({
        id: rule.id,
        name: rule.name,
        title: rule.title,
        url: docUrlOf(rule),
        remediation: rule.remediation,
      })),
    )},"vaults":[`,
  );
  findingsByVault(result).forEach((vault, v) => {
    const name = lastSegment(vault.vaultId);
    const template = (value: string): number => text(name.length > 0 ? value.split(name).join('\u0001') : value);
    const byHop = new Map<string, Finding[]>();
    const flat: number[] = [];
    let worst = SHOWN_ORDER.length - 1;
    vault.findings.forEach((f, i) => {
      const hop = hopOf(f);
      const list = byHop.get(hop);
      if (list) list.push(f);
      else byHop.set(hop, [f]);
      const outcome = outcomeIndex.get(shownOutcome(f)) ?? 0;
      worst = Math.min(worst, outcome);
      flat.push(
        ruleIndex.get(f.ruleId) ?? 0,
        outcome,
        hopIndex.get(hop) ?? 0,
        f.resourceId === vault.vaultId ? -1 : template(f.resourceId),
        template(f.message),
      );
      if (f.suppressed) suppressed.push([v, i, text(suppressionText(f))]);
      if (f.address) addresses.push([v, i, text(f.address)]);
    });
    const hops = HOPS.map(({ hop }) => hopStatus(byHop.get(hop) ?? [])[0]).join('');
    // The caller's route and DNS chain as the rules followed them (issue 11), drawn under the path.
    for (const { label, text: line } of routeLines(vault.findings))
      routes.push([v, label === 'dns' ? 1 : 0, template(line)]);
    const label = vault.label === name ? 0 : vault.label;
    write(`${v === 0 ? '' : ','}${json([name, template(vault.vaultId), label, hops, worst, flat])}`);
  });
  write(`],"suppressed":${json(suppressed)},"addresses":${json(addresses)},"routes":${json(routes)},"texts":[`);
  let first = true;
  for (const value of texts.keys()) {
    write(`${first ? '' : ','}${json(value)}`);
    first = false;
  }
  write(']}');
}

/** JSON that cannot end the `<script>` element it sits in, nor open a comment in it. */
function json(value: unknown): string {
  // Control, bidi and separator characters too (escapeJsonControls): the page's source stays plain text.
  return escapeJsonControls(JSON.stringify(value))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026');
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

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
