import type { Finding, RunResult } from '../../src/engine/types';
import { escapeControl, escapeMarkdown, escapeXml } from '../../src/report/escape';
import { reporterFor } from '../../src/report/index';
import { findingsByVault } from '../../src/report/vaults';
import { fixtureResult, REPORT_OPTIONS } from './fixture';

/**
 * Issue 16, output safety: text from ARM (a vault name, a message quoting it) and from a config (a
 * suppression reason) is never interpreted by a terminal, a CI log or a Markdown renderer.
 */
const HOSTILE = 'kv\u001b[2J\u001b[31mred\n::error file=x::owned\r\u0007\u009b\u202egnp.exe';

function hostileResult(): RunResult {
  const result = fixtureResult();
  const finding = result.findings.find((f) => f.ruleId === 'KV205' && f.outcome === 'fail') as Finding;
  finding.message = `A record ${HOSTILE} points elsewhere`;
  result.notices = [...result.notices, { level: 'error', message: `reason\n# Heading\n@everyone ${HOSTILE}` }];
  return result;
}

describe('escapeControl', () => {
  test('makes every C0, DEL, C1 and bidi control visible, on one line', () => {
    expect(escapeControl(HOSTILE)).toBe(
      'kv\\u001b[2J\\u001b[31mred\\n::error file=x::owned\\r\\u0007\\u009b\\u202egnp.exe',
    );
    expect(escapeControl('plain kv-1 ✓ é')).toBe('plain kv-1 ✓ é');
  });
});

describe('every report escapes control characters', () => {
  // Any control character but the newline (and, in XML, tab/CR) that a format itself writes between lines.
  const RAW = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
  test.each(['text', 'json', 'sarif', 'junit', 'markdown', 'html'] as const)('%s', (format) => {
    const out = reporterFor(format)(hostileResult(), REPORT_OPTIONS);
    expect(out).not.toMatch(RAW);
    // No line of output starts a GitHub Actions workflow command.
    expect(out.split('\n').filter((line) => line.trimStart().startsWith('::'))).toEqual([]);
  });

  test('JSON keeps the value: a parser reads back exactly what ARM said', () => {
    const out = reporterFor('json')(hostileResult(), REPORT_OPTIONS);
    const parsed = JSON.parse(out) as { findings: { message: string }[] };
    expect(parsed.findings.map((f) => f.message)).toContain(`A record ${HOSTILE} points elsewhere`);
  });

  test('the text report shows the escaped name', () => {
    const out = reporterFor('text')(hostileResult(), REPORT_OPTIONS);
    expect(out).toContain('A record kv\\u001b[2J\\u001b[31mred\\n::error file=x::owned\\r\\u0007\\u009b\\u202egnp.exe');
  });
});

describe('Markdown', () => {
  test('a newline in a notice or a suppression reason cannot start a heading or ping a team', () => {
    expect(escapeMarkdown('reason\n# Heading\n@everyone')).toBe('reason # Heading \\@everyone');
    const out = reporterFor('markdown')(hostileResult(), REPORT_OPTIONS);
    expect(out.split('\n').filter((l) => l.startsWith('# '))).toEqual([]);
    expect(out).toContain('- ⛔ error: reason # Heading \\@everyone kv\\\\u001b\\[2J');
  });
});

describe('XML', () => {
  test('C1 and bidi controls become character references, C0 ones are dropped', () => {
    expect(escapeXml('a\u0007b\u0085c\u202ed')).toBe('ab&#x85;c&#x202e;d');
  });
});

describe('findingsByVault', () => {
  test('labels vaults sharing a name with their resource group, others by name', () => {
    const base = fixtureResult().findings[0] as Finding;
    const at = (rg: string, name: string): Finding => ({
      ...base,
      vaultId: `/subscriptions/s/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}`,
    });
    const result: RunResult = { ...fixtureResult(), findings: [at('rg1', 'kv'), at('rg2', 'KV'), at('rg3', 'other')] };
    expect(findingsByVault(result).map((v) => v.label)).toEqual(['rg1/kv', 'rg2/KV', 'other']);
  });

  test('20,000 findings over 19,999 vaults: each labelled once, by its name', () => {
    const base = fixtureResult().findings[0] as Finding;
    const findings = Array.from({ length: 20000 }, (_, i) => ({
      ...base,
      vaultId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv${i % 19999}`,
    }));
    const grouped = findingsByVault({ ...fixtureResult(), findings });
    expect(grouped).toHaveLength(19999);
    expect(grouped.filter((v) => v.label !== `kv${v.vaultId.split('kv')[1]}`)).toEqual([]);
  });
});
