import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ruleDocUrl } from '../../src/engine/docs';
import { runRules } from '../../src/engine/run';
import { buildEstate } from '../../src/model/estate';
import { sarifReport } from '../../src/report/sarif';
import { FIXTURE_RULES, fixtureResources, fixtureResult, IDS, NOW, REPORT_OPTIONS } from './fixture';
import { expectGolden } from './golden';
import { at } from '../support/at';

interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string; helpUri: string; defaultConfiguration: { level: string } }[] } };
    invocations: {
      executionSuccessful: boolean;
      toolExecutionNotifications: { level: string; message: { text: string } }[];
    }[];
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      partialFingerprints: Record<string, string>;
      locations: {
        physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number; endLine: number } };
        logicalLocations: { fullyQualifiedName: string; kind: string }[];
      }[];
      suppressions?: { kind: string; justification: string }[];
      properties: { resourceId: string; outcome: string };
    }[];
  }[];
}

const parse = (text: string) => JSON.parse(text) as SarifLog;
const TMP = path.join(__dirname, '..', '..', '.kvguard-tmp', 'sarif-test');
const completeRun = () =>
  runRules({
    estate: buildEstate(fixtureResources()),
    rules: FIXTURE_RULES.filter((r) => r.meta.id !== 'KV503'),
    now: NOW,
  });

/**
 * Runs Microsoft's validator and returns its diagnostics (`file(line,col): level CODE: text`). It exits 0
 * even on errors, so the lines are the verdict. It also says nothing at all about a file it fails to
 * deserialize (an unknown enum value, measured with sarif-multitool 5.7.0), so the test also checks that
 * it analysed each result: it warns SARIF2017 (no `region`) once per result, as ours have none.
 */
function validate(files: string[]): string[] {
  const output = execFileSync(path.join('node_modules', '.bin', 'sarif-multitool'), ['validate', ...files], {
    encoding: 'utf8',
  });
  return output.split('\n').filter((line) => /\): (error|warning|note) [A-Z]+\d+:/.test(line));
}

describe('sarifReport', () => {
  test('matches the golden file', () => {
    expectGolden('report.sarif', sarifReport(fixtureResult(), REPORT_OPTIONS));
  });

  test("passes Microsoft's SARIF validator with no error, and the check itself catches a broken log", () => {
    fs.mkdirSync(TMP, { recursive: true });
    const good = {
      'incomplete.sarif': sarifReport(fixtureResult(), REPORT_OPTIONS),
      'complete.sarif': sarifReport(completeRun(), { ...REPORT_OPTIONS, artifact: { uri: 'snapshots/estate.json' } }),
      'empty.sarif': sarifReport(
        {
          findings: [],
          notices: [],
          summary: { vaults: 0, pass: 0, fail: 0, error: 0, skipped: 0, suppressed: 0, complete: true },
        },
        REPORT_OPTIONS,
      ),
    };
    for (const [name, text] of Object.entries(good)) fs.writeFileSync(path.join(TMP, name), text);
    const broken = parse(good['complete.sarif']);
    (at(at(broken.runs, 0).results, 0) as { message: object }).message = {};
    fs.writeFileSync(path.join(TMP, 'broken.sarif'), JSON.stringify(broken));
    const diagnostics = validate(Object.keys(good).map((name) => path.join(TMP, name)));
    expect(diagnostics.filter((line) => / error /.test(line))).toEqual([]);
    // Every result carries a region, so the validator warns about none (SARIF2017)...
    expect(diagnostics.filter((line) => line.includes('SARIF2017'))).toEqual([]);
    // ...and it does read results: the same log without one result's region gets exactly that warning.
    const noRegion = parse(good['complete.sarif']);
    delete (at(at(at(noRegion.runs, 0).results, 1).locations, 0).physicalLocation as { region?: object }).region;
    fs.writeFileSync(path.join(TMP, 'no-region.sarif'), JSON.stringify(noRegion));
    const warned = validate([path.join(TMP, 'no-region.sarif')]).filter((line) => line.includes('SARIF2017'));
    expect(warned.map((line) => /runs\[0\]\.results\[(\d+)\]/.exec(line)?.[1])).toEqual(['1']);
    const brokenDiagnostics = validate([path.join(TMP, 'broken.sarif')]).filter((line) => / error /.test(line));
    expect(brokenDiagnostics).toHaveLength(1);
    expect(at(brokenDiagnostics, 0)).toContain('error JSON1017: runs[0].results[0].message');
  });

  test('describes each rule once, with its doc as helpUri and its severity as default level', () => {
    const rules = at(parse(sarifReport(fixtureResult(), REPORT_OPTIONS)).runs, 0).tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual(['KV102', 'KV203', 'KV205', 'KV301', 'KV401', 'KV502', 'KV503']);
    expect(at(rules, 2).helpUri).toBe(ruleDocUrl('dns-a-record-ip'));
    expect(at(rules, 5).defaultConfiguration.level).toBe('warning');
  });

  test('reports fail and error findings only, each located at its resource id', () => {
    const log = parse(sarifReport(fixtureResult(), REPORT_OPTIONS));
    const results = at(log.runs, 0).results;
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([
      ['KV502', 'warning'],
      ['KV503', 'warning'],
      ['KV205', 'error'],
    ]);
    const kv205 = at(results, 2);
    expect(at(at(log.runs, 0).tool.driver.rules, kv205.ruleIndex).id).toBe('KV205');
    expect(kv205.message.text).toBe(
      "A record kv-payments-prod points at 10.1.1.9; the private endpoint's NIC has 10.1.1.4.",
    );
    expect(at(at(kv205.locations, 0).logicalLocations, 0)).toEqual({
      name: 'kv-payments-prod',
      fullyQualifiedName: IDS.payments.record,
      kind: 'resource',
    });
    expect(at(kv205.locations, 0).physicalLocation.artifactLocation.uri).toBe(IDS.payments.record.slice(1));
    expect(at(results, 1).message.text).toBe(
      'Could not be evaluated: diagnostic-logs failed on kv-orders-prod: diagnostic settings could not be read (403 AuthorizationFailed).',
    );
  });

  test('points every result at the given artifact when there is one', () => {
    const results = at(
      parse(sarifReport(completeRun(), { ...REPORT_OPTIONS, artifact: { uri: 'snapshots/estate.json' } })).runs,
      0,
    ).results;
    expect(results.map((r) => at(r.locations, 0).physicalLocation.artifactLocation.uri)).toEqual([
      'snapshots/estate.json',
      'snapshots/estate.json',
    ]);
  });

  test("points each result at its resource's line in the artifact, line 1 when the resource is not found there", () => {
    const kv205 = IDS.payments.record;
    const lines = { [kv205.toLowerCase()]: 42 };
    const results = at(
      parse(
        sarifReport(completeRun(), {
          ...REPORT_OPTIONS,
          artifact: { uri: 'snapshots/estate.json', resourceLines: lines },
        }),
      ).runs,
      0,
    ).results;
    expect(results.map((r) => at(r.locations, 0).physicalLocation.region)).toEqual(
      results.map((r) =>
        r.properties.resourceId === kv205 ? { startLine: 42, endLine: 42 } : { startLine: 1, endLine: 1 },
      ),
    );
    expect(results.some((r) => r.properties.resourceId === kv205)).toBe(true);
  });

  test('fingerprints come from rule id and resource id: stable when the message or id case changes', () => {
    const before = at(at(parse(sarifReport(fixtureResult(), REPORT_OPTIONS)).runs, 0).results, 2);
    const changed = fixtureResult();
    const finding = changed.findings.find((f) => f.ruleId === 'KV205' && f.outcome === 'fail')!;
    finding.message = 'A record kv-payments-prod points at 10.1.1.200';
    finding.resourceId = finding.resourceId.toUpperCase();
    const after = at(at(parse(sarifReport(changed, REPORT_OPTIONS)).runs, 0).results, 2);
    expect(after.partialFingerprints).toEqual(before.partialFingerprints);
    const other = at(at(parse(sarifReport(fixtureResult(), REPORT_OPTIONS)).runs, 0).results, 0);
    expect(other.partialFingerprints).not.toEqual(before.partialFingerprints);
  });

  test('a suppressed finding carries an external suppression with its justification', () => {
    const results = at(parse(sarifReport(fixtureResult(), REPORT_OPTIONS)).runs, 0).results;
    expect(at(results, 0).suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: 'purge protection is enabled by the platform team in Q1 (until 2027-03-31)',
      },
    ]);
    expect(at(results, 2).suppressions).toBeUndefined();
  });

  test('an incomplete run is not a successful execution and says why; a complete one is', () => {
    const incomplete = at(at(parse(sarifReport(fixtureResult(), REPORT_OPTIONS)).runs, 0).invocations, 0);
    expect(incomplete.executionSuccessful).toBe(false);
    expect(incomplete.toolExecutionNotifications.map((n) => [n.level, n.message.text])).toEqual([
      ['warning', 'subscription 33333333-3333-3333-3333-333333333333 could not be listed: AuthorizationFailed.'],
      [
        'warning',
        'suppression of dns-a-record-ip for **/A/kv-payments-prod expired on 2026-11-01: it no longer applies (reason was: migration to the new endpoint).',
      ],
      ['error', 'The run is incomplete: 1 rule evaluation(s) ended in error and 0 collection error(s) were reported.'],
    ]);
    expect(at(at(parse(sarifReport(completeRun(), REPORT_OPTIONS)).runs, 0).invocations, 0)).toEqual({
      executionSuccessful: true,
      toolExecutionNotifications: [],
      endTimeUtc: NOW.toISOString(),
    });
  });
});
