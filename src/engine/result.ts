import type { JsonObject } from '../model/arm';
import type { RuleResult } from './types';

/** Constructors rules use to report, so every result has the same shape. */
export function pass(resourceId: string, message: string, evidence?: JsonObject): RuleResult {
  return withEvidence({ outcome: 'pass', resourceId, message }, evidence);
}

export function fail(resourceId: string, message: string, evidence?: JsonObject): RuleResult {
  return withEvidence({ outcome: 'fail', resourceId, message }, evidence);
}

/** Not applicable here: `reason` says why (every skip carries one). */
export function skip(resourceId: string, reason: string, evidence?: JsonObject): RuleResult {
  return withEvidence({ outcome: 'skipped', resourceId, message: reason }, evidence);
}

/** The rule's data could not be evaluated (a referenced resource is missing from the estate...). */
export function error(resourceId: string, message: string, evidence?: JsonObject): RuleResult {
  return withEvidence({ outcome: 'error', resourceId, message }, evidence);
}

function withEvidence(result: RuleResult, evidence: JsonObject | undefined): RuleResult {
  return evidence === undefined ? result : { ...result, evidence };
}
