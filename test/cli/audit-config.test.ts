import * as fs from 'node:fs';
import * as path from 'node:path';
import { healthyPath } from '../../src/fixtures/scenario';
import { runCli } from '../support/run-cli';
import { softDeleteDisabled } from '../support/soft-delete-off';
import { tempDir } from '../support/temp-dir';

/** --config and --baseline: the pipeline applies rule settings, suppressions and the baseline; flags win over the config. */
const { dir, writeJson } = tempDir('kvguard-config');

const path0 = healthyPath();
const softDeleteOff = writeJson('soft-delete-off.json', softDeleteDisabled(path0));

interface Finding {
  ruleId: string;
  outcome: string;
  severity: string;
  suppressed?: { kind: string; reason: string; expires?: string };
}

async function audit(args: string[]): Promise<{
  code: number;
  findings: Finding[];
  summary: Record<string, unknown>;
  notices: unknown[];
  stderr: string;
}> {
  const run = await runCli(['audit', '--snapshot', softDeleteOff, '--format', 'json', ...args]);
  const report = run.stdout
    ? (JSON.parse(run.stdout) as { findings: Finding[]; summary: Record<string, unknown>; notices: unknown[] })
    : { findings: [], summary: {}, notices: [] };
  return { code: run.code, ...report, stderr: run.stderr };
}

test('config failOn gates, and the flag overrides it', async () => {
  const config = writeJson('fail-on.json', { failOn: 'warning' });
  expect((await audit(['--config', config])).code).toBe(1);
  expect((await audit(['--config', config, '--fail-on', 'error'])).code).toBe(0);
});

test('config rule severity applies to findings and to the rules reporters list', async () => {
  const config = writeJson('severity.json', { rules: { 'soft-delete': { severity: 'error' } } });
  const run = await audit(['--config', config]);
  expect(run.code).toBe(1);
  expect(run.findings.filter((f) => f.ruleId === 'KV501').map((f) => [f.outcome, f.severity])).toEqual([
    ['fail', 'error'],
  ]);
});

test('a rule disabled in the config does not run', async () => {
  const config = writeJson('disabled.json', { rules: { KV501: { enabled: false } } });
  const run = await audit(['--config', config, '--fail-on', 'warning']);
  expect(run.findings.some((f) => f.ruleId === 'KV501')).toBe(false);
  expect(run.code).toBe(0);
});

test('rule keys are ids or names in any case: {"rules":{"kv205":{"enabled":false}}} stops KV205', async () => {
  const byId = await audit(['--config', writeJson('kv205-off.json', { rules: { kv205: { enabled: false } } })]);
  expect(byId.stderr).toBe('');
  expect(byId.findings.some((f) => f.ruleId === 'KV205')).toBe(false);
  expect(byId.findings.some((f) => f.ruleId === 'KV204')).toBe(true);
  const byName = writeJson('soft-delete-off-by-name.json', { rules: { 'Soft-Delete': { enabled: false } } });
  const run = await audit(['--config', byName, '--fail-on', 'warning']);
  expect(run.findings.some((f) => f.ruleId === 'KV501')).toBe(false);
  expect(run.code).toBe(0);
});

test('a suppression names its rule in any case; two rule keys naming one rule are refused', async () => {
  const suppressed = writeJson('suppress-any-case.json', {
    failOn: 'warning',
    suppressions: [{ ruleId: 'SOFT-DELETE', resourceId: '**', reason: 'platform team turns it on in Q1' }],
  });
  const run = await audit(['--config', suppressed]);
  expect(run.findings.filter((f) => f.ruleId === 'KV501').map((f) => f.suppressed?.reason)).toEqual([
    'platform team turns it on in Q1',
  ]);
  expect(run.code).toBe(0);
  const twice = writeJson('twice.json', { rules: { KV205: { enabled: false }, 'dns-a-record-ip': { enabled: true } } });
  const refused = await audit(['--config', twice]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toBe(
    `kvguard: ${twice}: /rules/dns-a-record-ip: names KV205 dns-a-record-ip, as /rules/KV205 does\n`,
  );
});

test('a suppression keeps the finding visible and out of the gate; an expired one stops suppressing', async () => {
  const active = writeJson('suppress.json', {
    failOn: 'warning',
    suppressions: [
      {
        ruleId: 'KV501',
        resourceId: '/subscriptions/*/resourceGroups/rg-payments/**',
        reason: 'legacy vault, tracked in JIRA-1',
        expires: '2999-01-01',
      },
    ],
  });
  const run = await audit(['--config', active]);
  expect(run.code).toBe(0);
  expect(run.findings.filter((f) => f.ruleId === 'KV501')).toEqual([
    expect.objectContaining({
      outcome: 'fail',
      suppressed: { kind: 'suppression', reason: 'legacy vault, tracked in JIRA-1', expires: '2999-01-01' },
    }),
  ]);
  expect(run.summary).toMatchObject({ fail: 0, suppressed: 1 });

  const expired = writeJson('expired.json', {
    failOn: 'warning',
    suppressions: [{ ruleId: 'KV501', resourceId: '**', reason: 'old', expires: '2001-01-01' }],
  });
  const late = await audit(['--config', expired]);
  expect(late.code).toBe(1);
  expect(late.notices).toEqual([
    {
      level: 'warning',
      message: 'suppression of KV501 for ** expired on 2001-01-01: it no longer applies (reason was: old)',
    },
  ]);
});

test('config caller, overridden by flags', async () => {
  const config = writeJson('caller.json', { caller: { ips: ['198.51.100.7'] } });
  const fromConfig = await runCli(['audit', '--snapshot', softDeleteOff, '--config', config]);
  expect(fromConfig.stdout.split('\n')[0]).toBe('kvguard 0.1.0: 1 vault, caller: 198.51.100.7');
  const fromFlag = await runCli([
    'audit',
    '--snapshot',
    softDeleteOff,
    '--config',
    config,
    '--caller-ip',
    '203.0.113.10',
  ]);
  expect(fromFlag.stdout.split('\n')[0]).toBe('kvguard 0.1.0: 1 vault, caller: 203.0.113.10');
});

test('a bad config is one line, exit 2', async () => {
  const config = writeJson('bad.json', { failOn: 'fatal' });
  const run = await runCli(['audit', '--snapshot', softDeleteOff, '--config', config]);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(
    new RegExp(`^kvguard: ${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: /failOn: [^\\n]+\\n$`),
  );
  expect(run.stdout).toBe('');
});

test('a baseline accepts known fails; new ones still fail', async () => {
  const { baselineFrom } = await import('../../src/gate/baseline');
  const { runRules } = await import('../../src/engine/run');
  const { buildEstate } = await import('../../src/model/estate');
  const { RULES } = await import('../../rules/index');
  const resources = JSON.parse(fs.readFileSync(softDeleteOff, 'utf8'));
  const baseline = writeJson(
    'baseline.json',
    baselineFrom(runRules({ estate: buildEstate(resources), rules: RULES }), new Date('2026-01-01T00:00:00Z')),
  );
  const known = await audit(['--baseline', baseline, '--fail-on', 'warning']);
  expect(known.code).toBe(0);
  expect(known.findings.filter((f) => f.ruleId === 'KV501').map((f) => f.suppressed?.kind)).toEqual(['baseline']);

  // A baseline recorded while the vault was healthy knows nothing of the soft-delete fail: it is new, the gate fails.
  const before = writeJson(
    'baseline-healthy.json',
    baselineFrom(runRules({ estate: buildEstate(path0.resources), rules: RULES }), new Date('2026-01-01T00:00:00Z')),
  );
  const fresh = await audit(['--baseline', before, '--fail-on', 'warning']);
  expect(fresh.code).toBe(1);
  expect(fresh.findings.filter((f) => f.outcome === 'fail').map((f) => [f.ruleId, f.suppressed])).toEqual([
    ['KV501', undefined],
  ]);
});

test('a missing baseline file is one line, exit 2', async () => {
  const file = path.join(dir, 'no-baseline.json');
  const run = await runCli(['audit', '--snapshot', softDeleteOff, '--baseline', file]);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/^kvguard: .*no-baseline\.json: .+\n$/);
});
