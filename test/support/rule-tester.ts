import type { ArmResource } from '../../src/model/arm';
import { CallerProfile, DEFAULT_CALLER } from '../../src/model/caller';
import { SkippableRead, buildEstate } from '../../src/model/estate';
import { runRules } from '../../src/engine/run';
import type { Outcome, Rule } from '../../src/engine/types';

/**
 * Table-driven rule tests (ESLint's RuleTester habit): every case names the exact results the rule must
 * return for one vault. The tester refuses a table without a passing case and two failing cases, a case
 * without expectations and duplicate case names, so a test that cannot fail does not get written.
 */
export interface ExpectedResult {
  outcome: Outcome;
  resourceId: string;
  message: string;
}

export interface RuleCase<Options extends object = Record<string, never>> {
  name: string;
  resources: ArmResource[];
  /** The vault to evaluate; defaults to the only vault in `resources`. */
  vaultId?: string;
  caller?: Partial<CallerProfile>;
  options?: Partial<Options>;
  now?: Date;
  /** Reads the source left out (`--skip-reads`). */
  skippedReads?: SkippableRead[];
  expected: ExpectedResult[];
}

export const FIXED_NOW = new Date('2026-11-21T12:00:00Z');

export function ruleTester<Options extends object>(rule: Rule<Options>, cases: RuleCase<Options>[]): void {
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`${rule.meta.name}: duplicate case "${c.name}"`);
    names.add(c.name);
    if (c.expected.length === 0) throw new Error(`${rule.meta.name}: case "${c.name}" has no expected result`);
  }
  const passing = cases.filter((c) => c.expected.every((e) => e.outcome === 'pass'));
  const failing = cases.filter((c) => c.expected.some((e) => e.outcome === 'fail'));
  if (passing.length < 1 || failing.length < 2) {
    throw new Error(
      `${rule.meta.name}: needs at least one passing case and two failing cases (has ${passing.length} and ${failing.length})`,
    );
  }

  describe(`${rule.meta.id} ${rule.meta.name}`, () => {
    for (const c of cases) {
      test(c.name, () => {
        expect(evaluateCase(rule, c)).toEqual(c.expected);
      });
    }
  });
}

/** Runs one rule through the real engine for one vault and returns its results without engine metadata. */
export function evaluateCase<Options extends object>(rule: Rule<Options>, c: RuleCase<Options>): ExpectedResult[] {
  const estate = buildEstate(c.resources, { skippedReads: c.skippedReads ?? [] });
  const vaults = estate.allVaults();
  const vaultId = c.vaultId ?? (vaults.length === 1 ? vaults[0]?.id : undefined);
  if (!vaultId)
    throw new Error(`case "${c.name}": name the vault to evaluate (vaultId), the estate has ${vaults.length}`);
  const result = runRules({
    estate,
    rules: [rule as Rule<object>],
    caller: { ...DEFAULT_CALLER, ...c.caller },
    settings: c.options ? { [rule.meta.id]: { options: c.options } } : undefined,
    now: c.now ?? FIXED_NOW,
  });
  return result.findings
    .filter((f) => f.vaultId.toLowerCase() === vaultId.toLowerCase())
    .map((f) => ({ outcome: f.outcome, resourceId: f.resourceId, message: f.message }));
}
