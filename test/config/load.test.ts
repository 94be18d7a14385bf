import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { FIXTURE_RULES } from '../report/fixture';
import { at } from '../support/at';

const DIR = path.join(__dirname, '..', '..', '.kvguard-tmp', 'config-test');
const FILE = path.join(DIR, 'kvguard.config.json');

function write(content: unknown): string {
  fs.mkdirSync(DIR, { recursive: true });
  fs.writeFileSync(FILE, typeof content === 'string' ? content : JSON.stringify(content));
  return FILE;
}

const load = (content: unknown) => loadConfig(write(content), FIXTURE_RULES);

describe('loadConfig', () => {
  test('reads a full config and resolves the baseline next to the file', () => {
    const config = {
      $schema: './schema/kvguard.config.schema.json',
      scope: {
        subscriptions: ['22222222-2222-2222-2222-222222222222'],
        resourceGroups: ['rg-payments'],
        vaults: ['kv-payments-prod'],
      },
      cloud: 'AzureCloud',
      caller: {
        ips: ['203.0.113.7'],
        subnet: '/subscriptions/2/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s',
        trustedService: false,
      },
      failOn: 'warning',
      rules: { KV205: { severity: 'warning' }, 'diagnostic-logs': { enabled: false } },
      suppressions: [
        { ruleId: 'KV205', resourceId: '**/A/kv-payments-prod', reason: 'migration', expires: '2027-01-31' },
      ],
      baseline: 'kvguard.baseline.json',
    };
    expect(load(config)).toEqual({ ...config, baseline: path.join(DIR, 'kvguard.baseline.json') });
  });

  test.each([
    [
      'a suppression without a reason',
      { suppressions: [{ ruleId: 'KV205', resourceId: '**' }] },
      '/suppressions/0/reason: is required',
    ],
    [
      'an empty reason',
      { suppressions: [{ ruleId: 'KV205', resourceId: '**', reason: '' }] },
      '/suppressions/0/reason: must NOT have fewer than 1 characters',
    ],
    [
      'an expiry that is not a date',
      { suppressions: [{ ruleId: 'KV205', resourceId: '**', reason: 'r', expires: 'next year' }] },
      '/suppressions/0/expires: "next year" does not match ^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
    ],
    [
      'an expiry that is no calendar day',
      { suppressions: [{ ruleId: 'KV205', resourceId: '**', reason: 'r', expires: '2027-02-30' }] },
      '/suppressions/0/expires: 2027-02-30 is not a calendar date (YYYY-MM-DD)',
    ],
    [
      'a suppression of an unknown rule',
      { suppressions: [{ ruleId: 'KV999', resourceId: '**', reason: 'r' }] },
      '/suppressions/0/ruleId: no rule has the id or name KV999',
    ],
    ['an unknown top-level field', { failon: 'error' }, '/failon: is not allowed here'],
    ['a bad severity', { failOn: 'critical' }, '/failOn: must be one of error, warning, note'],
    [
      'settings for an unknown rule',
      { rules: { KV998: { enabled: false } } },
      '/rules/KV998: no rule has this id or name',
    ],
    [
      'options for a rule that takes none',
      { rules: { KV205: { options: { strict: true } } } },
      '/rules/KV205/options: dns-a-record-ip takes no options',
    ],
    ['a caller ip that is not IPv4', { caller: { ips: ['300.1.1.1'] } }, '/caller/ips/0: "300.1.1.1" does not match'],
    [
      'a subscription that is not a GUID',
      { scope: { subscriptions: ['prod'] } },
      '/scope/subscriptions/0: "prod" does not match',
    ],
  ])('%s is one line naming the file and field', (_name, content, expected) => {
    expect(() => load(content)).toThrow(`${FILE}: ${expected}`);
  });

  test("validates a rule's options against the rule's own schema", () => {
    const base = at(FIXTURE_RULES, 0);
    const rule = {
      ...base,
      meta: {
        ...base.meta,
        optionsSchema: {
          type: 'object',
          additionalProperties: false,
          properties: { requireAlways: { type: 'boolean' } },
        },
      },
    };
    const file = write({ rules: { KV102: { options: { requireAlways: 'yes' } } } });
    expect(() => loadConfig(file, [rule])).toThrow(`${FILE}: /rules/KV102/options/requireAlways: must be boolean`);
    write({ rules: { KV102: { options: { requireAlways: true } } } });
    expect(loadConfig(file, [rule]).rules).toEqual({ KV102: { options: { requireAlways: true } } });
  });

  test('invalid JSON and a missing file name the file', () => {
    expect(() => load('{"failOn": ')).toThrow(`${FILE}: line 1, column 12: invalid JSON: unexpected end of input`);
    expect(() => loadConfig(path.join(DIR, 'absent.json'))).toThrow(`${path.join(DIR, 'absent.json')}: no such file`);
  });

  test('the published schema is valid JSON Schema that ajv compiles strictly', () => {
    const Ajv = require('ajv').default as new (options: object) => { compile(schema: object): unknown };
    const schema = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'kvguard.config.schema.json'), 'utf8'),
    ) as object;
    expect(() => new Ajv({ strict: true, allowUnionTypes: true }).compile(schema)).not.toThrow();
  });
});
