import type {
  EnforcementLevel,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from '@pulumi/policy';
import type { PolicyConfigJSONSchema } from '@pulumi/policy/schema';
import { RULES } from '../../rules/index';
import { ruleDocUrl } from '../engine/docs';
import type { Finding, Rule, Severity } from '../engine/types';
import { asObject, idKey, parentId, lastSegment } from '../model/arm';
import { CLOUD_NAMES, type CloudName } from '../model/cloud';
import { DEFAULT_CALLER, type CallerProfile } from '../model/caller';
import { adaptStack, estateOf, type AdaptedStack, type PulumiResourceView } from './adapter';
import { audit } from '../pipeline/audit';
import { setPath } from './paths';
import { recording, taintedReads, type AccessLog } from '../engine/taint';
import { taintOf, type Taint } from './taint';

/**
 * The kvguard policy pack's policies, one per rule of the catalogue, built from the rule modules through
 * the adapter (Pulumi resources → ARM resources → estate): no rule logic here. A rule whose metadata says it
 * reads only the vault (`scope: 'vault'`) is a resource policy, judged on each vault's inputs in Analyze
 * (and remediated there when the rule names a `fix`); every other rule follows the access path across
 * resources and is a stack policy, reporting each violation on the URN of the resource at fault. Resource
 * policies also record every resource's inputs as Analyze hands them over, which the stack policies use to
 * build ids and relations during a preview (adapter.ts).
 *
 * Enforcement follows certainty: a failure is reported at the policy's level; a result the rule could not
 * evaluate (`error`) is advisory (config `unevaluated: disabled` hides it), never mandatory; a result that
 * read a value unknown until deployment is skipped, never reported.
 */
const VAULT_TOKEN = 'azure-native:keyvault:Vault';

/** kvguard severities as Pulumi enforcement levels and severities; a user's config overrides the level. */
export const ENFORCEMENT: Record<Severity, EnforcementLevel> = {
  error: 'mandatory',
  warning: 'advisory',
  note: 'advisory',
};
const PULUMI_SEVERITY = { error: 'high', warning: 'medium', note: 'low' } as const;

/** Resource or stack policy, from the rule's metadata. */
export function policyKind(rule: Rule<object>): 'resource' | 'stack' {
  return rule.meta.scope === 'vault' ? 'resource' : 'stack';
}

const STRING_LIST: PolicyConfigJSONSchema = { type: 'array', items: { type: 'string' } };
const COMMON_SCHEMA: Record<string, PolicyConfigJSONSchema> = {
  cloud: {
    type: 'string',
    enum: [...CLOUD_NAMES],
    default: 'AzureCloud',
    description: 'Azure cloud of the stack (decides the vault URI and the private DNS zone name)',
  },
  subscriptionId: {
    type: 'string',
    description: 'Subscription used in ARM ids while no resource of the stack has one (a first preview)',
  },
  names: {
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Azure names by Pulumi resource name, for resources whose name neither the preview nor their inputs tell (auto-named)',
  },
  unevaluated: {
    type: 'string',
    enum: ['advisory', 'disabled'],
    default: 'advisory',
    description: 'How a result the rule could not evaluate is reported: advisory (never mandatory) or not at all',
  },
};
const CALLER_SCHEMA: PolicyConfigJSONSchema = {
  type: 'object',
  description: "Who reaches the vault (DESIGN 2.2); default: a client in the private endpoint's own VNet",
  properties: {
    ips: STRING_LIST,
    subnetId: { type: 'string' },
    vnetId: { type: 'string' },
    trustedService: { type: 'boolean' },
    token: { type: 'string', description: 'A caller JWT (KV401-KV403), decoded locally' },
  },
  additionalProperties: false,
};

interface PolicyConfig {
  cloud?: CloudName;
  subscriptionId?: string;
  names?: Record<string, string>;
  unevaluated?: 'advisory' | 'disabled';
  caller?: Partial<CallerProfile>;
  [option: string]: unknown;
}

export interface KvguardPolicyOptions {
  /** The clock the rules see (tests pin it). */
  now?: () => Date;
}

export const COVERAGE_POLICY = 'kvguard-coverage';

/** Inputs by URN, as Analyze handed them to the resource policies (Analyze runs before AnalyzeStack). */
type InputsByUrn = Map<string, unknown>;

export function kvguardPolicies(
  options: KvguardPolicyOptions = {},
): (ResourceValidationPolicy | StackValidationPolicy)[] {
  const inputs: InputsByUrn = new Map();
  const rules = RULES as readonly Rule<object>[];
  return [
    ...rules.filter((r) => policyKind(r) === 'resource').map((rule) => resourcePolicy(rule, options, inputs)),
    ...rules.filter((r) => policyKind(r) === 'stack').map((rule) => stackPolicy(rule, options, inputs)),
    coveragePolicy(inputs),
  ];
}

function policyBase(rule: Rule<object>, extra: Record<string, PolicyConfigJSONSchema>) {
  const ruleOptions = asObject(rule.meta.optionsSchema?.properties) ?? {};
  return {
    name: rule.meta.name,
    description: `${rule.meta.id}: ${rule.meta.title}`,
    enforcementLevel: ENFORCEMENT[rule.meta.severity],
    severity: PULUMI_SEVERITY[rule.meta.severity],
    remediationSteps: rule.meta.remediation,
    url: ruleDocUrl(rule.meta.name),
    configSchema: {
      properties: { ...COMMON_SCHEMA, ...extra, ...(ruleOptions as Record<string, PolicyConfigJSONSchema>) },
    },
  };
}

function resourceView(args: Pick<ResourceValidationArgs, 'urn' | 'type' | 'name' | 'props'>): PulumiResourceView {
  return { urn: args.urn, type: args.type, name: args.name, props: args.props, inputs: args.props };
}

function resourcePolicy(
  rule: Rule<object>,
  options: KvguardPolicyOptions,
  inputs: InputsByUrn,
): ResourceValidationPolicy {
  const fix = rule.meta.fix;
  return {
    ...policyBase(rule, {}),
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      inputs.set(args.urn, args.props);
      if (args.type !== VAULT_TOKEN) args.notApplicable(`${rule.meta.name} applies to ${VAULT_TOKEN} resources`);
      validate(rule, [resourceView(args)], args.getConfig<PolicyConfig>(), report, options);
    },
    ...(fix
      ? {
          remediateResource: (args) => {
            if (args.type !== VAULT_TOKEN) return undefined;
            const config = args.getConfig<PolicyConfig>();
            const findings = evaluate(rule, [resourceView(args)], config, options);
            if (!findings.some((f) => f.outcome === 'fail')) return undefined;
            // Written through @pulumi/policy's proxies, so a secret stays secret.
            const props = args.props as Record<string, unknown>;
            for (const [path, value] of Object.entries(fix)) setPath(props as never, path, value);
            return props;
          },
        }
      : {}),
  };
}

function stackPolicy(rule: Rule<object>, options: KvguardPolicyOptions, inputs: InputsByUrn): StackValidationPolicy {
  return {
    ...policyBase(rule, { caller: CALLER_SCHEMA }),
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      if (!args.resources.some((r) => r.type === VAULT_TOKEN)) args.notApplicable('the stack declares no Key Vault');
      const views = args.resources.map((r) => viewOf(r, inputs.get(r.urn)));
      validate(rule, views, args.getConfig<PolicyConfig>(), report, options);
    },
  };
}

/** One summary of what the pack could not map, once per run. */
function coveragePolicy(inputs: InputsByUrn): StackValidationPolicy {
  return {
    name: COVERAGE_POLICY,
    description: 'kvguard: resource types of the stack that the kvguard rules do not read',
    enforcementLevel: 'advisory',
    severity: 'low',
    configSchema: { properties: { subscriptionId: COMMON_SCHEMA.subscriptionId ?? {} } },
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const config = args.getConfig<PolicyConfig>();
      const stack = adaptStack(
        args.resources.map((r) => viewOf(r, inputs.get(r.urn))),
        { subscriptionId: config.subscriptionId },
      );
      const lines = [
        ...(stack.unmapped.length > 0
          ? [`Types not mapped to ARM (not part of any access path kvguard checks): ${stack.unmapped.join(', ')}`]
          : []),
        ...stack.skipped.map((s) => `Not checked: ${s.reason}`),
      ];
      if (lines.length > 0) report(lines.join('\n'));
    },
  };
}

export function viewOf(
  resource: Pick<PolicyResource, 'urn' | 'type' | 'name' | 'props'> &
    Partial<Pick<PolicyResource, 'propertyDependencies' | 'dependencies'>>,
  inputs?: unknown,
): PulumiResourceView {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [key, resources] of Object.entries(resource.propertyDependencies ?? {}))
    propertyDependencies[key] = resources.map((r) => r.urn);
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    props: resource.props,
    propertyDependencies,
    dependencies: (resource.dependencies ?? []).map((r) => r.urn),
    inputs,
  };
}

/** Runs one rule on the adapted resources and reports its fail and error results; undetermined ones are skipped. */
function validate(
  rule: Rule<object>,
  views: PulumiResourceView[],
  config: PolicyConfig,
  report: ReportViolation,
  options: KvguardPolicyOptions,
): void {
  const description = `${rule.meta.id}: ${rule.meta.title}`;
  for (const finding of evaluate(rule, views, config, options)) {
    // The description (with the rule id) heads the message: the id shows once.
    if (finding.outcome === 'fail') report(finding.message, finding.urn);
    else if (finding.outcome === 'error' && config.unevaluated !== 'disabled')
      report({
        message: `${description}\nCould not be evaluated: ${finding.message}`,
        urn: finding.urn,
        enforcementLevel: 'advisory',
      } as never);
  }
}

export interface PolicyFinding extends Finding {
  /** The Pulumi resource at fault, when the stack declares it. */
  urn: string | undefined;
}

/** The rule's findings for every vault the resources declare, with undetermined results turned into `skipped`. */
export function evaluate(
  rule: Rule<object>,
  views: PulumiResourceView[],
  config: PolicyConfig,
  options: KvguardPolicyOptions = {},
): PolicyFinding[] {
  const stack = adaptStack(views, { cloud: config.cloud, subscriptionId: config.subscriptionId, names: config.names });
  const known = estateOf(stack);
  const taint = taintOf(stack, known);
  const caller: CallerProfile = { ...DEFAULT_CALLER, ...(config.caller ?? {}), ips: config.caller?.ips ?? [] };
  const ruleOptions = Object.fromEntries(
    Object.keys(rule.defaults)
      .filter((k) => config[k] !== undefined)
      .map((k) => [k, config[k]]),
  );
  const findings: PolicyFinding[] = [];
  for (const vault of known.allVaults()) {
    const log: AccessLog = { read: new Set() };
    const recorded = recording(known, log);
    const oneVault = new Proxy(recorded, {
      get: (target, property, receiver) =>
        property === 'allVaults' ? () => [recording(vault, log)] : Reflect.get(target, property, receiver),
    });
    const { result: run } = audit(
      { estate: oneVault },
      {
        rules: [rule],
        caller,
        settings: { [rule.meta.id]: { options: ruleOptions } },
        now: options.now?.() ?? new Date(),
      },
    );
    const undetermined = taintedReads(taint.fields, log);
    for (const finding of run.findings) {
      const urn = urnFor(stack, finding.resourceId, vault.id, known);
      const decided = finding.outcome === 'pass' || finding.outcome === 'skipped' || undetermined.length === 0;
      findings.push(
        decided
          ? { ...finding, urn }
          : {
              ...finding,
              outcome: 'skipped',
              message: `${finding.message} (not decided before deployment: ${reasonOf(undetermined, taint, known)})`,
              urn,
            },
      );
    }
  }
  return findings;
}

/** The unknown values behind a skip: the fields read, named by their resource (`pe-kv.networkInterfaceIds`). */
function reasonOf(reads: readonly string[], taint: Taint, estate: ReturnType<typeof estateOf>): string {
  const names = new Map<string, string>();
  for (const index of [
    'vaults',
    'privateEndpoints',
    'zones',
    'links',
    'aRecords',
    'virtualNetworks',
    'subnets',
  ] as const)
    for (const entity of estate[index].all()) names.set(idKey(entity.id), entity.name);
  const fields = [
    ...new Set(
      reads.map((r) => {
        const [id = '', field = ''] = r.split('|');
        return `${names.get(id) ?? lastSegment(id)}.${field}`;
      }),
    ),
  ];
  const dangling = taint.unknownValues.filter((v) => v.includes('): '));
  const shown = [...fields.slice(0, 4), ...dangling.slice(0, 2)];
  const more = fields.length - Math.min(fields.length, 4);
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''} unknown`;
}

/**
 * The URN of the resource at fault: the resource with that ARM id; for a vault's connection, the private
 * endpoint behind it; else the nearest declared parent (a record Azure wrote → its zone); else the vault.
 */
export function urnFor(
  stack: AdaptedStack,
  resourceId: string,
  vaultId: string,
  estate: ReturnType<typeof estateOf>,
): string | undefined {
  const byId = new Map(stack.resources.map((r) => [idKey(r.id), r.urn]));
  const exact = byId.get(idKey(resourceId));
  if (exact) return exact;
  const connection = estate.vaults
    .get(vaultId)
    ?.privateEndpointConnections.find((c) => idKey(c.id) === idKey(resourceId));
  const endpointUrn = connection?.privateEndpointId ? byId.get(idKey(connection.privateEndpointId)) : undefined;
  if (endpointUrn) return endpointUrn;
  // Only parents that are resources themselves (a record's zone), never the resource group.
  for (let id = parentId(resourceId); /\/providers\/[^/]+\/[^/]+\/[^/]+/i.test(id); id = parentId(id)) {
    const urn = byId.get(idKey(id));
    if (urn) return urn;
  }
  return byId.get(idKey(vaultId));
}
