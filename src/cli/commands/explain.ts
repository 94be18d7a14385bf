import * as fs from 'node:fs';
import { Command } from 'commander';
import { findRule } from '../../../rules/index';
import { ruleDocPath } from '../../engine/docs';
import { UsageError } from '../../errors';

/** `kvguard explain KV205` (or `dns-a-record-ip`): prints the rule's doc, rules/<name>.md. */
export function register(program: Command): void {
  program
    .command('explain')
    .description("print a rule's documentation: what it checks, why, how to fix")
    .argument('<rule>', 'rule id (KV205) or name (dns-a-record-ip)')
    .action((idOrName: string) => {
      process.stdout.write(explain(idOrName));
    });
}

export function explain(idOrName: string): string {
  const rule = findRule(idOrName.trim());
  if (!rule)
    throw new UsageError(`explain: no rule has the id or name ${JSON.stringify(idOrName)} (kvguard rules lists them)`);
  const file = ruleDocPath(rule.meta.name);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`explain: ${rule.meta.id} ${rule.meta.name} has no documentation at ${file}`);
  }
}
