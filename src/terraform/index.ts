import { UsageError } from '../errors';
import { idKey, type ArmResource } from '../model/arm';
import type { CloudName } from '../model/cloud';
import { buildEstate, type Estate } from '../model/estate';
import { materialize, STAND_INS } from '../model/planned';
import type { PlannedEstates } from '../model/planned';
import { assemble } from './assemble';
import { parseTerraform, type TerraformDocument } from './document';

export { isTerraformJson, parseTerraform } from './document';

/**
 * Terraform as a source: `terraform show -json` of a plan (or a state), mapped to ARM resources for the one
 * normalizer, optionally laid over the estate as it is now. The result carries the estates the engine compares
 * to tell what the plan decides from what it leaves to apply (src/engine/undetermined.ts).
 */
export interface TerraformEstate {
  /** The estate after apply, values known only after apply left out. */
  estate: Estate;
  planned: PlannedEstates;
  /** idKey of an ARM id → the Terraform address that declares it. */
  addresses: Map<string, string>;
  notices: string[];
  /** ARM resources after apply (markers left out): what `kvguard snapshot` would hold. */
  resources: ArmResource[];
  kind: TerraformDocument['kind'];
}

export interface TerraformOptions {
  base?: readonly ArmResource[];
  subscriptionId?: string;
  cloud?: CloudName;
}

export function terraformEstate(data: unknown, file: string, options: TerraformOptions = {}): TerraformEstate {
  const document = parseTerraform(data, file);
  const planned = assemble(document, options);
  const withPossible = [...planned.resources, ...planned.possible];
  const resources = materialize(planned.resources);
  const estate = buildEstate(resources);
  if (estate.allVaults().length === 0) {
    throw new UsageError(
      `${file}: the ${document.kind} leaves no Microsoft.KeyVault/vaults or managedHSMs in the estate: nothing to audit`,
    );
  }
  const filled = STAND_INS.map((fill) => buildEstate(materialize(withPossible, fill)));
  const describe = (entityIds: readonly string[]): string => {
    const addresses = [...new Set(entityIds.map((id) => planned.addresses.get(idKey(id)) ?? id))].sort();
    return addresses.length === 0
      ? ''
      : `values known only after apply in ${addresses.slice(0, 3).join(', ')}${addresses.length > 3 ? ` and ${addresses.length - 3} more` : ''}`;
  };
  return {
    estate,
    planned: { known: estate, filled, describe },
    addresses: planned.addresses,
    notices: planned.notices,
    resources,
    kind: document.kind,
  };
}
