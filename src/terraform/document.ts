import Ajv from 'ajv';
import { UsageError } from '../errors';
import { asArray, asObject, type JsonObject, type JsonValue } from '../model/arm';
import { describeSchemaError } from '../input/schema-error';
import schema from '../../schema/terraform.schema.json';

/**
 * The JSON of `terraform show -json <planfile>` and of `terraform show -json` (a state), as HashiCorp's
 * "JSON Output Format" documents it (https://developer.hashicorp.com/terraform/internals/json-format,
 * format_version 1.x): every resource instance with its values, what the plan does to it, and which of its
 * values are unknown until apply.
 *
 * Unknown values follow Terraform's own encoding (internal/command/jsonplan/plan.go, `omitUnknowns` and
 * `unknownAsBool`): in `after` an unknown object attribute is left out and an unknown list element is null;
 * `after_unknown` mirrors `after` with `true` at each unknown leaf (a whole unknown block is one `true`).
 */
export type TerraformAction = 'create' | 'update' | 'replace' | 'delete' | 'read' | 'no-op' | 'state';

export interface TerraformInstance {
  /** `module.net.azurerm_private_endpoint.kv[0]` */
  address: string;
  /** The address without instance keys: `module.net.azurerm_private_endpoint.kv`, as `configuration` names it. */
  configAddress: string;
  /** `module.net` or '' for the root module (no instance keys). */
  modulePath: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** Values after the change (a plan) or in the state. */
  values: JsonObject;
  /** `after_unknown`: `true` at the unknown leaves, or undefined when everything is known. */
  unknown: JsonValue | undefined;
  action: TerraformAction;
}

export interface TerraformDocument {
  kind: 'plan' | 'state';
  terraformVersion: string | undefined;
  /** Instances that exist after the change (or in the state), data sources included. */
  instances: TerraformInstance[];
  /** Instances the plan destroys and does not create again: their ARM ids leave the estate. */
  destroyed: TerraformInstance[];
  /** `configuration`: what each expression references, for relations a plan does not know yet. */
  configuration: JsonObject | undefined;
  /** The provider block's constant `subscription_id`, when the configuration has one. */
  providerSubscriptionId: string | undefined;
}

const validate = new Ajv({ allErrors: false, strict: false, verbose: true }).compile(schema);
const ROOT_EXPECTED = schema['x-expected'];

/** Is this JSON a Terraform plan or state (rather than ARM resources)? */
export function isTerraformJson(data: unknown): boolean {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return false;
  const doc = data as Record<string, unknown>;
  return (
    typeof doc.format_version === 'string' &&
    ('planned_values' in doc || 'resource_changes' in doc || 'values' in doc || 'prior_state' in doc)
  );
}

export function parseTerraform(data: unknown, file: string): TerraformDocument {
  if (!validate(data)) {
    const first = validate.errors?.find((e) => e.keyword !== 'if') ?? validate.errors?.[0];
    throw new UsageError(
      `${file}: ${first ? describeSchemaError(first, ROOT_EXPECTED) : '/: is not a Terraform plan or state'}`,
    );
  }
  const doc = data as JsonObject;
  const version = String(doc.format_version);
  // "Reject any input which reports an unsupported major version" (the JSON Output Format's versioning rule).
  if (!/^1\.\d+$/.test(version)) {
    throw new UsageError(
      `${file}: /format_version: expected a 1.x JSON output format (terraform show -json of Terraform 1.x), found ${JSON.stringify(version)}`,
    );
  }
  const terraformVersion = typeof doc.terraform_version === 'string' ? doc.terraform_version : undefined;
  const configuration = asObject(doc.configuration);
  const providerSubscriptionId = providerSubscription(configuration);
  if (doc.resource_changes !== undefined || doc.planned_values !== undefined) {
    return { kind: 'plan', terraformVersion, configuration, providerSubscriptionId, ...planInstances(doc) };
  }
  const values = asObject(doc.values);
  const instances = values ? moduleInstances(asObject(values.root_module), 'state') : [];
  return { kind: 'state', terraformVersion, configuration, providerSubscriptionId, instances, destroyed: [] };
}

function planInstances(doc: JsonObject): Pick<TerraformDocument, 'instances' | 'destroyed'> {
  const instances: TerraformInstance[] = [];
  const destroyed: TerraformInstance[] = [];
  const changed = new Set<string>();
  for (const entry of asArray(doc.resource_changes)) {
    const change = asObject(entry) ?? {};
    const body = asObject(change.change) ?? {};
    const action = actionOf(asArray(body.actions).map(String));
    const address = String(change.address);
    changed.add(address);
    const base = instanceBase(address, change);
    if (action === 'delete') {
      destroyed.push({ ...base, values: asObject(body.before) ?? {}, unknown: undefined, action });
      continue;
    }
    const unknown = body.after_unknown;
    instances.push({
      ...base,
      values: asObject(body.after) ?? {},
      unknown: unknown === false || isEmptyUnknown(unknown) ? undefined : unknown,
      action,
    });
  }
  // Data sources read while planning are in the prior state only; they are evidence of what exists.
  const prior = asObject(asObject(doc.prior_state)?.values);
  for (const instance of prior ? moduleInstances(asObject(prior.root_module), 'state') : []) {
    if (instance.mode === 'data' && !changed.has(instance.address)) instances.push(instance);
  }
  // A plan without resource_changes (very old format) still has planned_values.
  if (doc.resource_changes === undefined) {
    for (const i of moduleInstances(asObject(asObject(doc.planned_values)?.root_module), 'create')) instances.push(i);
  }
  return { instances, destroyed };
}

function moduleInstances(module: JsonObject | undefined, action: TerraformAction): TerraformInstance[] {
  if (!module) return [];
  const own = asArray(module.resources).map((entry): TerraformInstance => {
    const resource = asObject(entry) ?? {};
    return {
      ...instanceBase(String(resource.address), resource),
      values: asObject(resource.values) ?? {},
      unknown: undefined,
      action,
    };
  });
  return [...own, ...asArray(module.child_modules).flatMap((child) => moduleInstances(asObject(child), action))];
}

function instanceBase(address: string, entry: JsonObject): Omit<TerraformInstance, 'values' | 'unknown' | 'action'> {
  const configAddress = withoutKeys(address);
  const mode = entry.mode === 'data' ? 'data' : 'managed';
  const resourcePart =
    mode === 'data'
      ? `data.${String(entry.type)}.${String(entry.name)}`
      : `${String(entry.type)}.${String(entry.name)}`;
  const modulePath = configAddress.endsWith(resourcePart)
    ? configAddress.slice(0, configAddress.length - resourcePart.length).replace(/\.$/, '')
    : '';
  return { address, configAddress, modulePath, mode, type: String(entry.type), name: String(entry.name) };
}

/** `module.net["a"].azurerm_subnet.s[0]` → `module.net.azurerm_subnet.s` */
export function withoutKeys(address: string): string {
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|\d+)\]/g, '');
}

function actionOf(actions: readonly string[]): TerraformAction {
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  const [first = 'no-op'] = actions;
  return (['create', 'update', 'delete', 'read', 'no-op'] as const).find((a) => a === first) ?? 'no-op';
}

function isEmptyUnknown(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || value === false) return true;
  if (Array.isArray(value)) return value.every(isEmptyUnknown);
  if (typeof value === 'object') return Object.values(value).every(isEmptyUnknown);
  return false;
}

function providerSubscription(configuration: JsonObject | undefined): string | undefined {
  const azurerm = asObject(asObject(configuration?.provider_config)?.azurerm);
  const value = asObject(asObject(azurerm?.expressions)?.subscription_id)?.constant_value;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
