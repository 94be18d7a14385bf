import { ipInAnyRange } from '../src/checks/cidr';
import {
  EndpointPath,
  bypassLabel,
  bypassesAzureServices,
  defaultActionOf,
  isPublicAccessDisabled,
  keyVaultServiceEndpoint,
  nameOf,
  privateEndpointPath,
  publicAccessLabel,
  virtualNetworkRuleFor,
} from '../src/checks/firewall';
import { renderHops } from '../src/checks/reach';
import { error, fail, pass, skip } from '../src/engine/result';
import type { Rule, RuleContext, RuleResult } from '../src/engine/types';
import { JsonObject, sameId } from '../src/model/arm';
import type { CallerProfile } from '../src/model/caller';
import type { Vault } from '../src/model/types';

/**
 * Whether the vault's network settings let the caller in, evaluated in the service's order: private endpoint
 * traffic first (the firewall never applies to it), then publicNetworkAccess, then networkAcls (trusted
 * services, virtual network rules, IP rules). The message names the clause that decided.
 * https://learn.microsoft.com/azure/key-vault/general/network-security
 */
export const firewallAllowsCaller: Rule = {
  meta: {
    id: 'KV301',
    name: 'firewall-allows-caller',
    title: "The vault's firewall lets the caller in",
    severity: 'error',
    link: 'firewall',
    appliesTo: ['vault', 'managedHsm'],
    remediation:
      'Reach the vault through its private endpoint, or add the caller: az keyvault network-rule add --name <vault> --ip-address <ip>/32 (or --subnet <subnet id>)',
  },
  defaults: {},
  check(context) {
    const path = privateEndpointPath(context.estate, context.vault, context.caller);
    const decision = decide(context, path);
    return [{ ...decision.result, evidence: { clause: decision.clause, ...inputsOf(context, path) } }];
  },
};

type Clause =
  | 'private-endpoint'
  | 'public-network-access'
  | 'trusted-service'
  | 'default-action-allow'
  | 'virtual-network-rule'
  | 'ip-rule'
  | 'default-deny'
  | 'caller-unknown'
  | 'subnet-out-of-scope';

interface Decision {
  clause: Clause;
  result: RuleResult;
}

const UNKNOWN_CALLER = 'give --caller-ip or --caller-subnet';

function decide({ estate, vault, caller }: RuleContext, path: EndpointPath): Decision {
  const id = vault.id;
  if (path.reached) {
    const { link, endpointVnetId, route } = path.reached;
    const callerVnetId = path.callerSource === 'vnet' ? path.callerVnetId : undefined;
    const who = callerVnetId ? `the caller in ${nameOf(callerVnetId)}` : 'the caller';
    // Hops between the caller and the endpoint: a plain peering keeps the short form.
    const between = (route?.hops ?? []).slice(1, -1).filter((h) => !h.label.startsWith('NSG '));
    const routed = between.some((h) => !h.label.startsWith('peering'));
    const via = routed
      ? ` via ${between.map((h) => h.label).join(' → ')}`
      : callerVnetId && endpointVnetId && !sameId(callerVnetId, endpointVnetId)
        ? ` over peering with ${nameOf(endpointVnetId)}`
        : '';
    const assumed = (route?.assumptions ?? []).map((a) => `; ${a.text}`).join('');
    return {
      clause: 'private-endpoint',
      result: pass(
        id,
        `allowed: ${who} reaches ${vault.name} through private endpoint ${link.endpointName} (Approved)${via}; the firewall does not apply to private endpoint traffic${assumed}`,
      ),
    };
  }
  const trustedAdmitted = caller.trustedService && bypassesAzureServices(vault);
  const trustedRefused =
    caller.trustedService && !trustedAdmitted
      ? `the caller is a trusted Microsoft service but bypass is ${bypassLabel(vault)}`
      : undefined;
  if (isPublicAccessDisabled(vault)) {
    if (path.callerSource === 'default' && path.links.length === 0) {
      return {
        clause: 'caller-unknown',
        result: skip(
          id,
          `cannot evaluate: ${vault.name} has no private endpoint for the default caller (a client in the endpoint's VNet) to use; ${UNKNOWN_CALLER}`,
        ),
      };
    }
    if (trustedAdmitted) {
      return {
        clause: 'trusted-service',
        result: pass(
          id,
          `allowed: the caller is a trusted Microsoft service and bypass is AzureServices; the trusted-services exception stays available with publicNetworkAccess Disabled`,
        ),
      };
    }
    if (path.unknown) return undecided(vault, path.unknown);
    // The caller's only way in is a private endpoint whose connection is refused: that is KV102's one cause.
    if (path.blockedBy === 'approval' && !trustedRefused) {
      return {
        clause: 'public-network-access',
        result: skip(
          id,
          `publicNetworkAccess is Disabled and the caller's only path is a private endpoint that carries no traffic (${path.blocked ?? ''}): KV102 reports it`,
        ),
      };
    }
    const why = reasons(path.blocked, trustedRefused);
    return {
      clause: 'public-network-access',
      result: fail(
        id,
        `denied: publicNetworkAccess is Disabled and the caller does not come through the private endpoint${why}`,
      ),
    };
  }
  if (defaultActionOf(vault) === 'Allow') {
    const acls = vault.networkAcls
      ? 'networkAcls.defaultAction is Allow'
      : `${vault.name} has no networkAcls (defaultAction Allow)`;
    return {
      clause: 'default-action-allow',
      result: pass(
        id,
        `allowed: publicNetworkAccess is ${publicAccessLabel(vault)} and ${acls}: the firewall admits every public caller`,
      ),
    };
  }
  if (trustedAdmitted) {
    return {
      clause: 'trusted-service',
      result: pass(
        id,
        'allowed: the caller is a trusted Microsoft service and bypass is AzureServices (defaultAction Deny)',
      ),
    };
  }
  const denied = defaultDeny(estate, vault, caller, path, trustedRefused);
  return denied.result.outcome === 'fail' && path.unknown ? undecided(vault, path.unknown) : denied;
}

/** The public path refuses the caller and the private path could not be judged: say which hop, never fail. */
function undecided(vault: Vault, unknown: NonNullable<EndpointPath['unknown']>): Decision {
  const message = `cannot evaluate: the private endpoint path ${unknown.path} stops at a hop kvguard cannot judge: ${unknown.reason}`;
  return {
    clause: 'private-endpoint',
    result: unknown.outOfScope ? error(unknown.resourceId, message) : skip(unknown.resourceId, message),
  };
}

/** defaultAction Deny: a virtual network rule or an IP rule must admit the caller. */
function defaultDeny(
  estate: RuleContext['estate'],
  vault: Vault,
  caller: CallerProfile,
  path: EndpointPath,
  trustedRefused: string | undefined,
): Decision {
  const id = vault.id;
  const notes: string[] = [];
  let outOfScope: string | undefined;
  if (caller.subnetId) {
    const subnetName = nameOf(caller.subnetId);
    const rule = virtualNetworkRuleFor(vault, caller.subnetId);
    const subnet = estate.subnets.get(caller.subnetId);
    const endpoint = subnet ? keyVaultServiceEndpoint(subnet).kind : undefined;
    if (rule && endpoint === 'ready') {
      return {
        clause: 'virtual-network-rule',
        result: pass(
          id,
          `allowed: subnet ${subnetName} is in virtualNetworkRules and has the Microsoft.KeyVault service endpoint`,
        ),
      };
    }
    if (endpoint === 'ready') {
      // A service endpoint switches the subnet's source addresses from public to private, so ipRules stop matching.
      // https://learn.microsoft.com/azure/virtual-network/virtual-network-service-endpoints-overview
      const message = `denied: Client in subnet ${subnetName} is not authorized and caller is not a trusted service (subnet ${subnetName} is not in virtualNetworkRules; its Microsoft.KeyVault service endpoint makes its traffic arrive from the VNet, so ipRules do not apply)`;
      return { clause: 'default-deny', result: fail(id, message) };
    }
    if (rule && !subnet) outOfScope = caller.subnetId;
    else if (rule)
      notes.push(
        `subnet ${subnetName} is in virtualNetworkRules but has no provisioned Microsoft.KeyVault service endpoint, so the rule admits nothing`,
      );
    else notes.push(`subnet ${subnetName} is not in virtualNetworkRules`);
  }
  const ipRules = vault.networkAcls?.ipRules ?? [];
  const matches = caller.ips.map((ip) => ({ ip, rule: ipInAnyRange(ip, ipRules) }));
  const uncovered = matches.filter((m) => m.rule === undefined).map((m) => m.ip);
  if (matches.length > 0 && uncovered.length === 0) {
    const list = matches.map((m) => `caller address ${m.ip} matches ipRule ${m.rule ?? ''}`).join('; ');
    return { clause: 'ip-rule', result: pass(id, `allowed: ${list}`) };
  }
  if (outOfScope) {
    return {
      clause: 'subnet-out-of-scope',
      result: error(
        id,
        `cannot evaluate: subnet ${outOfScope} is in virtualNetworkRules but not in the audited scope, so its Microsoft.KeyVault service endpoint cannot be checked`,
      ),
    };
  }
  if (caller.ips.length === 0 && !caller.subnetId) {
    if (trustedRefused)
      return {
        clause: 'default-deny',
        result: fail(id, `denied: ${trustedRefused}, so defaultAction Deny refuses it`),
      };
    return {
      clause: 'caller-unknown',
      result: skip(
        id,
        `cannot evaluate: defaultAction is Deny and the caller has no private endpoint path, IP or subnet to match${reasons(path.blocked)}; ${UNKNOWN_CALLER}`,
      ),
    };
  }
  for (const m of matches) if (m.rule) notes.push(`${m.ip} matches ipRule ${m.rule}`);
  if (caller.ips.length > 0) notes.push(ipRules.length > 0 ? `ipRules: ${ipRules.join(', ')}` : 'no ipRules');
  else if (caller.subnetId) notes.push('no caller IP given');
  if (trustedRefused) notes.push(trustedRefused);
  if (path.blocked) notes.push(path.blocked);
  const client =
    uncovered.length > 1
      ? `Client addresses ${uncovered.join(', ')} are`
      : uncovered.length === 1
        ? `Client address ${uncovered[0]} is`
        : caller.subnetId
          ? `Client in subnet ${nameOf(caller.subnetId)} is`
          : 'Client is';
  return {
    clause: 'default-deny',
    result: fail(id, `denied: ${client} not authorized and caller is not a trusted service${reasons(...notes)}`),
  };
}

function reasons(...parts: (string | undefined)[]): string {
  const present = parts.filter((p): p is string => p !== undefined);
  return present.length > 0 ? ` (${present.join('; ')})` : '';
}

/** The inputs the decision read, as evidence. */
function inputsOf({ vault, caller }: RuleContext, path: EndpointPath): JsonObject {
  const callerInputs: JsonObject = {
    source: path.callerSource,
    ips: caller.ips,
    trustedService: caller.trustedService,
  };
  if (caller.subnetId) callerInputs.subnetId = caller.subnetId;
  if (path.callerVnetId) callerInputs.vnetId = path.callerVnetId;
  const evidence: JsonObject = {
    caller: callerInputs,
    publicNetworkAccess: publicAccessLabel(vault),
    defaultAction: defaultActionOf(vault),
    bypass: bypassLabel(vault),
    ipRules: vault.networkAcls?.ipRules ?? [],
    virtualNetworkRules: (vault.networkAcls?.virtualNetworkRules ?? []).map((r) => r.id),
    privateEndpoints: path.links.map((l) => l.endpointId),
  };
  if (path.reached) evidence.privateEndpoint = path.reached.link.endpointId;
  if (path.reached?.route) evidence.path = renderHops(path.reached.route.hops);
  if (path.unknown) evidence.path = path.unknown.path;
  if (path.blockedRoute) evidence.path = path.blockedRoute;
  if (path.blocked) evidence.privateEndpointBlocked = path.blocked;
  return evidence;
}
