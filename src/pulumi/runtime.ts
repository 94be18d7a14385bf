import type { JsonObject } from '../model/arm';
import type { StackConfig } from './stack-config';
import { UNKNOWN_STRING } from './plain';

/**
 * Runs a Pulumi program in this process under Pulumi's mock runtime (no CLI, no engine): each resource
 * registration goes to `newResource`, whose `{id, state}` become the resource's id and outputs, so
 * dependent resources see them as inputs. Registrations are recorded with their property dependencies, as
 * the policy analyzer receives them. @pulumi/pulumi is loaded on first use (about 0.6 s).
 */
export interface NewResourceArgs {
  type: string;
  name: string;
  /** Deserialized inputs; during a preview, unknown values are Pulumi's unknown sentinel strings. */
  inputs: JsonObject;
}

export interface RegisteredResource {
  urn: string;
  type: string;
  name: string;
  inputs: JsonObject;
  id: string | undefined;
  /** Outputs: what `newResource` returned. */
  state: JsonObject;
  /** Top-level input → URNs it depends on. */
  propertyDependencies: Record<string, string[]>;
  /** The parent's URN (the stack's for top-level resources) and every resource this one depends on. */
  parent: string;
  dependencies: string[];
}

export interface ProgramRun {
  project: string;
  stack: string;
  config: StackConfig;
  preview: boolean;
  program: () => unknown;
  newResource: (args: NewResourceArgs) => Promise<{ id: string | undefined; state: JsonObject }>;
}

export const PROJECT = 'kvguard-stacks';

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void };
}

type Callback = (error: unknown, response: unknown) => void;

/** What the mock runtime hands over as an unknown value (an `Unknown` object). */
function isUnknownObject(value: unknown): boolean {
  return (
    value !== null && typeof value === 'object' && (value as { __pulumiUnknown?: unknown }).__pulumiUnknown === true
  );
}

/** Unknown values as the engine sends them to the policy analyzer: the unknown sentinel string. */
function onTheWire(value: unknown): unknown {
  if (isUnknownObject(value)) return UNKNOWN_STRING;
  if (Array.isArray(value)) return value.map(onTheWire);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, onTheWire(v)]));
  return value;
}

/** One program at a time: the Pulumi runtime keeps its settings in module state. */
let queue: Promise<unknown> = Promise.resolve();

export function runProgram(
  run: ProgramRun,
): Promise<{ resources: RegisteredResource[]; outputs: Record<string, unknown> }> {
  const next = queue.then(() => runExclusive(run));
  queue = next.catch(() => undefined);
  return next;
}

async function runExclusive(
  run: ProgramRun,
): Promise<{ resources: RegisteredResource[]; outputs: Record<string, unknown> }> {
  /* eslint-disable @typescript-eslint/no-require-imports -- internal modules, loaded lazily */
  const pulumi = await import('@pulumi/pulumi');
  const { MockMonitor } = require('@pulumi/pulumi/runtime/mocks') as {
    MockMonitor: new (mocks: object) => {
      registerResource(req: RegisterRequest, callback: Callback): Promise<void>;
      newUrn(parent: string, type: string, name: string): string;
    };
  };
  const settings = require('@pulumi/pulumi/runtime/settings') as {
    setMockOptions(monitor: object, project: string, stack: string, preview: boolean): void;
    waitForRPCs(): Promise<void>;
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const registered = new Map<string, RegisteredResource>();
  // Filled by the monitor before it calls newResource: URN (the monitor's, with the parent's type) and dependencies.
  const pending = new Map<
    string,
    { urn: string; deps: Record<string, string[]>; parent: string; dependencies: string[] }
  >();
  const keyOf = (type: string, name: string): string => `${type}::${name}`;
  const errors: Error[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  };
  const mocks = {
    newResource: (args: { type: string; name: string; inputs: JsonObject }) => track(register(args)),
    call: (args: { token: string }) => {
      throw new Error(`the kvguard stacks call no provider functions; ${args.token} was called`);
    },
  };
  const register = async (args: { type: string; name: string; inputs: JsonObject }) => {
    let answer: { id: string | undefined; state: JsonObject };
    try {
      answer = args.type.startsWith('pulumi:')
        ? { id: undefined, state: args.inputs }
        : await run.newResource({ type: args.type, name: args.name, inputs: args.inputs });
    } catch (thrown) {
      errors.push(thrown instanceof Error ? thrown : new Error(String(thrown)));
      throw thrown;
    }
    const { urn, deps, parent, dependencies } = pending.get(keyOf(args.type, args.name)) ?? {
      urn: keyOf(args.type, args.name),
      deps: {},
      parent: '',
      dependencies: [],
    };
    registered.set(urn, {
      urn,
      type: args.type,
      name: args.name,
      inputs: onTheWire(args.inputs) as JsonObject,
      id: answer.id,
      state: onTheWire(answer.state) as JsonObject,
      propertyDependencies: deps,
      parent,
      dependencies,
    });
    return { id: answer.id, state: answer.state };
  };
  class RecordingMonitor extends MockMonitor {
    override async registerResource(req: RegisterRequest, callback: Callback): Promise<void> {
      const deps: Record<string, string[]> = {};
      req.getPropertydependenciesMap().forEach((value, key) => {
        deps[key] = value.getUrnsList();
      });
      pending.set(keyOf(req.getType(), req.getName()), {
        urn: this.newUrn(req.getParent(), req.getType(), req.getName()),
        deps,
        parent: req.getParent(),
        dependencies: req.getDependenciesList(),
      });
      return super.registerResource(req, callback);
    }
  }
  settings.setMockOptions(new RecordingMonitor(mocks), run.project, run.stack, run.preview);
  pulumi.runtime.setAllConfig(run.config);
  const outputs = await pulumi.runtime.runInPulumiStack(async () => run.program());
  // The stack's outputs can settle while registrations are still under way (what `disconnect` waits for).
  await settings.waitForRPCs();
  while (inFlight.size > 0) {
    await Promise.allSettled([...inFlight]);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const failed = errors[0];
  if (failed) throw failed;
  return {
    resources: [...registered.values()].filter((r) => !r.type.startsWith('pulumi:')),
    outputs: (outputs ?? {}) as Record<string, unknown>,
  };
}
