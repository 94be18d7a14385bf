import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { RunResult } from '../../src/engine/types';
import { junitReport } from '../../src/report/junit';
import { fixtureResult, REPORT_OPTIONS } from './fixture';
import { expectGolden } from './golden';
import { at, take } from '../support/at';

interface Case {
  '@_classname': string;
  '@_name': string;
  failure?: { '@_message': string; '#text': string };
  error?: { '@_message': string; '#text': string };
  skipped?: { '@_message': string };
  'system-out'?: string;
}
interface Suite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_errors': string;
  '@_skipped': string;
  testcase: Case[];
}
interface Parsed {
  testsuites: { '@_tests': string; '@_failures': string; '@_errors': string; '@_skipped': string; testsuite: Suite[] };
}

function parse(xml: string): Parsed {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
    parseTagValue: false,
    parseAttributeValue: false,
  });
  return parser.parse(xml) as Parsed;
}

const EMPTY: RunResult = {
  findings: [],
  notices: [],
  summary: { vaults: 0, pass: 0, fail: 0, error: 0, skipped: 0, suppressed: 0, complete: true },
};

describe('junitReport', () => {
  test('matches the golden file', () => {
    expectGolden('report.junit.xml', junitReport(fixtureResult(), REPORT_OPTIONS));
  });

  test('one test case per rule x vault, with failure, error and skipped where due', () => {
    const { testsuites } = parse(junitReport(fixtureResult(), REPORT_OPTIONS));
    expect(
      testsuites.testsuite.map((s) => [s['@_name'], s['@_tests'], s['@_failures'], s['@_errors'], s['@_skipped']]),
    ).toEqual([
      ['kvguard: kv-orders-prod', '7', '0', '1', '1'],
      ['kvguard: kv-payments-prod', '7', '1', '0', '1'],
      ['kvguard: run', '2', '0', '0', '0'],
    ]);
    expect([testsuites['@_tests'], testsuites['@_failures'], testsuites['@_errors'], testsuites['@_skipped']]).toEqual([
      '16',
      '1',
      '1',
      '2',
    ]);
    const [orders, payments] = take(testsuites.testsuite, 2);
    expect(payments.testcase.map((c) => c['@_name'])).toEqual([
      'KV102 private-endpoint-approved',
      'KV203 dns-zone-linked',
      'KV205 dns-a-record-ip',
      'KV301 firewall-allows-caller',
      'KV401 token-audience',
      'KV502 purge-protection',
      'KV503 diagnostic-logs',
    ]);
    const kv205 = at(payments.testcase, 2);
    expect(kv205['@_classname']).toBe('kv-payments-prod');
    expect(kv205.failure?.['@_message']).toBe(
      "A record kv-payments-prod points at 10.1.1.9; the private endpoint's NIC has 10.1.1.4",
    );
    expect(kv205.failure?.['#text']).toContain(
      'Docs: https://github.com/kvguard/kvguard/blob/main/rules/dns-a-record-ip.md',
    );
    expect(at(orders.testcase, 6).error?.['@_message']).toBe(
      'diagnostic-logs failed on kv-orders-prod: diagnostic settings could not be read (403 AuthorizationFailed)',
    );
    expect(at(orders.testcase, 4).skipped?.['@_message']).toBe('no caller token given (--caller-token)');
  });

  test('a suppressed failure passes and says why', () => {
    const orders = at(parse(junitReport(fixtureResult(), REPORT_OPTIONS)).testsuites.testsuite, 0);
    const kv502 = at(orders.testcase, 5);
    expect(kv502.failure).toBeUndefined();
    expect(kv502['system-out']).toBe(
      `[suppressed: purge protection is enabled by the platform team in Q1 (until 2027-03-31)] kv-orders-prod has purge protection disabled (${at(fixtureResult().findings, 5).resourceId})`,
    );
  });

  test('a run with no findings still has a suite with a case saying why', () => {
    const { testsuites } = parse(junitReport(EMPTY, REPORT_OPTIONS));
    expect(testsuites.testsuite).toHaveLength(1);
    expect(at(at(testsuites.testsuite, 0).testcase, 0).skipped?.['@_message']).toBe(
      'no vault was found in the audited scope, so no rule was evaluated',
    );
  });

  test('escapes markup and shows the control characters XML cannot carry as \\uXXXX', () => {
    const result = fixtureResult();
    const hostile = `<tag attr="x">&amp; 'quoted' ]]> \u0001\u001f end`;
    const finding = result.findings.find((f) => f.ruleId === 'KV205' && f.outcome === 'fail')!;
    finding.message = hostile;
    finding.resourceId = `${finding.resourceId}/<x>`;
    result.notices.push({ level: 'error', message: '</testcase><script>"' });
    const { testsuites } = parse(junitReport(result, REPORT_OPTIONS));
    const kv205 = at(at(testsuites.testsuite, 1).testcase, 2);
    // Controls are shown, not dropped (issue 16): the reader sees that the name holds them.
    expect(kv205.failure?.['@_message']).toBe(`<tag attr="x">&amp; 'quoted' ]]> \\u0001\\u001f end`);
    expect(kv205.failure?.['#text']).toContain(`${finding.resourceId})`);
    expect(at(at(testsuites.testsuite, 2).testcase, 2).error?.['@_message']).toBe('</testcase><script>"');
  });
});
