import { idKey } from '../model/arm';
import type { Estate } from '../model/estate';
import type { PlannedEstates } from '../model/planned';
import type { Vault } from '../model/types';
import { runRules, summarize, type RunOptions } from './run';
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
  const taint = taintedFields(planned.known, planned.filled);
  const vaults = options.vaults ?? planned.known.allVaults();
  const rules = options.rules;
  const findings: Finding[] = [];
  for (const vault of vaults) {
    for (const rule of rules) {
      const reads = new Set<string>();
      const one = { ...options, rules: [rule], notices: [] };
      const base = runRules({
        ...one,
        estate: recording(planned.known, reads),
        vaults: [recording(vault, reads)],
      }).findings;
      const same = planned.filled.every((estate) => {
        const other = estate.vaults.get(vault.id);
        if (!other) return false;
        return signature(runRules({ ...one, estate, vaults: [other] }).findings) === signature(base);
      });
      const taintedEntities = [...reads]
        .filter((read) => {
          const [id = '', field = ''] = read.split('|');
          return taint.get(id)?.has(field) === true;
        })
        .map((read) => read.split('|')[0] ?? '');
      for (const finding of base) {
        const decided =
          same && (finding.outcome === 'pass' || finding.outcome === 'skipped' || taintedEntities.length === 0);
        findings.push(decided ? finding : undecided(finding, vault, planned.describe([...new Set(taintedEntities)])));
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

interface EntityIndex {
  all(): { id: string }[];
}

function isIndex(value: unknown): value is EntityIndex {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { all?: unknown }).all === 'function' &&
    typeof (value as { get?: unknown }).get === 'function'
  );
}

/** Entity idKey → fields whose value differs between the known estate and a filled one. */
function taintedFields(known: Estate, filled: readonly Estate[]): Map<string, Set<string>> {
  const entities = (estate: Estate): Map<string, Record<string, unknown>> => {
    const map = new Map<string, Record<string, unknown>>();
    for (const [name, index] of Object.entries(estate)) {
      if (!isIndex(index)) continue;
      for (const entity of index.all()) map.set(`${name}:${idKey(entity.id)}`, entity as Record<string, unknown>);
    }
    return map;
  };
  const base = entities(known);
  const taint = new Map<string, Set<string>>();
  for (const estate of filled) {
    const other = entities(estate);
    for (const [key, entity] of base) {
      const twin = other.get(key);
      const id = key.slice(key.indexOf(':') + 1);
      const fields = taint.get(id) ?? new Set<string>();
      for (const field of new Set([...Object.keys(entity), ...Object.keys(twin ?? {})])) {
        if (!twin || JSON.stringify(entity[field]) !== JSON.stringify(twin[field])) fields.add(field);
      }
      if (fields.size > 0) taint.set(id, fields);
    }
  }
  return taint;
}

/**
 * The estate (or an entity) behind a proxy that logs `idKey|field` for every field read on an entity.
 * Methods run on the real object (the estate's Maps need their own receiver); what they return is wrapped too.
 */
function recording<T extends object>(target: T, reads: Set<string>, cache = new WeakMap<object, object>()): T {
  const cached = cache.get(target);
  if (cached) return cached as T;
  const wrap = (value: unknown): unknown =>
    value !== null && typeof value === 'object' ? recording(value, reads, cache) : value;
  const isArray = Array.isArray(target);
  const id = (target as { id?: unknown }).id;
  const entityId = !isArray && typeof id === 'string' ? idKey(id) : undefined;
  const proxy = new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, isArray ? receiver : object);
      if (typeof property === 'string' && entityId !== undefined) reads.add(`${entityId}|${property}`);
      if (typeof value === 'function') {
        if (isArray) return value;
        return (...args: unknown[]) => wrap((value as (...a: unknown[]) => unknown).apply(object, args));
      }
      const descriptor = Object.getOwnPropertyDescriptor(object, property);
      if (descriptor && descriptor.configurable === false && descriptor.writable === false) return value;
      return wrap(value);
    },
  });
  cache.set(target, proxy);
  return proxy;
}
