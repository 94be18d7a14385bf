/**
 * The HTML report's inline style and script. Everything is inline and the page's Content-Security-Policy
 * allows nothing else, so opening the report makes no network request.
 */
export const HTML_STYLE = `
:root { --pass: #1a7f37; --fail: #cf222e; --none: #8c959f; --error: #bc4c00; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0; padding: 24px; background: #f6f8fa; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 0; } .muted { color: var(--muted); }
code { font: 12px ui-monospace, SFMono-Regular, Consolas, monospace; word-break: break-all; }
header, section.vault, .notices { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin-bottom: 16px; }
.totals { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0 0; padding: 0; list-style: none; }
.totals li { border: 1px solid var(--line); border-radius: 6px; padding: 4px 10px; }
.filters { border: 0; padding: 0; margin: 12px 0 0; display: flex; gap: 14px; flex-wrap: wrap; }
.notices li.notice-error { color: var(--fail); } .notices li.notice-warning { color: var(--error); }
ol.path { list-style: none; display: flex; flex-wrap: wrap; gap: 0; padding: 0; margin: 14px 0; align-items: stretch; }
ol.path > li.hop { position: relative; width: 128px; margin: 0 20px 12px 0; overflow-wrap: anywhere; border: 3px solid var(--none); border-radius: 8px; padding: 6px 8px; background: #fff; }
ol.path > li.hop:not(:last-child)::after { content: ""; position: absolute; right: -23px; top: 22px; width: 20px; border-top: 3px solid var(--link-color, var(--none)); }
ol.path > li.hop.hop-pass { border-color: var(--pass); background: #dafbe1; --link-color: var(--pass); }
ol.path > li.hop.hop-fail { border-color: var(--fail); background: #ffebe9; --link-color: var(--fail); }
ol.path > li.hop.hop-error { border-color: var(--error); border-style: dashed; background: #fff1e5; --link-color: var(--error); }
ol.path > li.hop.hop-none { border-color: var(--none); background: #f6f8fa; --link-color: var(--none); }
.hop-title { font-weight: 600; } .hop-state { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.hop ul { margin: 4px 0 0; padding: 0; list-style: none; font-size: 12px; }
.hop ul li { margin-top: 4px; }
table.findings { width: 100%; border-collapse: collapse; font-size: 13px; }
table.findings th, table.findings td { text-align: left; border-top: 1px solid var(--line); padding: 5px 6px; vertical-align: top; }
.outcome { font-weight: 600; white-space: nowrap; }
.outcome-pass { color: var(--pass); } .outcome-fail { color: var(--fail); } .outcome-error { color: var(--error); }
.outcome-skipped, .outcome-suppressed { color: var(--muted); }
body.hide-pass [data-outcome="pass"], body.hide-fail [data-outcome="fail"], body.hide-error [data-outcome="error"],
body.hide-skipped [data-outcome="skipped"], body.hide-suppressed [data-outcome="suppressed"] { display: none; }
section.panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin-bottom: 16px; }
.filters { display: flex; gap: 18px; flex-wrap: wrap; align-items: center; margin: 10px 0; }
.filters fieldset { border: 0; padding: 0; margin: 0; display: flex; gap: 10px; flex-wrap: wrap; }
table.counts, table.matrix { border-collapse: collapse; font-size: 13px; }
table.counts th, table.counts td, table.matrix th, table.matrix td { border-top: 1px solid var(--line); padding: 3px 8px; text-align: left; }
td.num, th.num { text-align: right; }
table.matrix td.cell { width: 70px; height: 18px; border: 2px solid #fff; }
table.matrix td.hop-pass { background: #aceebb; } table.matrix td.hop-fail { background: #ff8182; }
table.matrix td.hop-error { background: #ffb77c; } table.matrix td.hop-none { background: #eaeef2; }
table.matrix th.hop-head { font-size: 11px; font-weight: 600; }
table.matrix tbody tr { cursor: pointer; } table.matrix tbody tr:hover { outline: 2px solid #0969da; }
table.matrix button.open { all: unset; color: #0969da; cursor: pointer; } table.matrix tr.selected { background: #ddf4ff; }
table.counts tbody tr { cursor: pointer; }
#more { margin-top: 10px; }
`;

/**
 * The page's script: fills the vault list from the embedded JSON (a page of rows at a time), applies the
 * filters and the search box, and draws one vault's access path and findings when it is opened. Text goes
 * in through textContent only, never as HTML.
 */
export const HTML_SCRIPT = `
(function () {
  'use strict';
  var source = document.getElementById('kvguard-data');
  var data = JSON.parse(source ? source.textContent : '{}');
  var rowsBody = document.getElementById('vault-rows');
  if (!rowsBody || !data.vaults) return;
  var PAGE = 200;
  var STATUS = { f: 'fail', e: 'error', p: 'pass', n: 'none' };
  var texts = data.texts;
  var vaults = data.vaults;
  var search = document.getElementById('search');
  var ruleSelect = document.getElementById('rule-filter');
  var more = document.getElementById('more');
  var count = document.getElementById('match-count');
  var detail = document.getElementById('detail');
  var hidden = {};
  var matched = [];
  var shown = PAGE;
  var keys = [];
  var suppressed = {};
  var addresses = {};
  data.suppressed.forEach(function (s) { suppressed[s[0] + ':' + s[1]] = texts[s[2]]; });
  (data.addresses || []).forEach(function (s) { addresses[s[0] + ':' + s[1]] = texts[s[2]]; });
  var routes = {};
  (data.routes || []).forEach(function (r) { (routes[r[0]] = routes[r[0]] || []).push(r); });

  function expand(index, name) { return index < 0 ? null : texts[index].split('\\u0001').join(name); }
  function vaultId(v) { return expand(v[1], v[0]); }
  function label(v) { return v[2] === 0 ? v[0] : v[2]; }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function searchKey(index) {
    if (keys[index] === undefined) keys[index] = (label(vaults[index]) + ' ' + vaultId(vaults[index])).toLowerCase();
    return keys[index];
  }
  function failsRule(v, rule) {
    var f = v[5];
    for (var i = 0; i < f.length; i += 5) if (data.rules[f[i]].id === rule && f[i + 1] <= 1) return true;
    return false;
  }
  function refresh() {
    var query = search.value.trim().toLowerCase();
    var rule = ruleSelect.value;
    matched = [];
    for (var i = 0; i < vaults.length; i++) {
      var v = vaults[i];
      if (hidden[data.outcomes[v[4]]]) continue;
      if (rule !== '' && !failsRule(v, rule)) continue;
      if (query !== '' && searchKey(i).indexOf(query) < 0) continue;
      matched.push(i);
    }
    shown = PAGE;
    render();
  }
  function render() {
    var fragment = document.createDocumentFragment();
    var end = Math.min(shown, matched.length);
    for (var k = 0; k < end; k++) fragment.appendChild(row(matched[k]));
    rowsBody.textContent = '';
    rowsBody.appendChild(fragment);
    count.textContent = matched.length + ' of ' + vaults.length + ' vaults' + (end < matched.length ? ', first ' + end + ' shown' : '');
    more.hidden = end >= matched.length;
  }
  function row(index) {
    var v = vaults[index];
    var tr = el('tr', 'vault-row');
    tr.setAttribute('data-index', String(index));
    tr.setAttribute('data-vault', label(v));
    tr.setAttribute('data-worst', data.outcomes[v[4]]);
    var name = el('td');
    var open = el('button', 'open', label(v));
    open.type = 'button';
    open.title = vaultId(v);
    name.appendChild(open);
    tr.appendChild(name);
    tr.appendChild(el('td', 'outcome outcome-' + data.outcomes[v[4]], data.outcomes[v[4]]));
    for (var h = 0; h < data.hops.length; h++) {
      var status = STATUS[v[3].charAt(h)];
      var cell = el('td', 'cell hop-' + status);
      cell.setAttribute('data-hop', data.hops[h][0]);
      cell.title = data.hops[h][1] + ': ' + (status === 'none' ? 'not checked' : status);
      tr.appendChild(cell);
    }
    return tr;
  }
  function ruleLink(rule) {
    var a = el('a', '', rule.id);
    a.href = rule.url;
    a.title = rule.title;
    return a;
  }
  function shortName(id) {
    var parts = id.replace(/\\/+$/, '').split('/');
    return parts.length >= 2 ? parts[parts.length - 2] + '/' + parts[parts.length - 1] : id;
  }
  function openVault(index) {
    var v = vaults[index];
    var id = vaultId(v);
    var findings = [];
    for (var i = 0; i < v[5].length; i += 5) {
      var f = v[5];
      findings.push({
        rule: data.rules[f[i]],
        outcome: data.outcomes[f[i + 1]],
        order: f[i + 1],
        hop: f[i + 2],
        resource: f[i + 3] < 0 ? id : expand(f[i + 3], v[0]),
        message: expand(f[i + 4], v[0]),
        suppressed: suppressed[index + ':' + i / 5],
        address: addresses[index + ':' + i / 5]
      });
    }
    detail.textContent = '';
    var section = el('section', 'vault');
    section.setAttribute('data-vault', label(v));
    section.appendChild(el('h2', '', label(v)));
    section.appendChild(el('code', 'muted', id));
    var path = el('ol', 'path');
    path.setAttribute('aria-label', 'access path of ' + label(v));
    data.hops.forEach(function (hop, h) {
      var status = STATUS[v[3].charAt(h)];
      var li = el('li', 'hop hop-' + status);
      li.setAttribute('data-hop', hop[0]);
      li.setAttribute('data-status', status);
      li.appendChild(el('div', 'hop-title', hop[1]));
      li.appendChild(el('div', 'hop-state', status === 'none' ? 'not checked' : status));
      var on = findings.filter(function (f) { return f.hop === h; });
      var names = h === 0 ? [data.caller] : on.map(function (f) { return shortName(f.resource); });
      li.appendChild(el('div', 'muted', names.filter(function (n, k) { return names.indexOf(n) === k; }).join(', ')));
      var list = el('ul');
      on.forEach(function (f) {
        var item = el('li');
        item.setAttribute('data-outcome', f.suppressed ? 'suppressed' : f.outcome);
        item.appendChild(ruleLink(f.rule));
        item.appendChild(document.createTextNode(' ' + f.message));
        if (f.suppressed) item.appendChild(el('em', 'outcome-suppressed', ' (' + f.suppressed + ')'));
        list.appendChild(item);
      });
      li.appendChild(list);
      path.appendChild(li);
    });
    section.appendChild(path);
    (routes[index] || []).forEach(function (r) {
      var line = el('p', 'route');
      line.setAttribute('data-kind', r[1] === 1 ? 'dns' : 'route');
      line.appendChild(el('span', 'muted', r[1] === 1 ? 'DNS' : 'Route'));
      line.appendChild(document.createTextNode(' ' + expand(r[2], v[0])));
      section.appendChild(line);
    });
    var table = el('table', 'findings');
    var head = el('tr');
    ['Outcome', 'Rule', 'Message', 'Resource'].forEach(function (t) { head.appendChild(el('th', '', t)); });
    var thead = el('thead');
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el('tbody');
    findings
      .map(function (f, k) { return { f: f, k: k }; })
      .sort(function (a, b) { return a.f.order - b.f.order || a.k - b.k; })
      .forEach(function (x) {
        var f = x.f;
        var tr = el('tr');
        tr.setAttribute('data-outcome', f.outcome);
        tr.setAttribute('data-rule', f.rule.id);
        tr.appendChild(el('td', 'outcome outcome-' + f.outcome, f.outcome));
        var rule = el('td');
        rule.appendChild(ruleLink(f.rule));
        tr.appendChild(rule);
        var message = el('td', '', f.message);
        if (f.suppressed) message.appendChild(el('em', 'outcome-suppressed', ' (' + f.suppressed + ')'));
        message.appendChild(el('div', 'muted', f.rule.remediation));
        tr.appendChild(message);
        var resource = el('td');
        resource.appendChild(el('code', '', f.resource));
        if (f.address) {
          var declared = el('div', 'muted');
          declared.appendChild(el('code', '', f.address));
          resource.appendChild(declared);
        }
        tr.appendChild(resource);
        body.appendChild(tr);
      });
    table.appendChild(body);
    section.appendChild(table);
    detail.appendChild(section);
    detail.hidden = false;
    var selected = rowsBody.querySelector('tr.selected');
    if (selected) selected.classList.remove('selected');
    var current = rowsBody.querySelector('tr[data-index="' + index + '"]');
    if (current) current.classList.add('selected');
  }

  document.querySelectorAll('input[data-filter]').forEach(function (box) {
    box.addEventListener('change', function () {
      var outcome = box.getAttribute('data-filter');
      hidden[outcome] = !box.checked;
      document.body.classList.toggle('hide-' + outcome, !box.checked);
      refresh();
    });
  });
  search.addEventListener('input', refresh);
  ruleSelect.addEventListener('change', refresh);
  more.addEventListener('click', function () { shown += PAGE * 5; render(); });
  rowsBody.addEventListener('click', function (event) {
    var tr = event.target.closest('tr[data-index]');
    if (tr) openVault(Number(tr.getAttribute('data-index')));
  });
  document.querySelectorAll('table.counts tbody tr[data-rule]').forEach(function (tr) {
    tr.addEventListener('click', function (event) {
      if (event.target.closest('a')) return;
      ruleSelect.value = tr.getAttribute('data-rule');
      refresh();
    });
  });
  refresh();
  if (vaults.length === 1) openVault(0);
})();
`;
