import { summarize } from '../engine/run';
import type { Finding, RunResult } from '../engine/types';
import { idKey } from '../model/arm';
import { assertValid, compileSchema, readJsonFile } from '../config/validate';
import { findingFingerprint } from './fingerprint';

/**
 * A baseline records the fail findings of one day (`kvguard baseline -o kvguard.baseline.json`), so a gate
 * adopted on an estate with known problems fails only on new ones. Findings are matched by rule, vault and
 * resource (case-insensitively); messages may change without making a finding new.
 */
export interface Baseline {
  kvguardBaseline: 1;
  createdAt: string;
  tool?: { name: string; version: string };
  findings: BaselineEntry[];
}

export interface BaselineEntry {
  ruleId: string;
  rule?: string;
  vaultId: string;
  resourceId: string;
  fingerprint: string;
  /** The message when recorded: for the people reading the file, not matched. */
  message?: string;
}

const entrySchema = {
  type: 'object',
  required: ['ruleId', 'vaultId', 'resourceId', 'fingerprint'],
  properties: {
    ruleId: { type: 'string', minLength: 1 },
    rule: { type: 'string' },
    vaultId: { type: 'string', minLength: 1 },
    resourceId: { type: 'string', minLength: 1 },
    fingerprint: { type: 'string', pattern: '^[0-9a-f]{32}$' },
    message: { type: 'string' },
  },
};

const validateBaseline = compileSchema({
  type: 'object',
  required: ['kvguardBaseline', 'createdAt', 'findings'],
  properties: {
    kvguardBaseline: { const: 1 },
    createdAt: { type: 'string' },
    tool: { type: 'object' },
    findings: { type: 'array', items: entrySchema },
  },
});

export function readBaseline(file: string): Baseline {
  return assertValid<Baseline>(validateBaseline, readJsonFile(file), file);
}

/** Today's unsuppressed fail findings, sorted and without duplicates, so the file diffs cleanly. */
export function baselineFrom(result: RunResult, createdAt: Date, tool?: { name: string; version: string }): Baseline {
  const entries = new Map<string, BaselineEntry>();
  for (const finding of result.findings) {
    if (finding.outcome !== 'fail' || finding.suppressed?.kind === 'suppression') continue;
    const entry: BaselineEntry = {
      ruleId: finding.ruleId,
      rule: finding.rule,
      vaultId: finding.vaultId,
      resourceId: finding.resourceId,
      fingerprint: findingFingerprint(finding.ruleId, finding.resourceId),
      message: finding.message,
    };
    entries.set(entryKey(entry), entry);
  }
  const findings = [...entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => entry);
  const baseline: Baseline = { kvguardBaseline: 1, createdAt: createdAt.toISOString(), findings };
  if (tool) baseline.tool = tool;
  return baseline;
}

/** Marks fail findings already in the baseline as suppressed (kind `baseline`); new ones still fail the gate. */
export function applyBaseline(result: RunResult, baseline: Baseline): RunResult {
  const known = new Set(baseline.findings.map(entryKey));
  const recorded = baseline.createdAt.slice(0, 10);
  const findings = result.findings.map((finding): Finding => {
    if (finding.suppressed || finding.outcome !== 'fail' || !known.has(entryKey(finding))) return finding;
    return { ...finding, suppressed: { kind: 'baseline', reason: `in the baseline recorded on ${recorded}` } };
  });
  return { ...result, findings, summary: summarize(findings, result.summary.vaults, result.notices) };
}

function entryKey(entry: Pick<BaselineEntry, 'ruleId' | 'vaultId' | 'resourceId'>): string {
  return `${entry.ruleId.toUpperCase()}|${idKey(entry.vaultId)}|${idKey(entry.resourceId)}`;
}
