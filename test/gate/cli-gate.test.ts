import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding, Summary } from '../../src/engine/types';
import { healthyPath, modify, spokePath } from '../../src/fixtures/scenario';
import { runCli } from '../support/run-cli';
import { at } from '../support/at';

const cli = (...args: string[]) => runCli(args);

/**
 * The gate end to end: `kvguard audit` / `kvguard baseline` on snapshot files, asserting exit codes
 * (DESIGN 2.4) and what the JSON report says. The estate is the scenario's healthy hub and spoke with
 * soft delete turned off on vaults (KV501, severity warning), so the outcome does not depend on which
 * other rules are registered: the healthy path passes them all.
 */
const DIR = path.join(__dirname, '..', '..', '.kvguard-tmp', 'cli-gate');
const file = (name: string) => path.join(DIR, name);

const payments = healthyPath({ vaultName: 'kv-payments-prod', spokeOctet: 1 });
const orders = spokePath({ vaultName: 'kv-orders-prod', resourceGroup: 'rg-orders', spokeOctet: 2 });
const softDeleteOff = (resources: typeof payments.resources, vaultId: string) =>
  modify(resources, vaultId, (r) => ({ ...r, properties: { ...r.properties, enableSoftDelete: false } }));

function snapshot(name: string, ...softDeleteOffIn: string[]): string {
  let resources = [...payments.resources, ...orders.resources];
  for (const id of softDeleteOffIn) resources = softDeleteOff(resources, id);
  fs.writeFileSync(file(name), JSON.stringify(resources));
  return file(name);
}

function config(name: string, content: object): string {
  fs.writeFileSync(file(name), JSON.stringify(content));
  return file(name);
}

function jsonReport(name: string): { summary: Summary; findings: Finding[] } {
  return JSON.parse(fs.readFileSync(file(name), 'utf8')) as { summary: Summary; findings: Finding[] };
}

const SOFT_DELETE_ERROR = /kv-payments-prod has soft delete disabled/;

describe('the CI gate, end to end', () => {
  let healthy: string;
  let oneOff: string;
  let twoOff: string;

  beforeAll(() => {
    fs.mkdirSync(DIR, { recursive: true });
    healthy = snapshot('healthy.json');
    oneOff = snapshot('one-off.json', payments.ids.vault);
    twoOff = snapshot('two-off.json', payments.ids.vault, orders.ids.vault);
  });

  test('a healthy estate passes: exit 0', async () => {
    const run = await cli(
      'audit',
      '--snapshot',
      healthy,
      '--fail-on',
      'note',
      '--report',
      `json=${file('healthy.report.json')}`,
    );
    expect(run.code).toBe(0);
    expect(jsonReport('healthy.report.json').summary).toMatchObject({ vaults: 2, fail: 0, error: 0, complete: true });
  });

  test('--fail-on: a warning fails the gate at warning, not at the default error', async () => {
    expect((await cli('audit', '--snapshot', oneOff)).code).toBe(0);
    const run = await cli('audit', '--snapshot', oneOff, '--fail-on', 'warning');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(SOFT_DELETE_ERROR);
    expect((await cli('audit', '--snapshot', oneOff, '--fail-on', 'note')).code).toBe(1);
  });

  test("the config's failOn and severity overrides move the threshold", async () => {
    expect(
      (await cli('audit', '--snapshot', oneOff, '--config', config('fail-on.json', { failOn: 'warning' }))).code,
    ).toBe(1);
    expect(
      (
        await cli(
          'audit',
          '--snapshot',
          oneOff,
          '--config',
          config('severity.json', { rules: { KV501: { severity: 'error' } } }),
        )
      ).code,
    ).toBe(1);
    expect(
      (
        await cli(
          'audit',
          '--snapshot',
          oneOff,
          '--fail-on',
          'error',
          '--config',
          config('severity-note.json', { failOn: 'warning', rules: { 'soft-delete': { severity: 'note' } } }),
        )
      ).code,
    ).toBe(0);
  });

  test('a suppression lets the gate pass and stays visible in the report', async () => {
    const suppressed = config('suppressed.json', {
      failOn: 'warning',
      suppressions: [
        {
          ruleId: 'KV501',
          resourceId: '/subscriptions/*/resourceGroups/rg-payments/**',
          reason: 'legacy vault, replaced in Q1',
          expires: '2999-12-31',
        },
      ],
    });
    const run = await cli(
      'audit',
      '--snapshot',
      oneOff,
      '--config',
      suppressed,
      '--report',
      `json=${file('suppressed.report.json')}`,
    );
    expect(run.code).toBe(0);
    const report = jsonReport('suppressed.report.json');
    expect(report.summary).toMatchObject({ fail: 0, suppressed: 1 });
    expect(report.findings.filter((f) => f.suppressed)).toEqual([
      expect.objectContaining({
        ruleId: 'KV501',
        outcome: 'fail',
        vaultId: payments.ids.vault,
        suppressed: { kind: 'suppression', reason: 'legacy vault, replaced in Q1', expires: '2999-12-31' },
      }),
    ]);
  });

  test('an expired suppression stops suppressing and says so: exit 1', async () => {
    const expired = config('expired.json', {
      failOn: 'warning',
      suppressions: [
        {
          ruleId: 'soft-delete',
          resourceId: '**/vaults/kv-payments-prod',
          reason: 'legacy vault',
          expires: '2020-01-01',
        },
      ],
    });
    const run = await cli(
      'audit',
      '--snapshot',
      oneOff,
      '--config',
      expired,
      '--report',
      `markdown=${file('expired.md')}`,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(SOFT_DELETE_ERROR);
    expect(fs.readFileSync(file('expired.md'), 'utf8')).toContain(
      'suppression of soft-delete for \\*\\*/vaults/kv-payments-prod expired on 2020-01-01',
    );
  });

  test('a config error is exit 2 with one line naming the file and field', async () => {
    const bad = config('bad.json', { suppressions: [{ ruleId: 'KV501', resourceId: '**' }] });
    const run = await cli('audit', '--snapshot', oneOff, '--config', bad);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`kvguard: ${bad}: /suppressions/0/reason: is required\n`);
  });

  test('baseline: records today, the gate then fails only on new failures', async () => {
    const baselineFile = file('kvguard.baseline.json');
    const record = await cli('baseline', '--snapshot', oneOff, '-o', baselineFile);
    expect(record.code).toBe(0);
    expect(record.stderr).toBe(`kvguard: recorded 1 failing finding in ${baselineFile}\n`);
    const baseline = JSON.parse(fs.readFileSync(baselineFile, 'utf8')) as {
      findings: { ruleId: string; resourceId: string }[];
    };
    expect(baseline.findings.map((f) => [f.ruleId, f.resourceId])).toEqual([['KV501', payments.ids.vault]]);

    expect((await cli('audit', '--snapshot', oneOff, '--fail-on', 'warning', '--baseline', baselineFile)).code).toBe(0);
    const newFailure = await cli(
      'audit',
      '--snapshot',
      twoOff,
      '--fail-on',
      'warning',
      '--baseline',
      baselineFile,
      '--report',
      `json=${file('baseline.report.json')}`,
    );
    expect(newFailure.code).toBe(1);
    const report = jsonReport('baseline.report.json');
    expect(report.findings.filter((f) => f.outcome === 'fail').map((f) => [f.vaultId, f.suppressed?.kind])).toEqual([
      [orders.ids.vault, undefined],
      [payments.ids.vault, 'baseline'],
    ]);
  });

  test("the config's baseline applies too, resolved next to the config file", async () => {
    await cli('baseline', '--snapshot', oneOff, '-o', file('from-config.baseline.json'));
    const withBaseline = config('with-baseline.json', { failOn: 'warning', baseline: 'from-config.baseline.json' });
    expect((await cli('audit', '--snapshot', oneOff, '--config', withBaseline)).code).toBe(0);
    expect((await cli('audit', '--snapshot', twoOff, '--config', withBaseline)).code).toBe(1);
  });

  test('a bad baseline file is exit 2 with one line naming the file and field', async () => {
    fs.writeFileSync(
      file('bad.baseline.json'),
      JSON.stringify({
        kvguardBaseline: 1,
        createdAt: '2026-11-21',
        findings: [{ ruleId: 'KV501', vaultId: '/x', resourceId: '/x' }],
      }),
    );
    const run = await cli('audit', '--snapshot', oneOff, '--baseline', file('bad.baseline.json'));
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`kvguard: ${file('bad.baseline.json')}: /findings/0/fingerprint: is required\n`);
  });

  test('several reports in one run, beside the console output', async () => {
    const run = await cli(
      'audit',
      '--snapshot',
      oneOff,
      '--fail-on',
      'warning',
      '--report',
      `sarif=${file('multi.sarif')}`,
      '--report',
      `junit=${file('multi.xml')}`,
      '--report',
      `markdown=${file('multi.md')}`,
      '--report',
      `html=${file('multi.html')}`,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(SOFT_DELETE_ERROR);
    const sarif = JSON.parse(fs.readFileSync(file('multi.sarif'), 'utf8')) as {
      runs: { results: { ruleId: string }[] }[];
    };
    expect(at(sarif.runs, 0).results.map((r) => r.ruleId)).toEqual(['KV501']);
    expect(fs.readFileSync(file('multi.xml'), 'utf8')).toContain(
      '<failure message="kv-payments-prod has soft delete disabled (enableSoftDelete is false)"',
    );
    expect(fs.readFileSync(file('multi.md'), 'utf8')).toContain('### Failures (1)');
    // The HTML page draws vaults from its embedded JSON: each vault is a row of it, its name first.
    expect(fs.readFileSync(file('multi.html'), 'utf8')).toContain('["kv-payments-prod",');
  });
});
