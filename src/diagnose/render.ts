import type { Diagnosis } from './explain-error';
import { escapeControl } from '../report/escape';

/** A diagnosis as text (for people) or JSON (for scripts). Pure: no colour, no I/O. */
export function renderDiagnosis(d: Diagnosis, format: 'text' | 'json'): string {
  if (format === 'json') return `${JSON.stringify(d, null, 2)}\n`;
  const lines = [d.summary, ''];
  for (const m of d.meaning) lines.push(`  ${m}`);
  const facts: string[] = [];
  if (d.vault) facts.push(`vault: ${d.vault}`);
  if (d.subscriptionId) facts.push(`subscription: ${d.subscriptionId}`);
  if (d.operation) facts.push(`operation: ${d.operation}`);
  if (d.caller.ip) facts.push(`client address: ${d.caller.ip}`);
  if (d.caller.objectId) facts.push(`caller object id: ${d.caller.objectId}`);
  if (d.caller.appId) facts.push(`caller application id: ${d.caller.appId}`);
  if (d.caller.tenantId) facts.push(`caller tenant: ${d.caller.tenantId}`);
  if (d.tenants)
    facts.push(
      `vault tenant(s): ${d.tenants.expected.join(', ') || 'unknown'}; token tenant: ${d.tenants.found ?? 'unknown'}`,
    );
  const section = (heading: string | undefined, items: readonly string[]): void => {
    if (items.length === 0) return;
    lines.push('');
    if (heading !== undefined) lines.push(heading);
    for (const item of items) lines.push(`  ${item}`);
  };
  section(undefined, facts);
  section('Rules that check this link:', d.rules);
  section('Run:', d.commands);
  // Lines carry text from the input (names, codes, messages): no control character reaches the terminal.
  return `${lines.map(escapeControl).join('\n')}\n`;
}
