import * as fs from 'node:fs';
import { RULES } from '../../rules/index';
import { ruleDocPath, ruleDocUrl } from '../../src/engine/docs';
import { runCli } from '../support/run-cli';

describe('kvguard rules', () => {
  test('a table of every registered rule: id, name, severity, link, title', async () => {
    const run = await runCli(['rules']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +NAME +SEVERITY +LINK +TITLE$/);
    expect(lines).toHaveLength(RULES.length + 2);
    RULES.forEach((rule, i) => {
      expect(lines[i + 1]?.split(/ {2,}/)).toEqual([
        rule.meta.id,
        rule.meta.name,
        rule.meta.severity,
        rule.meta.link,
        rule.meta.title,
      ]);
    });
    expect(lines[lines.length - 1]).toBe(`${RULES.length} rules; kvguard explain <id> prints a rule's doc`);
  });

  test('--format json', async () => {
    const run = await runCli(['rules', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(
      RULES.map(({ meta }) => ({
        id: meta.id,
        name: meta.name,
        severity: meta.severity,
        link: meta.link,
        title: meta.title,
        appliesTo: meta.appliesTo,
        docs: ruleDocUrl(meta.name),
      })),
    );
  });
});

describe('kvguard explain', () => {
  test.each(RULES.map((r) => [r.meta.id, r.meta.name] as const))(
    '%s prints rules/%s.md, by id, lower-case id or name',
    async (id, name) => {
      const doc = fs.readFileSync(ruleDocPath(name), 'utf8');
      for (const key of [id, id.toLowerCase(), name]) {
        const run = await runCli(['explain', key]);
        expect(run.code).toBe(0);
        expect(run.stdout).toBe(doc);
      }
    },
  );

  test('an unknown rule is one line, exit 2', async () => {
    const run = await runCli(['explain', 'KV999']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('kvguard: explain: no rule has the id or name "KV999" (kvguard rules lists them)\n');
  });

  test('no rule given is a usage error', async () => {
    const run = await runCli(['explain']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("error: missing required argument 'rule'\n");
  });
});
