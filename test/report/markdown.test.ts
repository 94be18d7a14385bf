import type { RunResult } from '../../src/engine/types';
import { markdownReport } from '../../src/report/markdown';
import { fixtureResult, REPORT_OPTIONS } from './fixture';
import { expectGolden } from './golden';

describe('markdownReport', () => {
  const markdown = markdownReport(fixtureResult(), REPORT_OPTIONS);

  test('matches the golden file', () => {
    expectGolden('report.md', markdown);
  });

  test('totals, then failures first, suppressed with its reason, passes collapsed', () => {
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('## kvguard: 1 failing, 1 not evaluated, 1 suppressed (incomplete run)');
    expect(lines).toContain('| 2 | 9 | 1 | 1 | 2 | 1 | no |');
    const at = (text: string) => lines.findIndex((l) => l.startsWith(text));
    expect(at('### Failures (2)')).toBeLessThan(at('### Suppressed (1)'));
    expect(at('### Suppressed (1)')).toBeLessThan(at('<details><summary>9 passed, 2 skipped</summary>'));
    expect(lines[at('### Failures (2)') + 4]).toBe(
      "| [KV205 dns-a-record-ip](https://github.com/kvguard/kvguard/blob/main/rules/dns-a-record-ip.md) | kv-payments-prod | A/kv-payments-prod | ❌ fail | A record kv-payments-prod points at 10.1.1.9; the private endpoint's NIC has 10.1.1.4 |",
    );
    expect(lines[at('### Suppressed (1)') + 4]).toContain(
      '| suppression: purge protection is enabled by the platform team in Q1, until 2027-03-31 |',
    );
    expect(lines).toContain(
      '- ⚠️ warning: suppression of dns-a-record-ip for \\*\\*/A/kv-payments-prod expired on 2026-11-01: it no longer applies (reason was: migration to the new endpoint)',
    );
  });

  test('escapes table breakers and HTML in messages', () => {
    const result: RunResult = fixtureResult();
    result.findings.find((f) => f.ruleId === 'KV205' && f.outcome === 'fail')!.message =
      'bad | cell <img src=x onerror=alert(1)>\nsecond line';
    const row = markdownReport(result, REPORT_OPTIONS)
      .split('\n')
      .find((l) => l.includes('bad'))!;
    expect(row).toContain('| bad \\| cell &lt;img src=x onerror=alert(1)&gt; second line |');
  });

  test('a run with no findings says nothing was evaluated', () => {
    const empty: RunResult = {
      findings: [],
      notices: [],
      summary: { vaults: 0, pass: 0, fail: 0, error: 0, skipped: 0, suppressed: 0, complete: true },
    };
    expect(markdownReport(empty, REPORT_OPTIONS)).toContain(
      'No vault was found in the audited scope, so no rule was evaluated.',
    );
  });
});
