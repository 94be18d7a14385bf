import Ajv from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES, findRule } from '../../rules/index';
import { ruleDocPath } from '../../src/engine/docs';
import { SEVERITIES, type PathLink, type Rule } from '../../src/engine/types';

/**
 * The parity test (ESLint's checkRuleFiles habit): the registry, the rule files, their docs and their tests
 * agree, and every rule's metadata is valid. A rule that is written but not registered, registered but
 * undocumented, or documented without its fix snippets fails here.
 */
const ROOT = path.resolve(__dirname, '../..');
const RULES_DIR = path.join(ROOT, 'rules');
const PATH_LINKS: readonly PathLink[] = [
  'caller',
  'firewall',
  'dns-zone',
  'dns-link',
  'dns-record',
  'private-endpoint',
  'nic',
  'vault',
  'identity',
];
const REQUIRED_SECTIONS = ['## What it checks', '## Why it matters', '## How to fix', '## Options', '## References'];
const FIX_SNIPPETS = ['```bash', '```bicep', '```typescript'];

const byName = (rule: Rule<object>): [string, Rule<object>] => [rule.meta.name, rule];

describe('registry', () => {
  test('ids are unique and shaped KVnnn', () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(ids.filter((id) => !/^KV\d{3}$/.test(id))).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  test('names are unique and kebab-case', () => {
    const names = RULES.map((r) => r.meta.name);
    expect(names.filter((n) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(n))).toEqual([]);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  test('the registry is sorted by id', () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(ids).toEqual([...ids].sort());
  });

  test('every rule file in rules/ is registered', () => {
    const files = fs
      .readdirSync(RULES_DIR)
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
    const registered = new Set(RULES.map((r) => `${r.meta.name}.ts`));
    expect(files.filter((f) => !registered.has(f))).toEqual([]);
  });

  test('findRule finds by id (any case) and by name', () => {
    for (const rule of RULES) {
      expect(findRule(rule.meta.id)).toBe(rule);
      expect(findRule(rule.meta.id.toLowerCase())).toBe(rule);
      expect(findRule(rule.meta.name)).toBe(rule);
    }
    expect(findRule('KV000')).toBeUndefined();
  });
});

describe.each(RULES.map(byName))('%s', (name, rule) => {
  test('lives in rules/<name>.ts, which exports it', () => {
    const file = path.join(RULES_DIR, `${name}.ts`);
    expect(fs.existsSync(file)).toBe(true);

    const exported = Object.values(require(file) as Record<string, unknown>);
    expect(exported).toContain(rule);
  });

  test('has a test at test/rules/<name>.test.ts', () => {
    expect(fs.existsSync(path.join(ROOT, 'test', 'rules', `${name}.test.ts`))).toBe(true);
  });

  test('metadata is valid', () => {
    const { meta } = rule;
    expect(SEVERITIES).toContain(meta.severity);
    expect(PATH_LINKS).toContain(meta.link);
    expect(meta.appliesTo.length).toBeGreaterThan(0);
    expect(meta.appliesTo.filter((kind) => kind !== 'vault' && kind !== 'managedHsm')).toEqual([]);
    expect(new Set(meta.appliesTo).size).toBe(meta.appliesTo.length);
    expect(meta.title.trim()).not.toBe('');
    expect(meta.remediation.trim()).not.toBe('');
    expect(meta.title).not.toMatch(/\n/);
    expect(meta.remediation).not.toMatch(/\n/);
  });

  test('options schema compiles and accepts the defaults', () => {
    const hasOptions = Object.keys(rule.defaults).length > 0;
    if (!rule.meta.optionsSchema) {
      expect(hasOptions).toBe(false);
      return;
    }
    const validate = new Ajv({ strict: false }).compile(rule.meta.optionsSchema);
    expect(validate.errors ?? null).toBeNull();
    expect(validate(rule.defaults)).toBe(true);
  });

  describe('doc rules/<name>.md', () => {
    const file = ruleDocPath(name);
    const doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';

    test('exists and starts with "# <id> <name>"', () => {
      expect(fs.existsSync(file)).toBe(true);
      expect(doc.split('\n')[0]).toBe(`# ${rule.meta.id} ${name}`);
    });

    test('has the required sections, in order', () => {
      const headings = doc
        .split('\n')
        .filter((line) => line.startsWith('## '))
        .map((line) => line.trimEnd());
      expect(headings.filter((h) => REQUIRED_SECTIONS.includes(h))).toEqual(REQUIRED_SECTIONS);
    });

    test('"How to fix" has az (bash), Bicep and Pulumi (TypeScript) snippets', () => {
      const fix = section(doc, '## How to fix');
      expect(FIX_SNIPPETS.filter((fence) => !fix.includes(fence))).toEqual([]);
    });

    test('"References" links the Microsoft docs', () => {
      expect(section(doc, '## References')).toMatch(/https:\/\/learn\.microsoft\.com\//);
    });
  });
});

/** The text of a level-2 section, up to the next level-2 heading. */
function section(doc: string, heading: string): string {
  const start = doc.split('\n').findIndex((line) => line.trimEnd() === heading);
  if (start < 0) return '';
  const rest = doc.split('\n').slice(start + 1);
  const end = rest.findIndex((line) => line.startsWith('## '));
  return (end < 0 ? rest : rest.slice(0, end)).join('\n');
}
