import type { KvguardConfig } from '../config/types';
import type { Rule, RunResult, Severity } from '../engine/types';
import { audit, type Audit } from '../pipeline/audit';
import type { CallerProfile } from '../model/caller';
import { reporterFor, streamingReporterFor } from '../report/index';
import type { ReportFormat, ReportOptions } from '../report/types';
import { loadSource } from './load-source';
import { bufferedSink, writeFileAtomic, type WriteOptions } from './output-file';
import { packageVersion } from './main';
import type { AuditSource } from './source';

/**
 * What every command that audits shares: the source loaded (snapshot, live, Terraform), then the one
 * pipeline `audit()` (src/pipeline/audit.ts: rules → suppressions and baseline → gate), then reports.
 * Commands parse flags into these inputs; nothing here writes to the console.
 */
export interface AuditInput {
  source: AuditSource;
  caller: CallerProfile;
  config?: KvguardConfig;
  /** `--baseline`, else the config's `baseline`. */
  baselineFile?: string;
  now: Date;
  rules?: readonly Rule<object>[];
  /** `--fail-on`, else the config's `failOn`, else `error`. */
  failOn?: Severity;
  allowPartial?: boolean;
}

export interface AuditOutput extends Audit {
  /** A snapshot file's line of each resource id, for reports that point into the file. */
  resourceLines?: Record<string, number>;
}

export async function runAudit(input: AuditInput): Promise<AuditOutput> {
  const source = await loadSource(withCallerIdentity(withCallerNetwork(input.source, input.caller), input.caller));
  const baselineFile = input.baselineFile ?? input.config?.baseline;
  const baseline =
    baselineFile === undefined ? undefined : (await import('../gate/baseline')).readBaseline(baselineFile);
  const audited = audit(source, {
    now: input.now,
    ...(input.rules ? { rules: input.rules } : {}),
    settings: input.config?.rules ?? {},
    caller: input.caller,
    suppressions: input.config?.suppressions ?? [],
    ...(baseline ? { baseline } : {}),
    failOn: input.failOn ?? input.config?.failOn ?? 'error',
    allowPartial: input.allowPartial ?? false,
  });
  const output: AuditOutput = audited;
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

export async function loadConfigFile(file: string): Promise<KvguardConfig> {
  const { loadConfig } = await import('../config/load');
  return loadConfig(file);
}

export function renderReport(format: ReportFormat, result: RunResult, options: ReportOptions): string {
  return reporterFor(format)(result, options);
}

export { writeFileAtomic } from './output-file';

/** A report streamed to `--output`/`--report` files (atomically) or to stdout, a megabyte at a time. */
export function writeReport(
  format: ReportFormat,
  result: RunResult,
  options: ReportOptions,
  target: { file: string; label: string; write?: WriteOptions } | 'stdout',
): void {
  const stream = streamingReporterFor(format);
  if (target === 'stdout') {
    const sink = bufferedSink((chunk) => process.stdout.write(chunk));
    stream(result, options, sink.write);
    sink.flush();
    return;
  }
  writeFileAtomic(target.file, (write) => stream(result, options, write), target.label, target.write);
}

export function toolInfo(): { name: string; version: string } {
  return { name: 'kvguard', version: packageVersion() };
}
