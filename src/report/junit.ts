import type { Finding, Notice } from '../engine/types';
import { docUrlOf, ruleMetaOf, suppressionText, type NonEmpty } from './common';
import { escapeControl as t, escapeXml } from './escape';
import type { ReportOptions, Reporter } from './types';
import { findingsByRule, findingsByVault } from './vaults';

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

export const junitReport: Reporter = (result, options) => {
  const suites: Suite[] = findingsByVault(result).map((vault) => ({
    name: `kvguard: ${t(vault.label)}`,
    properties: { vaultId: t(vault.vaultId) },
    cases: findingsByRule(vault.findings).map((findings) => testCase(vault.label, findings, options)),
  }));
  if (suites.length === 0) suites.push(emptySuite());
  if (result.notices.length > 0) suites.push(noticeSuite(result.notices));
  const count = (verdict: Verdict) =>
    suites.reduce((n, s) => n + s.cases.filter((c) => c.verdict === verdict).length, 0);
  const tests = suites.reduce((n, s) => n + s.cases.length, 0);
  const stamp = options.generatedAt ? ` timestamp="${options.generatedAt.toISOString().slice(0, 19)}"` : '';
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(`${options.tool.name} ${options.tool.version}`)}" tests="${tests}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="0">`,
    ...suites.flatMap((suite, index) => suiteXml(suite, index, stamp)),
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
};

function testCase(classname: string, findings: NonEmpty<Finding>, options: ReportOptions): TestCase {
  const rule = ruleMetaOf(options, findings[0]);
  const active = findings.filter((f) => !f.suppressed);
  const failed = active.filter((f) => f.outcome === 'fail');
  const errored = active.filter((f) => f.outcome === 'error');
  const verdict: Verdict =
    failed.length > 0
      ? 'failure'
      : errored.length > 0
        ? 'error'
        : findings.every((f) => f.outcome === 'skipped')
          ? 'skipped'
          : 'pass';
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
      verdict: notice.level === 'error' ? 'error' : 'pass',
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
