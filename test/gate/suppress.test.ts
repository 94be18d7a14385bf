import { matchesId } from '../../src/gate/glob';
import { applySuppressions } from '../../src/gate/suppress';
import { fixtureRun, IDS, NOW } from '../report/fixture';

const RECORD = IDS.payments.record;

describe('matchesId', () => {
  test.each([
    ['/subscriptions/*/resourceGroups/rg-hub-dns/**', RECORD, true],
    ['**/A/KV-PAYMENTS-PROD', RECORD, true],
    ['**/privateDnsZones/*/A/kv-payments-*', RECORD, true],
    ['/subscriptions/*/resourceGroups/*/providers/Microsoft.Network/privateDnsZones/*', RECORD, false],
    ['/subscriptions/11111111-1111-1111-1111-111111111111/**/A/kv-orders-prod', RECORD, false],
    ['**/kv-payments-prod.', RECORD, false],
    [RECORD.toLowerCase(), `${RECORD}/`, true],
  ])('%s against %s: %s', (pattern, id, expected) => {
    expect(matchesId(pattern, id)).toBe(expected);
  });
});

describe('applySuppressions', () => {
  const reason = 'accepted until the migration';

  test('marks matching fail and error findings, keeps their outcome, recounts the summary', () => {
    const run = fixtureRun();
    const result = applySuppressions(
      run,
      [
        { ruleId: 'KV205', resourceId: '**/A/kv-payments-prod', reason, expires: '2026-12-31' },
        { ruleId: 'diagnostic-logs', resourceId: '**/vaults/kv-orders-prod', reason },
      ],
      NOW,
    );
    const suppressed = result.findings.filter((f) => f.suppressed);
    expect(suppressed.map((f) => [f.ruleId, f.outcome, f.resourceId, f.suppressed])).toEqual([
      ['KV503', 'error', IDS.orders.vault, { kind: 'suppression', reason }],
      ['KV205', 'fail', RECORD, { kind: 'suppression', reason, expires: '2026-12-31' }],
    ]);
    expect(run.summary).toEqual({ vaults: 2, pass: 9, fail: 2, error: 1, skipped: 2, suppressed: 0, complete: false });
    expect(result.summary).toEqual({
      vaults: 2,
      pass: 9,
      fail: 1,
      error: 0,
      skipped: 2,
      suppressed: 2,
      complete: true,
    });
    expect(result.notices).toEqual(run.notices);
  });

  test('never suppresses pass or skipped findings', () => {
    const result = applySuppressions(
      fixtureRun(),
      [
        { ruleId: 'KV401', resourceId: '**', reason },
        { ruleId: 'KV102', resourceId: '**', reason },
      ],
      NOW,
    );
    expect(result.findings.filter((f) => f.suppressed)).toEqual([]);
  });

  test('an expired suppression stops suppressing and says so with a warning', () => {
    const run = fixtureRun();
    const result = applySuppressions(
      run,
      [{ ruleId: 'KV205', resourceId: '**/A/kv-payments-prod', reason, expires: '2026-11-21' }],
      NOW,
    );
    expect(result.findings.filter((f) => f.suppressed)).toEqual([]);
    expect(result.summary).toEqual(run.summary);
    expect(result.notices.at(-1)).toEqual({
      level: 'warning',
      message:
        'suppression of KV205 for **/A/kv-payments-prod expired on 2026-11-21: it no longer applies (reason was: accepted until the migration)',
    });
  });

  test('a suppression still applies the day before it expires', () => {
    const result = applySuppressions(
      fixtureRun(),
      [{ ruleId: 'KV205', resourceId: '**/A/kv-payments-prod', reason, expires: '2026-11-22' }],
      NOW,
    );
    expect(result.findings.filter((f) => f.suppressed).map((f) => f.ruleId)).toEqual(['KV205']);
  });
});
