import { findRule, namesRule, settingFor } from '../../src/engine/rule-lookup';
import { RULES } from '../../rules/index';
import { runRules, type RuleSetting } from '../../src/engine/run';
import { buildEstate } from '../../src/model/estate';
import { healthyPath } from '../../src/fixtures/scenario';

/** Rule references are ids or names in any case: one helper answers for config, suppressions, engine and CLI. */
describe('rule lookup', () => {
  const kv205 = { id: 'KV205', name: 'dns-a-record-ip' };

  test.each(['KV205', 'kv205', 'Kv205', ' KV205 ', 'dns-a-record-ip', 'DNS-A-Record-IP', 'DNS-A-RECORD-IP'])(
    '%s names KV205',
    (reference) => {
      expect(namesRule(reference, kv205)).toBe(true);
      expect(findRule(RULES, reference)?.meta.id).toBe('KV205');
    },
  );

  test.each(['KV20', 'KV2055', 'dns-a-record', 'dns a record ip', ''])('%j names no rule', (reference) => {
    expect(namesRule(reference, kv205)).toBe(false);
    expect(findRule(RULES, reference)).toBeUndefined();
  });

  test('a setting keyed by id or name in any case belongs to its rule, and to no other', () => {
    expect(settingFor({ kv205: { enabled: false } }, kv205)).toEqual({ enabled: false });
    expect(settingFor({ 'DNS-A-Record-IP': { enabled: false } }, kv205)).toEqual({ enabled: false });
    expect(settingFor({ kv204: { enabled: false } }, kv205)).toBeUndefined();
    expect(settingFor(undefined, kv205)).toBeUndefined();
  });

  test.each<Record<string, RuleSetting>>([{ kv205: { enabled: false } }, { 'DNS-A-Record-IP': { enabled: false } }])(
    'the engine does not run a rule disabled as %j',
    (settings) => {
      const estate = buildEstate(healthyPath().resources);
      const ran = (s: Record<string, RuleSetting> | undefined) =>
        new Set(
          runRules({ estate, rules: RULES, settings: s, now: new Date('2026-11-29T00:00:00Z') }).findings.map(
            (f) => f.ruleId,
          ),
        );
      expect(ran(undefined).has('KV205')).toBe(true);
      const disabled = ran(settings);
      expect(disabled.has('KV205')).toBe(false);
      expect(disabled.has('KV204')).toBe(true);
    },
  );
});
