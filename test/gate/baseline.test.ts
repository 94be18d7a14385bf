import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyBaseline, baselineFrom, readBaseline } from '../../src/gate/baseline';
import { applySuppressions } from '../../src/gate/suppress';
import { fixtureRun, IDS, NOW } from '../report/fixture';
import { at } from '../support/at';

const TMP = path.join(__dirname, '..', '..', '.kvguard-tmp', 'baseline-test');

describe('baselines', () => {
  beforeAll(() => fs.mkdirSync(TMP, { recursive: true }));

  test("records today's fail findings, not errors and not findings a suppression covers", () => {
    const run = applySuppressions(fixtureRun(), [{ ruleId: 'KV502', resourceId: '**', reason: 'accepted' }], NOW);
    const baseline = baselineFrom(run, NOW, { name: 'kvguard', version: '0.1.0' });
    expect(baseline).toEqual({
      kvguardBaseline: 1,
      createdAt: '2026-11-21T12:00:00.000Z',
      tool: { name: 'kvguard', version: '0.1.0' },
      findings: [
        {
          ruleId: 'KV205',
          rule: 'dns-a-record-ip',
          vaultId: IDS.payments.vault,
          resourceId: IDS.payments.record,
          fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
          message: "A record kv-payments-prod points at 10.1.1.9; the private endpoint's NIC has 10.1.1.4",
        },
      ],
    });
  });

  test('marks known failures as baseline-suppressed; a new failure still counts', () => {
    const baseline = baselineFrom(fixtureRun(), NOW);
    expect(baseline.findings.map((f) => f.ruleId)).toEqual(['KV205', 'KV502']);
    baseline.findings = baseline.findings.filter((f) => f.ruleId === 'KV205');
    at(baseline.findings, 0).resourceId = at(baseline.findings, 0).resourceId.toUpperCase();
    const result = applyBaseline(fixtureRun(), baseline);
    expect(result.findings.filter((f) => f.suppressed).map((f) => [f.ruleId, f.suppressed])).toEqual([
      ['KV205', { kind: 'baseline', reason: 'in the baseline recorded on 2026-11-21' }],
    ]);
    expect(result.summary).toMatchObject({ fail: 1, suppressed: 1, error: 1 });
  });

  test('round-trips through a file', () => {
    const file = path.join(TMP, 'ok.json');
    const baseline = baselineFrom(fixtureRun(), NOW);
    fs.writeFileSync(file, JSON.stringify(baseline));
    expect(readBaseline(file)).toEqual(baseline);
  });

  test.each([
    [
      'a finding without a vault id',
      {
        kvguardBaseline: 1,
        createdAt: 'x',
        findings: [{ ruleId: 'KV205', resourceId: '/x', fingerprint: '0'.repeat(32) }],
      },
      '/findings/0/vaultId: is required',
    ],
    [
      'a wrong format marker',
      { kvguardBaseline: 2, createdAt: 'x', findings: [] },
      '/kvguardBaseline: must be equal to constant',
    ],
    ['no findings list', { kvguardBaseline: 1, createdAt: 'x' }, '/findings: is required'],
  ])('a bad baseline file is one line naming the file and field: %s', (_name, content, expected) => {
    const file = path.join(TMP, 'bad.json');
    fs.writeFileSync(file, JSON.stringify(content));
    expect(() => readBaseline(file)).toThrow(`${file}: ${expected}`);
  });

  test('a missing or broken file names the file', () => {
    expect(() => readBaseline(path.join(TMP, 'absent.json'))).toThrow(`${path.join(TMP, 'absent.json')}: no such file`);
    fs.writeFileSync(path.join(TMP, 'broken.json'), '{"kvguardBaseline": 1,');
    expect(() => readBaseline(path.join(TMP, 'broken.json'))).toThrow(/broken\.json: line 1, column \d+: invalid JSON/);
  });
});
