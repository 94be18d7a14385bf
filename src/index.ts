/**
 * kvguard as a library (package.json `main`/`exports`/`types`): the same pieces the CLI wires together —
 * read a snapshot, build the estate, run the rules, gate and report. Example:
 *
 *   import { readSnapshot, buildEstate, runRules, RULES, exitCode, reporterFor } from 'kvguard';
 *   const estate = buildEstate(readSnapshot('estate.json').resources);
 *   const result = runRules({ estate, rules: RULES });
 *   const tool = { name: 'kvguard', version: '0.1.0' };
 *   process.stdout.write(reporterFor('text')(result, { rules: RULES.map((rule) => rule.meta), tool }));
 *   process.exitCode = exitCode(result, 'error', false);
 *
 * Loads no Pulumi package and no SDK client: the live collector and the emulator load theirs when used.
 */
export { RULES } from '../rules';
export { runRules, summarize, type RunOptions, type RuleSetting } from './engine/run';
export { audit, type Audit, type AuditOptions, type SourceEstate } from './pipeline/audit';
export { findRule, namesRule } from './engine/rule-lookup';
export { EXIT, exitCode, atOrAbove } from './engine/gate';
export { pass, fail, skip, error } from './engine/result';
export type {
  Finding,
  Notice,
  Outcome,
  Rule,
  RuleContext,
  RuleMeta,
  RuleResult,
  RunResult,
  Severity,
  Summary,
} from './engine/types';
export { REPORT_FORMATS, isReportFormat, reporterFor } from './report';
export type { ReportFormat, ReportOptions, Reporter } from './report/types';
export { readSnapshot, parseSnapshot, type Snapshot } from './input/snapshot';
export { Estate, buildEstate } from './model/estate';
export type { ArmResource } from './model/arm';
export { DEFAULT_CALLER, type CallerProfile } from './model/caller';
export { startEmulator, type EmulatorOptions, type RunningEmulator } from './emulator';
