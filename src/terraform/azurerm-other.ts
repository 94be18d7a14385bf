import { ARM_TYPES } from '../model/arm-types';
import type { JsonObject, JsonValue } from '../model/arm';
import { BUILT_IN_ROLES } from '../model/builtin-roles';
import { UNKNOWN } from '../model/planned';
import { compact } from './attributes';
import { isKnown, known, UNKNOWN_NAME } from './context';
import { mapBlocks, ref, resource, simple, single, type Mapper } from './mapper';

const RESOLVER = ARM_TYPES.dnsResolver;
const RULESET = ARM_TYPES.forwardingRuleset;

/**
 * DNS Private Resolver and forwarding rulesets (shapes: Microsoft's DnsResolver_Get, InboundEndpoint_Get,
 * OutboundEndpoint_Get, DnsForwardingRuleset_Get, ForwardingRule_Get and VirtualNetworkLink_Get examples,
 * api-version 2025-05-01), role assignments and diagnostic settings.
 */
export const dnsResolver = simple(RESOLVER, (instance, context) => ({
  virtualNetwork: ref(context.reference(instance, 'virtual_network_id')),
  dnsResolverState: 'Connected',
}));

/** Children of a resolver or ruleset: the parent id from `<parent>_id`, the child segment, the name. */
function childId(parentAttribute: string, segment: string): Mapper['id'] {
  return (instance, context) => {
    const parent = context.reference(instance, parentAttribute);
    const name = known(context.attributes(instance).get('name')) ?? UNKNOWN_NAME;
    return isKnown(parent) ? `${parent}/${segment}/${name}` : undefined;
  };
}

export const inboundEndpoint = simple(
  ARM_TYPES.inboundEndpoint,
  (instance, context) => ({
    ipConfigurations: mapBlocks(context.attributes(instance).blocks('ip_configurations'), (block) =>
      compact({
        subnet: ref(context.reference(instance, ...block.path, 'subnet_id')),
        privateIpAddress: block.get('private_ip_address'),
        privateIpAllocationMethod: block.get('private_ip_allocation_method') ?? 'Dynamic',
      }),
    ),
  }),
  { id: childId('private_dns_resolver_id', 'inboundEndpoints') },
);

export const outboundEndpoint = simple(
  ARM_TYPES.outboundEndpoint,
  (instance, context) => ({ subnet: ref(context.reference(instance, 'subnet_id')) }),
  { id: childId('private_dns_resolver_id', 'outboundEndpoints') },
);

export const forwardingRuleset = simple(RULESET, (instance, context) => {
  const endpoints = context.references(instance, 'private_dns_resolver_outbound_endpoint_ids');
  return { dnsResolverOutboundEndpoints: endpoints === UNKNOWN ? UNKNOWN : endpoints.map((e) => ({ id: e })) };
});

export const forwardingRule = simple(
  ARM_TYPES.forwardingRule,
  (instance, context) => {
    const a = context.attributes(instance);
    const enabled = a.get('enabled');
    return {
      domainName: a.get('domain_name'),
      targetDnsServers: mapBlocks(a.blocks('target_dns_servers'), (block) =>
        compact({ ipAddress: block.get('ip_address'), port: block.get('port') ?? 53 }),
      ),
      forwardingRuleState: enabled === UNKNOWN ? UNKNOWN : enabled === false ? 'Disabled' : 'Enabled',
    };
  },
  { id: childId('dns_forwarding_ruleset_id', 'forwardingRules') },
);

export const rulesetVnetLink = simple(
  ARM_TYPES.rulesetLink,
  (instance, context) => ({ virtualNetwork: ref(context.reference(instance, 'virtual_network_id')) }),
  { id: childId('dns_forwarding_ruleset_id', 'virtualNetworkLinks') },
);

/** azurerm_resource_group: no resource on the access path, but the parent id of what lives in it (azapi `parent_id`). */
export const resourceGroup: Mapper = {
  id: (instance, context) => {
    const name = known(context.attributes(instance).get('name')) ?? UNKNOWN_NAME;
    return `/subscriptions/${context.subscriptionFor(instance)}/resourceGroups/${name}`;
  },
  map: () => single([]),
};

/**
 * azurerm_role_assignment → Microsoft.Authorization/roleAssignments. `role_definition_name` of a built-in role
 * becomes its well-known definition id (built-in role ids are the same in every tenant).
 */
export const roleAssignment: Mapper = {
  id: (instance, context) => {
    const scope = context.reference(instance, 'scope');
    const name = known(context.attributes(instance).get('name')) ?? UNKNOWN_NAME;
    return isKnown(scope)
      ? `${scope.replace(/\/+$/, '')}/providers/Microsoft.Authorization/roleAssignments/${name}`
      : undefined;
  },
  map(instance, context, id) {
    const a = context.attributes(instance);
    const scope = context.reference(instance, 'scope');
    const definitionId = a.get('role_definition_id');
    const roleName = known(a.get('role_definition_name'));
    const builtIn = roleName
      ? BUILT_IN_ROLES.find((r) => r.roleName.toLowerCase() === roleName.toLowerCase())
      : undefined;
    const byName = builtIn
      ? `/subscriptions/${context.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${builtIn.id}`
      : UNKNOWN;
    return single([
      resource(
        instance,
        id,
        ARM_TYPES.roleAssignment,
        compact({
          scope,
          roleDefinitionId: typeof definitionId === 'string' ? definitionId : byName,
          principalId: a.get('principal_id'),
          principalType: a.get('principal_type'),
          condition: a.get('condition'),
        }),
      ),
    ]);
  },
};

/**
 * azurerm_monitor_diagnostic_setting → Microsoft.Insights/diagnosticSettings on its target. azurerm 4 writes
 * `enabled_log { category | category_group }`; azurerm 3 wrote `log { category, enabled }` as well.
 */
export const diagnosticSetting: Mapper = {
  id: (instance, context) => {
    const target = context.reference(instance, 'target_resource_id');
    const name = known(context.attributes(instance).get('name')) ?? UNKNOWN_NAME;
    return isKnown(target) ? `${target}/providers/Microsoft.Insights/diagnosticSettings/${name}` : undefined;
  },
  map(instance, context, id) {
    const a = context.attributes(instance);
    const enabledLogs = mapBlocks(a.blocks('enabled_log'), (block) =>
      compact({
        category: block.get('category') ?? null,
        categoryGroup: block.get('category_group') ?? null,
        enabled: true,
      }),
    );
    const legacyLogs = mapBlocks(a.blocks('log'), (block) =>
      compact({
        category: block.get('category') ?? null,
        categoryGroup: block.get('category_group') ?? null,
        enabled: block.get('enabled') ?? true,
      }),
    );
    const logs: JsonValue =
      enabledLogs === UNKNOWN || legacyLogs === UNKNOWN
        ? UNKNOWN
        : [...(enabledLogs as JsonValue[]), ...(legacyLogs as JsonValue[])];
    return single([
      resource(
        instance,
        id,
        ARM_TYPES.diagnosticSetting,
        compact({
          logs,
          workspaceId: a.get('log_analytics_workspace_id'),
          storageAccountId: a.get('storage_account_id'),
          eventHubAuthorizationRuleId: a.get('eventhub_authorization_rule_id'),
        }),
      ),
    ]);
  },
};

/**
 * azapi_resource: an ARM resource straight through. `type` is `Microsoft.X/y@api-version`; `body` is the
 * request body (an object in azapi 2.x, a JSON string in 1.x). A child type's id is its parent's plus the
 * last type segment and the name.
 */
export const azapiResource: Mapper = {
  id: (instance, context) => {
    const a = context.attributes(instance);
    const type = known(a.get('type'))?.split('@')[0];
    const parent = context.reference(instance, 'parent_id');
    const name = known(a.get('name')) ?? UNKNOWN_NAME;
    if (!type || !isKnown(parent)) return undefined;
    const segments = type.split('/');
    return segments.length > 2
      ? `${parent}/${segments[segments.length - 1]}/${name}`
      : `${parent}/providers/${type}/${name}`;
  },
  map(instance, context, id) {
    const a = context.attributes(instance);
    const type = known(a.get('type'))?.split('@')[0] ?? '';
    const raw = a.get('body');
    // A body known only after apply (built from other resources' outputs) is a resource the plan cannot show.
    if (raw === UNKNOWN) {
      return {
        resources: [],
        patches: [],
        notices: [`${instance.address}: body is known only after apply, ${type} not judged`],
      };
    }
    const body = typeof raw === 'string' ? parseBody(raw) : asObjectValue(raw);
    const properties = asObjectValue(body?.properties) ?? {};
    const extra: JsonObject = compact({ location: a.get('location') ?? body?.location });
    return single([resource(instance, id, type, { ...properties, provisioningState: 'Succeeded' }, extra)]);
  },
};

function asObjectValue(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function parseBody(text: string): JsonObject | undefined {
  try {
    const parsed = JSON.parse(text) as JsonValue;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
