import type { Finding, Notice } from '../engine/types';
import { docUrlOf, ruleMetaOf, suppressionText, type NonEmpty } from './common';
import { escapeControl as t, escapeXml } from './escape';
import { collected } from './stream';
import type { ReportOptions, Reporter, StreamingReporter } from './types';
import { findingsByRule, findingsByVault, type VaultFindings } from './vaults';

/**
 * JUnit XML for Azure DevOps `PublishTestResults` (testResultsFormat: JUnit): one test suite per vault,
 * one test case per rule x vault (`classname` = vault, `name` = `KV205 dns-a-record-ip`). A case fails when
 * any of its findings fails unsuppressed, is an error when one could not be evaluated, is skipped when all
 * were skipped; suppressed findings pass and say so in system-out. A run with no findings still has a
 * suite and a case saying why, so the publish step never sees an empty file.
 */
type Verdict = 'failure' | 'error' | 'skipped' | 'pass';

interface TestCase {
  classname: string;
  name: string;
  verdict: Verdict;
  message: string;
  body: string;
}

interface Suite {
  name: string;
  cases: TestCase[];
  properties: Record<string, string>;
}

export const junitStream: StreamingReporter = (result, options, write) => {
  // The header carries the totals, so a first pass counts verdicts (a few numbers per vault) and a second
  // builds and writes one suite at a time: the XML for 10,000 vaults is never held whole.
  const vaults = findingsByVault(result);
  const totals = { tests: 0, failure: 0, error: 0, skipped: 0, pass: 0 };
  const count = (verdict: Verdict) => {
    totals.tests += 1;
    totals[verdict] += 1;
  };
  for (const vault of vaults) for (const findings of findingsByRule(vault.findings)) count(verdictOf(findings));
  if (vaults.length === 0) count('skipped');
  for (const notice of result.notices) count(noticeVerdict(notice));
  const suites = function* (): Generator<Suite> {
    for (const vault of vaults) yield vaultSuite(vault, options);
    if (vaults.length === 0) yield emptySuite();
    if (result.notices.length > 0) yield noticeSuite(result.notices);
  };
  const stamp = options.generatedAt ? ` timestamp="${options.generatedAt.toISOString().slice(0, 19)}"` : '';
  write('<?xml version="1.0" encoding="UTF-8"?>\n');
  write(
    `<testsuites name="${escapeXml(`${options.tool.name} ${options.tool.version}`)}" tests="${totals.tests}" failures="${totals.failure}" errors="${totals.error}" skipped="${totals.skipped}" time="0">\n`,
  );
  let index = 0;
  for (const suite of suites()) {
    write(`${suiteXml(suite, index, stamp).join('\n')}\n`);
    index += 1;
  }
  write('</testsuites>\n');
};

export const junitReport: Reporter = collected(junitStream);

function vaultSuite(vault: VaultFindings, options: ReportOptions): Suite {
  return {
    name: `kvguard: ${t(vault.label)}`,
    properties: { vaultId: t(vault.vaultId) },
    cases: findingsByRule(vault.findings).map((findings) => testCase(vault.label, findings, options)),
  };
}

function testCase(classname: string, findings: NonEmpty<Finding>, options: ReportOptions): TestCase {
  const rule = ruleMetaOf(options, findings[0]);
  const verdict = verdictOf(findings);
  const active = findings.filter((f) => !f.suppressed);
  const failed = active.filter((f) => f.outcome === 'fail');
  const errored = active.filter((f) => f.outcome === 'error');
  const decisive = failed[0] ?? errored[0] ?? findings[0];
  const lines = findings.map(
    (f) =>
      `[${f.suppressed ? t(suppressionText(f)) : f.outcome}] ${t(f.message)} (${t(f.resourceId)}${f.address ? `, ${t(f.address)}` : ''})`,
  );
  if (verdict === 'failure' || verdict === 'error')
    lines.push('', `Remediation: ${t(rule.remediation)}`, `Docs: ${docUrlOf(rule)}`);
  return {
    classname: t(classname),
    name: t(`${rule.id} ${rule.name}`),
    verdict,
    message: t(decisive.message),
    body: lines.join('\n'),
  };
}

function verdictOf(findings: readonly Finding[]): Verdict {
  const active = findings.filter((f) => !f.suppressed);
  if (active.some((f) => f.outcome === 'fail')) return 'failure';
  if (active.some((f) => f.outcome === 'error')) return 'error';
  return findings.every((f) => f.outcome === 'skipped') ? 'skipped' : 'pass';
}

function noticeVerdict(notice: Notice): Verdict {
  return notice.level === 'error' ? 'error' : 'pass';
}

function emptySuite(): Suite {
  const message = 'no vault was found in the audited scope, so no rule was evaluated';
  return {
    name: 'kvguard',
    properties: {},
    cases: [{ classname: 'kvguard', name: 'vaults audited', verdict: 'skipped', message, body: message }],
  };
}

function noticeSuite(notices: readonly Notice[]): Suite {
  return {
    name: 'kvguard: run',
    properties: {},
    cases: notices.map((notice, index) => ({
      classname: 'kvguard run',
      name: `notice ${index + 1}: ${notice.level}`,
      verdict: noticeVerdict(notice),
      message: t(notice.message),
      body: t(notice.resourceId ? `${notice.message} (${notice.resourceId})` : notice.message),
    })),
  };
}

function suiteXml(suite: Suite, index: number, stamp: string): string[] {
  const count = (verdict: Verdict) => suite.cases.filter((c) => c.verdict === verdict).length;
  const properties = Object.entries(suite.properties);
  return [
    `  <testsuite id="${index}" name="${escapeXml(suite.name)}" tests="${suite.cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="0"${stamp}>`,
    ...(properties.length > 0
      ? [
          '    <properties>',
          ...properties.map(
            ([name, value]) => `      <property name="${escapeXml(name)}" value="${escapeXml(value)}"/>`,
          ),
          '    </properties>',
        ]
      : []),
    ...suite.cases.flatMap(caseXml),
    '  </testsuite>',
  ];
}

function caseXml(test: TestCase): string[] {
  const open = `    <testcase classname="${escapeXml(test.classname)}" name="${escapeXml(test.name)}" time="0">`;
  const message = `message="${escapeXml(test.message)}"`;
  const body = escapeXml(test.body);
  switch (test.verdict) {
    case 'failure':
      return [open, `      <failure ${message} type="fail">${body}</failure>`, '    </testcase>'];
    case 'error':
      return [open, `      <error ${message} type="error">${body}</error>`, '    </testcase>'];
    case 'skipped':
      return [open, `      <skipped ${message}/>`, `      <system-out>${body}</system-out>`, '    </testcase>'];
    case 'pass':
      return [open, `      <system-out>${body}</system-out>`, '    </testcase>'];
  }
}
