import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../rules/index';
import type { KvguardConfig } from '../config/types';
import { RuleSetting, runRules } from '../engine/run';
import type { Rule, RuleMeta, RunResult } from '../engine/types';
import type { CallerProfile } from '../model/caller';
import { reporterFor, streamingReporterFor } from '../report/index';
import type { ReportFormat, ReportOptions } from '../report/types';
import { UsageError } from './errors';
import { loadSource } from './load-source';
import { packageVersion } from './main';
import type { AuditSource } from './source';

/**
 * What every command that audits shares: source → estate → rules → suppressions and baseline → reports.
 * Commands parse flags into these inputs and map the result to an exit code; nothing here writes to the
 * console. Config, suppression and baseline code is loaded only when the run uses it.
 */
export interface AuditInput {
  source: AuditSource;
  caller: CallerProfile;
  config?: KvguardConfig;
  /** `--baseline`, else the config's `baseline`. */
  baselineFile?: string;
  now: Date;
  rules?: readonly Rule<object>[];
}

export interface AuditOutput {
  result: RunResult;
  /** Metadata of the rules that ran, with the config's severities applied: what reporters list. */
  rules: RuleMeta[];
  /** A snapshot file's line of each resource id, for reports that point into the file. */
  resourceLines?: Record<string, number>;
}

export async function runAudit(input: AuditInput): Promise<AuditOutput> {
  const rules = input.rules ?? RULES;
  const settings = input.config?.rules ?? {};
  const source = await loadSource(withCallerIdentity(withCallerNetwork(input.source, input.caller), input.caller));
  let result = runRules({
    estate: source.estate,
    vaults: source.vaults,
    rules,
    caller: input.caller,
    settings,
    now: input.now,
    vaultErrors: source.vaultErrors,
    notices: source.notices,
  });
  const suppressions = input.config?.suppressions ?? [];
  if (suppressions.length > 0) {
    const { applySuppressions } = await import('../gate/suppress');
    result = applySuppressions(result, suppressions, input.now);
  }
  const baselineFile = input.baselineFile ?? input.config?.baseline;
  if (baselineFile !== undefined) {
    const { applyBaseline, readBaseline } = await import('../gate/baseline');
    result = applyBaseline(result, readBaseline(baselineFile));
  }
  if (source.collection)
    result = { ...result, collection: { ...source.collection, vaultsEvaluated: result.summary.vaults } };
  const output: AuditOutput = { result, rules: ranRules(rules, settings) };
  if (source.resourceLines) output.resourceLines = source.resourceLines;
  return output;
}

/**
 * The caller's VNet is part of every vault's path (its DNS servers, its subnets' service endpoints): live
 * collection reads it by id when its subscription is not audited.
 */
function withCallerNetwork(source: AuditSource, caller: CallerProfile): AuditSource {
  if (source.kind !== 'live' || caller.vnetId === undefined) return source;
  return {
    kind: 'live',
    options: { ...source.options, referencedIds: [...(source.options.referencedIds ?? []), caller.vnetId] },
  };
}

/** KV404 needs the caller identity's role assignments: live collection reads them only when one is given. */
function withCallerIdentity(source: AuditSource, caller: CallerProfile): AuditSource {
  const identity = caller.identity;
  if (source.kind !== 'live' || identity?.objectId === undefined) return source;
  const principal =
    identity.groupIds && identity.groupIds.length > 0
      ? { objectId: identity.objectId, groupIds: identity.groupIds }
      : { objectId: identity.objectId };
  return { kind: 'live', options: { ...source.options, rbacPrincipal: principal } };
}

/** The enabled rules' metadata, severity as configured (settings are keyed by id or name, like runRules reads them). */
function ranRules(rules: readonly Rule<object>[], settings: Readonly<Record<string, RuleSetting>>): RuleMeta[] {
  return rules
    .map((rule) => ({ rule, setting: settings[rule.meta.id] ?? settings[rule.meta.name] }))
    .filter(({ setting }) => setting?.enabled !== false)
    .map(({ rule, setting }) => (setting?.severity ? { ...rule.meta, severity: setting.severity } : rule.meta));
}

export async function loadConfigFile(file: string): Promise<KvguardConfig> {
  const { loadConfig } = await import('../config/load');
  return loadConfig(file);
}

export function renderReport(format: ReportFormat, result: RunResult, options: ReportOptions): string {
  return reporterFor(format)(result, options);
}

/** A report streamed to `--output`/`--report` files (atomically) or to stdout, a megabyte at a time. */
export function writeReport(
  format: ReportFormat,
  result: RunResult,
  options: ReportOptions,
  target: { file: string; label: string } | 'stdout',
): void {
  const stream = streamingReporterFor(format);
  if (target === 'stdout') {
    const sink = bufferedSink((chunk) => process.stdout.write(chunk));
    stream(result, options, sink.write);
    sink.flush();
    return;
  }
  writeFileAtomic(target.file, (write) => stream(result, options, write), target.label);
}

const FLUSH_AT = 1 << 20;

/** Joins small pieces into writes of about a megabyte. */
function bufferedSink(flushTo: (text: string) => void): { write: (chunk: string) => void; flush: () => void } {
  let parts: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (parts.length === 0) return;
    flushTo(parts.join(''));
    parts = [];
    size = 0;
  };
  return {
    write: (chunk) => {
      parts.push(chunk);
      size += chunk.length;
      if (size >= FLUSH_AT) flush();
    },
    flush,
  };
}

/**
 * Writes through a temporary file in the same folder and renames it over the target, so a reader never
 * sees half a report and a failed run never leaves one behind that looks complete. `content` is the text,
 * or a function that writes it in pieces (a streamed report).
 */
export function writeFileAtomic(
  file: string,
  content: string | ((write: (chunk: string) => void) => void),
  label = file,
): void {
  const target = path.resolve(file);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temporary, 'w');
    const descriptor = fd;
    const sink = bufferedSink((text) => fs.writeSync(descriptor, text));
    if (typeof content === 'string') sink.write(content);
    else content(sink.write);
    sink.flush();
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temporary, target);
  } catch (thrown) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temporary, { force: true });
    const code = (thrown as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? `folder ${path.dirname(target)} does not exist`
        : code === 'EISDIR'
          ? 'is a folder'
          : (code ?? (thrown as Error).message);
    throw new UsageError(`${label}: cannot write (${why})`);
  }
}

export function toolInfo(): { name: string; version: string } {
  return { name: 'kvguard', version: packageVersion() };
}
