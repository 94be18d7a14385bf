import { loadProgram, offlineConfig, type StackRun } from '../../../src/pulumi/deploy';
import { UNKNOWN_SENTINELS } from '../../../src/pulumi/plain';
import { PROJECT, runProgram, type RegisteredResource } from '../../../src/pulumi/runtime';
import type { EngineResource } from './engine-client';
import { plannedCreate, plannedUpdate } from './azure-native-shapes';
import { Secret, Unknown, UNKNOWN, isObject, type PropertyMap, type PropertyValue } from './marshal';

/**
 * The three moments the engine calls a policy pack, for one stack of stacks/, built from the program itself:
 * - `preview`: a first `pulumi preview`. The program runs under Pulumi's mock runtime in preview mode and each
 *   resource answers with azure-native's planned outputs (azure-native-shapes.ts), so dependents see the
 *   unknowns they would see (every `name`/`id` output, hence most `resourceGroupName` inputs) and
 *   apply-wrapped inputs (Vault.properties, PrivateEndpoint.subnet) turn unknown as a whole.
 * - `up`: the stack deployed into the emulator (src/pulumi/deploy.ts): inputs and outputs all known.
 * - `update`: a later `pulumi preview` that changes one resource harmlessly (a tag): that resource carries
 *   its planned update outputs, every other one its outputs from `up` (the engine's "same" steps).
 * AnalyzeStack also receives the stack resource (pulumi/pulumi step_generator.go AnalyzeResources ranges
 * over every new state), which is what a program's parent chain ends at.
 */
export type Phase = 'preview' | 'up' | 'update';

export interface PhaseOptions {
  /** Pulumi name of the resource the update preview changes (default: the private endpoint). */
  changed?: string;
  /** Top-level outputs marked secret (additionalSecretOutputs), per Pulumi resource name. */
  secretOutputs?: Record<string, string[]>;
}

/** Sentinel strings and the mock runtime's Unknown objects → Unknown. */
export function fromWire(value: unknown): PropertyValue {
  if (typeof value === 'string' && UNKNOWN_SENTINELS.has(value)) return Unknown;
  if (value !== null && typeof value === 'object' && (value as { __pulumiUnknown?: unknown }).__pulumiUnknown === true)
    return Unknown;
  if (Array.isArray(value)) return value.map(fromWire);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, fromWire(v)]),
    );
  return value as PropertyValue;
}

/** Unknown → the sentinel, which the SDK turns back into an unknown output during a preview. */
function toMockState(value: PropertyValue): unknown {
  if (value === Unknown) return UNKNOWN;
  if (value instanceof Secret) return toMockState(value.value);
  if (Array.isArray(value)) return value.map(toMockState);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toMockState(v)]));
  return value;
}

export function stackUrn(stack: string): string {
  return `urn:pulumi:${stack}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${stack}`;
}

function engineResource(
  r: RegisteredResource,
  inputs: PropertyMap,
  outputs: PropertyMap,
  options: PhaseOptions,
): EngineResource {
  const secret = new Set(options.secretOutputs?.[r.name] ?? []);
  const marked = Object.fromEntries(
    Object.entries(outputs).map(([k, v]) => [k, secret.has(k) ? new Secret(v) : v]),
  ) as PropertyMap;
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    parent: r.parent,
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
    inputs,
    outputs: marked,
  };
}

function withStack(stack: string, resources: EngineResource[], outputs: PropertyMap): EngineResource[] {
  const root: EngineResource = {
    urn: stackUrn(stack),
    type: 'pulumi:pulumi:Stack',
    name: `${PROJECT}-${stack}`,
    parent: '',
    dependencies: [],
    propertyDependencies: {},
    inputs: {},
    outputs,
  };
  return [root, ...resources];
}

/** A first `pulumi preview` of the stack. */
export async function freshPreview(stack: string, options: PhaseOptions = {}): Promise<EngineResource[]> {
  const config = offlineConfig(stack);
  const run = await runProgram({
    project: PROJECT,
    stack,
    config,
    preview: true,
    program: loadProgram(),
    newResource: async (args) => ({
      id: undefined,
      state: toMockState(plannedCreate(args.type, fromWire(args.inputs) as PropertyMap)) as never,
    }),
  });
  const resources = run.resources.map((r) =>
    engineResource(r, fromWire(r.inputs) as PropertyMap, fromWire(r.state) as PropertyMap, options),
  );
  return withStack(stack, resources, Object.fromEntries(Object.keys(run.outputs).map((k) => [k, Unknown])));
}

/** After `pulumi up`: every resource with its inputs and outputs. */
export function afterUp(run: StackRun, options: PhaseOptions = {}): EngineResource[] {
  const resources = run.resources.map((r) =>
    engineResource(r, fromWire(r.inputs) as PropertyMap, fromWire(r.state) as PropertyMap, options),
  );
  return withStack(run.stack, resources, fromWire(JSON.parse(JSON.stringify(run.outputs))) as PropertyMap);
}

export const HARMLESS_TAGS = { 'cost-center': 'kvguard' };

/** A later preview changing the tags of one resource (default: the private endpoint). */
export function updatePreview(run: StackRun, options: PhaseOptions = {}): EngineResource[] {
  const changed = options.changed ?? 'endpoint';
  if (!run.resources.some((r) => r.name === changed)) throw new Error(`${run.stack} has no resource ${changed}`);
  const resources = run.resources.map((r) => {
    const inputs = fromWire(r.inputs) as PropertyMap;
    const outputs = fromWire(r.state) as PropertyMap;
    if (r.name !== changed) return engineResource(r, inputs, outputs, options);
    const newInputs = { ...inputs, tags: HARMLESS_TAGS };
    return engineResource(r, newInputs, plannedUpdate(r.type, newInputs, outputs), options);
  });
  return withStack(run.stack, resources, fromWire(JSON.parse(JSON.stringify(run.outputs))) as PropertyMap);
}
