import { terraformEstate } from '../../src/terraform/index';
import { runRulesOnPlan } from '../../src/engine/undetermined';
import { RULES } from '../../rules/index';
import { variantPlan, VARIANTS } from '../fixtures/terraform/plans';

test('smoke', () => {
  for (const name of Object.keys(VARIANTS)) {
    const tf = terraformEstate(variantPlan(name), `${name}.json`);
    const vaults = tf.vaults.map((id) => tf.estate.vaults.get(id)!);
    const result = runRulesOnPlan(
      {
        estate: tf.estate,
        vaults,
        rules: RULES,
        caller: name === 'firewall-blocks-caller' ? ({ ips: ['203.0.113.10'] } as never) : undefined,
      },
      tf.planned,
    );
    console.log(
      name,
      tf.notices,
      '\n' +
        result.findings
          .filter((f) => f.outcome !== 'pass')
          .map((f) => `${f.ruleId} ${f.outcome} ${f.message}`)
          .join('\n'),
    );
  }
});
