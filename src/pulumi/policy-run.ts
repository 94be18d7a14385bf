import type {
  EnforcementLevel,
  Policy,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from '@pulumi/policy';
import type { JsonObject } from '../model/arm';
import type { RegisteredResource } from './runtime';

/**
 * Runs a pack's validate functions the way the Pulumi analyzer does, without the CLI and without
 * `new PolicyPack` (which starts a gRPC server): props wrapped in `unknownCheckingProxy`, per-policy
 * config over the schema's defaults, `notApplicable()` thrown and caught, enforcement levels resolved
 * (a config's level over the policy's; `disabled` skips it). @pulumi/policy has no test helpers
 * (pulumi/pulumi-policy#445).
 */
export interface Violation {
  policy: string;
  enforcementLevel: EnforcementLevel;
  urn: string | undefined;
  message: string;
}

export interface PolicyRunResult {
  violations: Violation[];
  /** `policy: reason` for each notApplicable() call. */
  notApplicable: string[];
}

export type PackConfig = Record<string, { enforcementLevel?: EnforcementLevel; [key: string]: unknown }>;

/** The props the analyzer sees: after `pulumi up` a resource's outputs (inputs kept where outputs lack them); in a preview, its inputs. */
export function policyResources(
  resources: readonly RegisteredResource[],
  when: 'deployed' | 'preview',
  wrap: (props: JsonObject) => JsonObject,
): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  for (const r of resources) {
    const props = wrap(when === 'deployed' ? { ...r.inputs, ...r.state } : r.inputs);
    const resource: PolicyResource = {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        additionalSecretOutputs: [],
        customTimeouts: {},
      } as unknown as PolicyResource['opts'],
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    byUrn.set(r.urn, resource);
  }
  for (const r of resources) {
    const resource = byUrn.get(r.urn);
    if (!resource) continue;
    for (const [key, urns] of Object.entries(r.propertyDependencies)) {
      resource.propertyDependencies[key] = urns
        .map((u) => byUrn.get(u))
        .filter((d): d is PolicyResource => d !== undefined);
    }
    resource.dependencies = [...new Set(Object.values(resource.propertyDependencies).flat())];
  }
  return [...byUrn.values()];
}

class NotApplicable extends Error {}

function configFor(policy: Policy, config: PackConfig): Record<string, unknown> {
  const defaults = Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {})
      .filter(([, schema]) => schema.default !== undefined)
      .map(([key, schema]) => [key, schema.default]),
  );
  const { enforcementLevel: _level, ...own } = config[policy.name] ?? {};
  return { ...defaults, ...own };
}

export async function runPolicies(
  policies: readonly (ResourceValidationPolicy | StackValidationPolicy)[],
  resources: readonly PolicyResource[],
  config: PackConfig = {},
): Promise<PolicyRunResult> {
  const violations: Violation[] = [];
  const notApplicable: string[] = [];
  for (const policy of policies) {
    const level = config[policy.name]?.enforcementLevel ?? policy.enforcementLevel ?? 'advisory';
    if (level === 'disabled') continue;
    const report = (message: string, urn?: string): void =>
      void violations.push({ policy: policy.name, enforcementLevel: level, urn, message });
    const common = {
      stackTags: new Map<string, string>(),
      getConfig: <T extends object>() => configFor(policy, config) as T,
      notApplicable: (reason?: string): never => {
        throw new NotApplicable(reason ?? 'not applicable');
      },
    };
    const attempt = async (validate: () => unknown): Promise<void> => {
      try {
        await validate();
      } catch (thrown) {
        if (!(thrown instanceof NotApplicable)) throw thrown;
        notApplicable.push(`${policy.name}: ${thrown.message}`);
      }
    };
    if ('validateStack' in policy) {
      const args: StackValidationArgs = { ...common, resources: [...resources] };
      await attempt(() => policy.validateStack(args, report));
      continue;
    }
    const validations =
      policy.validateResource === undefined
        ? []
        : Array.isArray(policy.validateResource)
          ? policy.validateResource
          : [policy.validateResource];
    for (const resource of resources) {
      const args: ResourceValidationArgs = {
        ...common,
        type: resource.type,
        props: resource.props,
        urn: resource.urn,
        name: resource.name,
        opts: resource.opts,
        isType: resource.isType,
        asType: (() => undefined) as ResourceValidationArgs['asType'],
      };
      for (const validate of validations)
        await attempt(() => validate(args, (message) => report(message, resource.urn)));
    }
  }
  return { violations, notApplicable };
}
