/**
 * Escaping for every text format we write. Findings carry text from ARM (names, tags, descriptions a user
 * typed), so nothing reaches a report unescaped: no control character reaches a terminal or a CI log (where
 * a newline followed by `::error::` would be a GitHub Actions workflow command, and ESC starts a cursor
 * sequence), and no newline reaches a Markdown line or table cell.
 * https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions
 */

/**
 * C0 controls (newline and tab included), DEL, C1 controls, and the Unicode bidirectional overrides and
 * isolates, which reorder what a reader sees ("Trojan Source", CVE-2021-42574), plus line/paragraph separators.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

/** `\n`, `\t`, `\r` as themselves, every other control as `\u001b`: visible, one line, never interpreted. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** True when the text holds a character `escapeControl` would change. */
export function hasControl(text: string): boolean {
  CONTROL.lastIndex = 0;
  const found = CONTROL.test(text);
  CONTROL.lastIndex = 0;
  return found;
}

// Beyond C0 (which JSON.stringify escapes): DEL, C1 and the bidi/separator characters, inside JSON strings.
const JSON_UNESCAPED_CONTROL = /[\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

/**
 * JSON text (JSON, SARIF) with the controls JSON.stringify leaves raw written as `\uXXXX`: the value a
 * parser reads is unchanged, but `cat report.json` cannot reorder or recolour a terminal. Outside strings
 * JSON.stringify writes only ASCII, so the replacement only ever lands inside a string.
 */
export function escapeJsonControls(json: string): string {
  return json.replace(JSON_UNESCAPED_CONTROL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// XML 1.0 forbids most C0 control characters even when escaped: drop them.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
// Allowed in XML but invisible or reordering: written as character references.
const XML_DISCOURAGED = /[\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

export function escapeXml(text: string): string {
  return text
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(XML_DISCOURAGED, (ch) => `&#x${ch.charCodeAt(0).toString(16)};`);
}

/** HTML text: controls made visible first (a browser would drop or reorder them silently). */
export function escapeHtml(text: string): string {
  return escapeXml(escapeControl(text)).replace(/&apos;/g, '&#39;');
}

/** One Markdown table cell: no line breaks or pipes, and HTML-looking text shown as text. */
export function escapeMarkdownCell(text: string): string {
  return escapeMarkdown(text).replace(/\|/g, '\\|');
}

/**
 * Markdown text where GitHub would otherwise render HTML, formatting or mentions from ARM names or a
 * suppression reason: one line (a newline could start a heading, a list or a new table row), `@` escaped
 * so no team is pinged, every other control character visible.
 */
export function escapeMarkdown(text: string): string {
  return escapeControl(text.replace(/\r\n|\r|\n|\u2028|\u2029/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]@~])/g, '\\$1');
}
