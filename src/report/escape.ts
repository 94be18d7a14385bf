/**
 * Escaping for every text format we write. Findings carry text from ARM (names, tags, descriptions a user
 * typed), so nothing reaches a report unescaped.
 */

// XML 1.0 forbids most control characters even when escaped: drop them.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(text: string): string {
  return text
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function escapeHtml(text: string): string {
  return escapeXml(text).replace(/&apos;/g, '&#39;');
}

/** One Markdown table cell: no line breaks or pipes, and HTML-looking text shown as text. */
export function escapeMarkdownCell(text: string): string {
  return escapeMarkdown(text).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** Markdown text where GitHub would otherwise render HTML or formatting from ARM names. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]])/g, '\\$1');
}
