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
`;

export const HTML_SCRIPT = `
document.querySelectorAll('input[data-filter]').forEach(function (box) {
  box.addEventListener('change', function () {
    document.body.classList.toggle('hide-' + box.getAttribute('data-filter'), !box.checked);
  });
});
`;
