import * as fs from 'node:fs';
import * as path from 'node:path';
import { variantPlan, VARIANTS } from '../fixtures/terraform/plans';

/**
 * examples/terraform/*.plan.json are what test/fixtures/terraform/plans.ts writes (Terraform's JSON Output
 * Format for the stacks' access path, one plan per stack variant). `KVGUARD_UPDATE_FIXTURES=1 npx jest
 * test/terraform/plan-files.test.ts` rewrites them after a change to the builder.
 */
const FOLDER = path.join(__dirname, '..', '..', 'examples', 'terraform');

describe('examples/terraform plan files', () => {
  test.each(Object.keys(VARIANTS))('%s.plan.json is the builder output', (name) => {
    const file = path.join(FOLDER, `${name}.plan.json`);
    const text = `${JSON.stringify(variantPlan(name), null, 2)}\n`;
    if (process.env.KVGUARD_UPDATE_FIXTURES === '1') fs.writeFileSync(file, text);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });
});
