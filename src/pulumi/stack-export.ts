import { UsageError } from '../errors';
import type { ArmResource, JsonObject, JsonValue } from '../model/arm';
import { adaptStack, armResources, type PulumiResourceView } from './adapter';

/**
 * `pulumi stack export` → ARM resources, so a deployed stack can be audited offline
 * (`pulumi stack export | kvguard audit --snapshot -`). The export is `{version, deployment}`; each of
 * `deployment.resources` carries `urn`, `type`, `custom`, `id` and the provider's `outputs`
 * (https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_export/, and the `apitype.DeploymentV3` /
 * `ResourceV3` types of pulumi/pulumi's sdk/go/common/apitype/core.go). The outputs of azure-native resources
 * go through the same adapter the policy pack uses, so there is one Pulumi → ARM mapping.
 */
export function armFromStackExport(deployment: JsonObject, file: string): ArmResource[] {
  const list = deployment.resources;
  if (list === undefined) return [];
  if (!Array.isArray(list))
    throw new UsageError(
      `${file}: /deployment/resources: expected the stack's array of resources, found ${typeof list}`,
    );
  const views: PulumiResourceView[] = [];
  list.forEach((entry, index) => {
    const resource = asObject(entry);
    if (!resource) throw new UsageError(`${file}: /deployment/resources/${index}: expected a resource object`);
    const { urn, type, id, outputs, custom } = resource;
    if (typeof urn !== 'string' || typeof type !== 'string')
      throw new UsageError(`${file}: /deployment/resources/${index}: expected a resource with a urn and a type`);
    if (custom !== true) return; // component resources and the stack itself carry no Azure state
    const props = asObject(revealed(outputs ?? {})) ?? {};
    if (typeof id === 'string' && id !== '' && props.id === undefined) props.id = id;
    views.push({ urn, type, name: urn.split('::').pop() ?? urn, props });
  });
  return armResources(adaptStack(views));
}

/** Pulumi's secret signature: exports carry `{sig, plaintext}` (with --show-secrets) or `{sig, ciphertext}`. */
const SECRET_SIG = '4dabf18193072939515e22adb298388d';

/** Secrets revealed where the export holds their plaintext; a ciphertext stays unknown (dropped). */
function revealed(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(revealed);
  const object = asObject(value);
  if (!object) return value;
  if (SECRET_SIG in object) {
    if (typeof object.plaintext !== 'string') return null;
    try {
      return revealed(JSON.parse(object.plaintext) as JsonValue);
    } catch {
      return object.plaintext;
    }
  }
  return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, revealed(inner)]));
}

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}
