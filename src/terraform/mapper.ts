import type { ArmResource, JsonObject, JsonValue } from '../model/arm';
import { UNKNOWN } from '../model/planned';
import { compact, type BlockView } from './attributes';
import type { PlanContext, Patch, PlannedResource } from './context';
import type { TerraformInstance } from './document';
import { lastSegment } from '../model/arm';

/**
 * One Terraform resource type → the ARM resources it becomes (in ARM GET's shape, as Microsoft's REST specs
 * define them) and the changes it makes to other resources (an association sets a subnet's `routeTable`).
 * Attribute names follow the azurerm provider's schema (hashicorp/terraform-provider-azurerm,
 * website/docs/r/<name>.html.markdown, v3.x and v4.x names both read where they differ).
 */
export interface MapperOutput {
  resources: PlannedResource[];
  patches: Patch[];
  /** What the mapper could not map, one line each (shown as run notices). */
  notices?: string[];
}

export interface Mapper {
  /** The ARM id built from the instance's names, for when `id` is known only after apply. */
  id(instance: TerraformInstance, context: PlanContext): string | undefined;
  map(instance: TerraformInstance, context: PlanContext, id: string): MapperOutput;
}

/** The plan creates the instance (or replaces it): Azure holds nothing of it yet. */
export function isCreated(instance: TerraformInstance): boolean {
  return instance.action === 'create' || instance.action === 'replace';
}

export function resource(
  instance: TerraformInstance,
  id: string,
  type: string,
  properties: JsonObject,
  extra: Partial<ArmResource> = {},
): PlannedResource {
  const name = lastSegment(id);
  return {
    resource: { id, name, type, ...extra, properties },
    address: instance.address,
    created: isCreated(instance),
  };
}

export function single(resources: PlannedResource[], patches: Patch[] = []): MapperOutput {
  return { resources, patches };
}

/** `{ id }`, as ARM writes a reference to another resource; UNKNOWN stays UNKNOWN. */
export function ref(id: string | typeof UNKNOWN | undefined): JsonValue | undefined {
  if (id === undefined) return undefined;
  return id === UNKNOWN ? UNKNOWN : { id };
}

/** A list attribute mapped element by element; an unknown list stays UNKNOWN. */
export function mapList(list: JsonValue[] | typeof UNKNOWN, each: (value: JsonValue) => JsonValue): JsonValue {
  return list === UNKNOWN ? UNKNOWN : list.filter((v) => v !== null).map(each);
}

/** Nested blocks mapped one by one; unknown blocks stay UNKNOWN. */
export function mapBlocks(blocks: BlockView[] | typeof UNKNOWN, each: (block: BlockView) => JsonValue): JsonValue {
  return blocks === UNKNOWN ? UNKNOWN : blocks.map(each);
}

/** Appends to an array property of a target, creating it (an unknown list stays unknown). */
export function appendTo(target: ArmResource, key: string, value: JsonValue): void {
  const properties = (target.properties ??= {});
  const current = properties[key];
  if (current === UNKNOWN) return;
  properties[key] = [...(Array.isArray(current) ? current : []), value];
}

/** The last segment of an ARM id. */
export { lastSegment } from '../model/arm';

type Properties = Record<string, JsonValue | undefined>;

/**
 * The common case: one ARM resource of `type`, Succeeded after a successful apply, in the instance's `location`
 * (or a fixed one: private DNS resources are `global`), its id from `id` (default: resource group, type, name).
 */
export function simple(
  type: string,
  properties: (instance: TerraformInstance, context: PlanContext, id: string) => Properties,
  options: { id?: Mapper['id']; location?: string } = {},
): Mapper {
  return {
    id: options.id ?? ((instance, context) => context.resourceId(instance, type)),
    map(instance, context, id) {
      const location = options.location ?? context.attributes(instance).get('location');
      const body = compact({ ...properties(instance, context, id), provisioningState: 'Succeeded' });
      return single([resource(instance, id, type, body, compact({ location }))]);
    },
  };
}
