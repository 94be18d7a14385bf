import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../rules/index';

/** README's rule table is written by hand: it must list every registered rule as the registry defines it. */
test('README lists every rule with its id, doc link, severity, link and title', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const rows = readme.split('\n').filter((line) => /^\| KV\d{3} \|/.test(line));
  const expected = RULES.map(
    (r) =>
      `| ${r.meta.id} | [${r.meta.name}](rules/${r.meta.name}.md) | ${r.meta.severity} | ${r.meta.link} | ${r.meta.title} |`,
  );
  expect(rows).toEqual(expected);
});
