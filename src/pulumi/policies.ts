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
import { runRules } from '../engine/run';
import type { Finding, Rule, Severity } from '../engine/types';
import { asObject, idKey, parentId } from '../model/arm';
import { CLOUD_NAMES, type CloudName } from '../model/cloud';
import { DEFAULT_CALLER, type CallerProfile } from '../model/caller';
import { adaptStack, estateOf, type AdaptedStack, type PulumiResourceView } from './adapter';
import { recording, taintOf, taintedReads, type AccessLog } from './taint';

/**
 * The kvguard policy pack's policies, one per rule, built from the rule modules in rules/ through the
 * adapter (Pulumi resources → ARM resources → estate): no rule logic here. Rules that read only the vault
 * run as resource policies on each vault's inputs; rules that follow the access path across resources run
 * as stack policies and report each violation on the URN of the resource at fault. KV201 (the zone that
 * serves a vault) and KV303 (public access beside a private endpoint) need a second resource to decide, so
 * they are stack policies too. The identity rules (KV401-KV404) need a caller token or role assignments,
 * which a stack does not declare.
 */
export const RESOURCE_RULES: readonly string[] = ['KV302', 'KV405', 'KV501', 'KV502'];
export const STACK_RULES: readonly string[] = [
  'KV101',
  'KV102',
  'KV103',
  'KV104',
  'KV201',
  'KV202',
  'KV203',
  'KV204',
  'KV205',
  'KV301',
  'KV303',
  'KV304',
  'KV503',
];

const VAULT_TOKEN = 'azure-native:keyvault:Vault';

/** kvguard severities as Pulumi enforcement levels and severities; a user's config overrides the level. */
export const ENFORCEMENT: Record<Severity, EnforcementLevel> = {
  error: 'mandatory',
  warning: 'advisory',
  note: 'advisory',
};
const PULUMI_SEVERITY = { error: 'high', warning: 'medium', note: 'low' } as const;

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
};
const CALLER_SCHEMA: PolicyConfigJSONSchema = {
  type: 'object',
  description: "Who reaches the vault (DESIGN 2.2); default: a client in the private endpoint's own VNet",
  properties: {
    ips: STRING_LIST,
    subnetId: { type: 'string' },
    vnetId: { type: 'string' },
    trustedService: { type: 'boolean' },
  },
  additionalProperties: false,
};

interface PolicyConfig {
  cloud?: CloudName;
  subscriptionId?: string;
  caller?: Partial<CallerProfile>;
  [option: string]: unknown;
}

export interface KvguardPolicyOptions {
  /** The clock the rules see (tests pin it). */
  now?: () => Date;
}

export function kvguardPolicies(
  options: KvguardPolicyOptions = {},
): (ResourceValidationPolicy | StackValidationPolicy)[] {
  const ruleById = new Map(RULES.map((rule) => [rule.meta.id, rule]));
  const pick = (ids: readonly string[]): Rule<object>[] =>
    ids.map((id) => ruleById.get(id)).filter((r): r is Rule<object> => r !== undefined);
  return [
    ...pick(RESOURCE_RULES).map((rule) => resourcePolicy(rule, options)),
    ...pick(STACK_RULES).map((rule) => stackPolicy(rule, options)),
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

function resourcePolicy(rule: Rule<object>, options: KvguardPolicyOptions): ResourceValidationPolicy {
  return {
    ...policyBase(rule, {}),
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      if (args.type !== VAULT_TOKEN) args.notApplicable(`${rule.meta.name} applies to ${VAULT_TOKEN} resources`);
      const view: PulumiResourceView = { urn: args.urn, type: args.type, name: args.name, props: args.props };
      validate(rule, [view], args.getConfig<PolicyConfig>(), report, options);
    },
  };
}

function stackPolicy(rule: Rule<object>, options: KvguardPolicyOptions): StackValidationPolicy {
  return {
    ...policyBase(rule, { caller: CALLER_SCHEMA }),
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      if (!args.resources.some((r) => r.type === VAULT_TOKEN)) args.notApplicable('the stack declares no Key Vault');
      validate(rule, args.resources.map(viewOf), args.getConfig<PolicyConfig>(), report, options);
    },
  };
}

export function viewOf(
  resource: Pick<PolicyResource, 'urn' | 'type' | 'name' | 'props' | 'propertyDependencies'>,
): PulumiResourceView {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [key, resources] of Object.entries(resource.propertyDependencies ?? {}))
    propertyDependencies[key] = resources.map((r) => r.urn);
  return { urn: resource.urn, type: resource.type, name: resource.name, props: resource.props, propertyDependencies };
}

/** Runs one rule on the adapted resources and reports its fail and error results; undetermined ones are skipped. */
function validate(
  rule: Rule<object>,
  views: PulumiResourceView[],
  config: PolicyConfig,
  report: ReportViolation,
  options: KvguardPolicyOptions,
): void {
  for (const finding of evaluate(rule, views, config, options)) {
    if (finding.outcome === 'fail') report(`${finding.ruleId}: ${finding.message}`, finding.urn);
    else if (finding.outcome === 'error')
      report(`${finding.ruleId}: could not be evaluated: ${finding.message}`, finding.urn);
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
  const stack = adaptStack(views, { cloud: config.cloud, subscriptionId: config.subscriptionId });
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
    const run = runRules({
      estate: oneVault,
      rules: [rule],
      caller,
      settings: { [rule.meta.id]: { options: ruleOptions } },
      now: options.now?.(),
    });
    const undetermined = taintedReads(taint, log);
    for (const finding of run.findings) {
      const decided = finding.outcome === 'pass' || finding.outcome === 'skipped' || undetermined.length === 0;
      const result: PolicyFinding = decided
        ? { ...finding, urn: urnFor(stack, finding.resourceId, vault.id, known) }
        : {
            ...finding,
            outcome: 'skipped',
            message: `${finding.message} (not decided before deployment: ${describeUnknowns(taint.unknownValues)} unknown)`,
            urn: urnFor(stack, finding.resourceId, vault.id, known),
          };
      findings.push(result);
    }
  }
  return findings;
}

function describeUnknowns(values: readonly string[]): string {
  const shown = values.slice(0, 4).join(', ');
  return values.length > 4 ? `${shown} and ${values.length - 4} more` : shown;
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
