import { idKey } from '../model/arm';
import type { PlannedEstates } from '../model/planned';
import type { Vault } from '../model/types';
import { runRules, summarize, type RunOptions } from './run';
import { recording, taintedFields, taintedReads, type AccessLog } from './taint';
import type { Finding, RunResult } from './types';

/**
 * Rules over a planned estate (src/model/planned.ts): some values are known only after deployment and some
 * facts about existing resources are not in the plan. A result stands only when the plan decides it:
 * - the rule gives the same results on the estate without those values and on every stand-in estate, and
 * - a `fail` or `error` read no field whose value changes with the stand-ins (a stand-in address never
 *   matches a record, so "the same failure everywhere" would still be the stand-in's doing).
 * Anything else becomes `skipped`, naming what it waited on: unknown is never a violation.
 */

export type { PlannedEstates };

export function runRulesOnPlan(options: RunOptions, planned: PlannedEstates): RunResult {
  const taint = taintedFields(planned.known, planned.filled, new Map(), { openArrays: true });
  const vaults = options.vaults ?? planned.known.allVaults();
  const rules = options.rules;
  const findings: Finding[] = [];
  for (const vault of vaults) {
    for (const rule of rules) {
      const log: AccessLog = { read: new Set() };
      const one = { ...options, rules: [rule], notices: [] };
      const base = runRules({
        ...one,
        estate: recording(planned.known, log),
        vaults: [recording(vault, log)],
      }).findings;
      const same = planned.filled.every((estate) => {
        const other = estate.vaults.get(vault.id);
        if (!other) return false;
        return signature(runRules({ ...one, estate, vaults: [other] }).findings) === signature(base);
      });
      const taintedEntities = taintedReads(taint, log).map((read) => read.split('|')[0] ?? '');
      // What the rule looked into that may hold more once applied (an open list): named when nothing it read differed.
      const openEntities = [...log.read]
        .filter((read) => {
          const [id = '', path = ''] = read.split('|');
          return [...(taint.get(id) ?? [])].some((tainted) => tainted.startsWith(`${path}[`));
        })
        .map((read) => read.split('|')[0] ?? '');
      for (const finding of base) {
        const decided =
          same && (finding.outcome === 'pass' || finding.outcome === 'skipped' || taintedEntities.length === 0);
        const waitingOn = taintedEntities.length > 0 ? taintedEntities : openEntities;
        findings.push(decided ? finding : undecided(finding, vault, planned.describe([...new Set(waitingOn)])));
      }
    }
  }
  const notices = options.notices ?? [];
  return { findings, summary: summarize(findings, vaults.length, notices), notices };
}

function undecided(finding: Finding, vault: Vault, waitingOn: string): Finding {
  const what = waitingOn === '' ? 'what the plan does not show' : waitingOn;
  return {
    ...finding,
    outcome: 'skipped',
    message: `not decided before apply for ${vault.name} (depends on ${what}): ${finding.message}`,
  };
}

function signature(findings: readonly Finding[]): string {
  return findings
    .map((f) => `${f.outcome}|${idKey(f.resourceId)}|${f.message}`)
    .sort()
    .join('\n');
}
