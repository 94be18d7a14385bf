import Ajv from 'ajv';
import example from '../../policy-pack/config.example.json';
import { kvguardPolicies } from '../../src/pulumi/policies';

/** README's pack config names real policies, with levels the CLI accepts and options their schemas accept. */
test('policy-pack/config.example.json names real policies and fits their config schemas', () => {
  const policies = kvguardPolicies();
  const levels = ['advisory', 'mandatory', 'remediate', 'disabled'];
  for (const [name, value] of Object.entries(example as Record<string, unknown>)) {
    if (name === 'all' || typeof value === 'string') {
      expect([name, levels.includes(value as string)]).toEqual([name, true]);
      continue;
    }
    const policy = policies.find((p) => p.name === name);
    expect(policy?.name).toBe(name);
    const { enforcementLevel, ...options } = value as Record<string, unknown>;
    if (enforcementLevel !== undefined) expect(levels).toContain(enforcementLevel);
    const validate = new Ajv({ strict: false }).compile({
      type: 'object',
      properties: policy?.configSchema?.properties ?? {},
      additionalProperties: false,
    });
    expect([name, validate(options), validate.errors ?? null]).toEqual([name, true, null]);
  }
});
