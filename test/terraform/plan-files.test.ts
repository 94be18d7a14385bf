import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  EXISTING_ESTATE_CASES,
  existingEstatePlan,
  hubFirewallPlan,
  variantPlan,
  VARIANTS,
} from '../fixtures/terraform/plans';

/**
 * examples/terraform/*.plan.json are what test/fixtures/terraform/plans.ts writes (Terraform's JSON Output
 * Format for the stacks' access path, one plan per stack variant). `KVGUARD_UPDATE_FIXTURES=1 npx jest
 * test/terraform/plan-files.test.ts` rewrites them after a change to the builder.
 */
const FOLDER = path.join(__dirname, '..', '..', 'examples', 'terraform');

describe('examples/terraform plan files', () => {
  const plans: [string, () => unknown][] = [
    ...Object.keys(VARIANTS).map((name): [string, () => unknown] => [name, () => variantPlan(name)]),
    ...EXISTING_ESTATE_CASES.map((name): [string, () => unknown] => [
      `orders-spoke-${name}`,
      () => existingEstatePlan(name),
    ]),
    ['hub-firewall', () => hubFirewallPlan({ forwarded: true })],
    ['hub-firewall-spoke-refuses-forwarded', () => hubFirewallPlan({ forwarded: false })],
  ];
  test.each(plans)('%s.plan.json is the builder output', (name, build) => {
    const file = path.join(FOLDER, `${name}.plan.json`);
    const text = `${JSON.stringify(build(), null, 2)}\n`;
    if (process.env.KVGUARD_UPDATE_FIXTURES === '1') fs.writeFileSync(file, text);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });
});
