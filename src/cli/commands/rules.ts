import { Command, Option } from 'commander';
import { RULES } from '../../../rules/index';
import { ruleDocUrl } from '../../engine/docs';
import type { RuleMeta } from '../../engine/types';

/** `kvguard rules`: the catalogue, as a table or as JSON. */
export function register(program: Command): void {
  program
    .command('rules')
    .description('list the rules: id, name, severity, access-path link, title')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((flags: { format: 'text' | 'json' }) => {
      const metas = RULES.map((r) => r.meta);
      process.stdout.write(flags.format === 'json' ? rulesJson(metas) : rulesTable(metas));
    });
}

export function rulesJson(metas: readonly RuleMeta[]): string {
  const rows = metas.map((m) => ({
    id: m.id,
    name: m.name,
    severity: m.severity,
    link: m.link,
    title: m.title,
    appliesTo: m.appliesTo,
    docs: ruleDocUrl(m.name),
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

export function rulesTable(metas: readonly RuleMeta[]): string {
  const header = ['ID', 'NAME', 'SEVERITY', 'LINK', 'TITLE'];
  const rows = metas.map((m) => [m.id, m.name, m.severity, m.link, m.title]);
  const widths = header.map((h, i) => rows.reduce((most, r) => Math.max(most, (r[i] ?? '').length), h.length));
  const line = (cells: string[]): string =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  return `${[header, ...rows].map(line).join('\n')}\n${metas.length} rules; kvguard explain <id> prints a rule's doc\n`;
}
