import { RULES } from '../../rules/index';
import { healthyPath } from '../../src/fixtures/scenario';
import { baselineFrom } from '../../src/gate/baseline';
import { buildEstate } from '../../src/model/estate';
import { audit } from '../../src/pipeline/audit';
import { softDeleteDisabled } from '../support/soft-delete-off';

/**
 * The one pipeline the CLI, the Pulumi policies and the benchmark share: estate → rules → suppressions and
 * baseline → gate. The healthy path with soft delete off has exactly one failure, KV501, a warning.
 */
const NOW = new Date('2026-11-29T12:00:00Z');
const path = healthyPath();
const estate = buildEstate(softDeleteDisabled(path));
const failing = (run: ReturnType<typeof audit>) =>
  run.result.findings.filter((f) => f.outcome === 'fail').map((f) => [f.ruleId, f.resourceId, f.suppressed?.kind]);

test('runs every rule on every vault and gates at error by default: a warning passes, --fail-on warning fails', () => {
  const run = audit({ estate }, { now: NOW });
  expect(failing(run)).toEqual([['KV501', path.ids.vault, undefined]]);
  expect(run.exitCode).toBe(0);
  expect(run.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.meta.id));
  expect(audit({ estate }, { now: NOW, failOn: 'warning' }).exitCode).toBe(1);
});

test('settings by id or name in any case disable a rule or raise its severity, in findings and listed rules', () => {
  const off = audit({ estate }, { now: NOW, failOn: 'warning', settings: { 'Soft-Delete': { enabled: false } } });
  expect(off.result.findings.some((f) => f.ruleId === 'KV501')).toBe(false);
  expect(off.rules.some((r) => r.id === 'KV501')).toBe(false);
  expect(off.exitCode).toBe(0);
  const raised = audit({ estate }, { now: NOW, settings: { kv501: { severity: 'error' } } });
  expect(raised.result.findings.filter((f) => f.ruleId === 'KV501').map((f) => f.severity)).toEqual(['error']);
  expect(raised.rules.find((r) => r.id === 'KV501')?.severity).toBe('error');
  expect(raised.exitCode).toBe(1);
});

test('a suppression or a baseline keeps the failure visible and out of the gate', () => {
  const suppressed = audit(
    { estate },
    {
      now: NOW,
      failOn: 'warning',
      suppressions: [{ ruleId: 'KV501', resourceId: '**', reason: 'turned on by the platform team' }],
    },
  );
  expect(failing(suppressed)).toEqual([['KV501', path.ids.vault, 'suppression']]);
  expect(suppressed.exitCode).toBe(0);
  const baseline = baselineFrom(audit({ estate }, { now: NOW }).result, NOW);
  const accepted = audit({ estate }, { now: NOW, failOn: 'warning', baseline });
  expect(failing(accepted)).toEqual([['KV501', path.ids.vault, 'baseline']]);
  expect(accepted.exitCode).toBe(0);
});

test('a vault the source could not read makes the run incomplete: exit 2, unless partial runs are allowed', () => {
  const source = { estate, vaultErrors: new Map([[path.ids.vault.toLowerCase(), '403 AuthorizationFailed']]) };
  const run = audit(source, { now: NOW });
  expect(run.result.summary.complete).toBe(false);
  expect(new Set(run.result.findings.map((f) => f.outcome))).toEqual(new Set(['error']));
  expect(run.exitCode).toBe(2);
  expect(audit(source, { now: NOW, allowPartial: true }).exitCode).toBe(1);
});
