import type { Rule } from '../src/engine/types';
import { softDelete } from './soft-delete';

/**
 * The explicit, sorted registry of rules (ESLint's lib/rules/index.js habit). The parity test fails when a
 * rule file, its doc, its test and this list disagree.
 */
export const RULES: readonly Rule<object>[] = [
  softDelete,
];

export function findRule(idOrName: string): Rule<object> | undefined {
  const wanted = idOrName.toLowerCase();
  return RULES.find((r) => r.meta.id.toLowerCase() === wanted || r.meta.name === wanted);
}
