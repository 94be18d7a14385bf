import * as path from 'node:path';
import { UsageError } from '../errors';
import { findRule } from '../engine/rule-lookup';
import type { Rule } from '../engine/types';
import { RULES } from '../../rules/index';
import schema from '../../schema/kvguard.config.schema.json';
import type { KvguardConfig } from './types';
import { assertValid, compileSchema, describeError, readJsonFile } from './validate';

const validateConfig = compileSchema(schema);

/**
 * Reads and validates `kvguard.config.json` (DESIGN 2.5) against the published schema, then what a schema
 * cannot say: rule ids exist, rule options match the rule's own schema, expiry dates are real days.
 * `baseline` comes back resolved against the config file's folder. Any problem is one UsageError line.
 */
export function loadConfig(file: string, rules: readonly Rule<object>[] = RULES): KvguardConfig {
  const config = assertValid<KvguardConfig>(validateConfig, readJsonFile(file), file);
  const keyOf = new Map<string, string>();
  for (const [key, setting] of Object.entries(config.rules ?? {})) {
    const rule = findRule(rules, key);
    if (!rule) throw new UsageError(`${file}: /rules/${key}: no rule has this id or name`);
    const earlier = keyOf.get(rule.meta.id);
    if (earlier !== undefined)
      throw new UsageError(
        `${file}: /rules/${key}: names ${rule.meta.id} ${rule.meta.name}, as /rules/${earlier} does`,
      );
    keyOf.set(rule.meta.id, key);
    if (setting.options !== undefined) checkOptions(file, key, rule, setting.options);
  }
  (config.suppressions ?? []).forEach((suppression, index) => {
    if (!findRule(rules, suppression.ruleId))
      throw new UsageError(`${file}: /suppressions/${index}/ruleId: no rule has the id or name ${suppression.ruleId}`);
    if (suppression.expires !== undefined && !isRealDay(suppression.expires)) {
      throw new UsageError(
        `${file}: /suppressions/${index}/expires: ${suppression.expires} is not a calendar date (YYYY-MM-DD)`,
      );
    }
  });
  if (config.baseline !== undefined) config.baseline = path.resolve(path.dirname(file), config.baseline);
  return config;
}

function checkOptions(file: string, key: string, rule: Rule<object>, options: Record<string, unknown>): void {
  if (!rule.meta.optionsSchema) {
    if (Object.keys(options).length > 0)
      throw new UsageError(`${file}: /rules/${key}/options: ${rule.meta.name} takes no options`);
    return;
  }
  const validate = compileSchema(rule.meta.optionsSchema);
  if (!validate(options))
    throw new UsageError(`${file}: ${describeError(validate.errors?.[0], `/rules/${key}/options`)}`);
}

function isRealDay(day: string): boolean {
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}
