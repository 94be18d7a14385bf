import { idKey, parentId, parseId } from '../model/arm';
import type { CallerProfile } from '../model/caller';
import type { Estate } from '../model/estate';
import type { ServiceEndpoint, Subnet, Vault, VirtualNetworkRule } from '../model/types';
import { callerNetworks } from './access-path';
import { PrivateLink, isLinkApproved, linkStatus, privateLinksOf } from './endpoints';
import { type Reach, reach, renderHops } from './reach';

/**
 * Reads of a vault's network settings with the service's defaults applied, shared by the firewall rules
 * (KV301-KV304). ARM enum values compare case-insensitively.
 * https://learn.microsoft.com/azure/key-vault/general/network-security
 */

/** `publicNetworkAccess` defaults to Enabled when the vault does not set it. */
export function isPublicAccessDisabled(vault: Vault): boolean {
  return (vault.publicNetworkAccess ?? '').toLowerCase() === 'disabled';
}

/** `Disabled`, `Enabled`, or `not set (Enabled)`: how messages quote the setting. */
export function publicAccessLabel(vault: Vault): string {
  return vault.publicNetworkAccess ?? 'not set (Enabled)';
}

/** Without `networkAcls` the firewall admits every public caller (defaultAction Allow). */
export function defaultActionOf(vault: Vault): 'Allow' | 'Deny' {
  return (vault.networkAcls?.defaultAction ?? 'Allow').toLowerCase() === 'deny' ? 'Deny' : 'Allow';
}

/** `bypass` defaults to AzureServices; it may be a comma-separated list. */
export function bypassesAzureServices(vault: Vault): boolean {
  const bypass = vault.networkAcls?.bypass ?? 'AzureServices';
  return bypass.split(',').some((b) => b.trim().toLowerCase() === 'azureservices');
}

export function bypassLabel(vault: Vault): string {
  return vault.networkAcls?.bypass ?? 'not set (AzureServices)';
}

/** The vault's virtual network rule for a subnet. The service lower-cases the ids it stores. */
export function virtualNetworkRuleFor(vault: Vault, subnetId: string): VirtualNetworkRule | undefined {
  return vault.networkAcls?.virtualNetworkRules.find((rule) => idKey(rule.id) === idKey(subnetId));
}

export type ServiceEndpointState =
  { kind: 'ready'; endpoint: ServiceEndpoint } | { kind: 'not-ready'; endpoint: ServiceEndpoint } | { kind: 'missing' };

/**
 * A virtual network rule admits a subnet's traffic only when the subnet has the Microsoft.KeyVault service
 * endpoint, provisioned.
 * https://learn.microsoft.com/azure/key-vault/general/overview-vnet-service-endpoints
 */
export function keyVaultServiceEndpoint(subnet: Subnet): ServiceEndpointState {
  const endpoint = subnet.serviceEndpoints.find((se) => se.service.toLowerCase() === 'microsoft.keyvault');
  if (!endpoint) return { kind: 'missing' };
  const succeeded = (endpoint.provisioningState ?? 'Succeeded').toLowerCase() === 'succeeded';
  return { kind: succeeded ? 'ready' : 'not-ready', endpoint };
}

// Moved to endpoints.ts (the evidence helpers need them below the firewall); kept importable from here.
export { isLinkApproved, linkStates, linkStatus } from './endpoints';

/** The last segment of an ARM id: how messages name a resource. */
export function nameOf(id: string): string {
  return parseId(id).name;
}

/** How the caller can (or cannot) reach a vault through its private endpoints. */
export interface EndpointPath {
  /** `default`: DESIGN 2.2's client in the endpoint's own VNet; `vnet`: the caller's VNet; `none`: an internet caller. */
  callerSource: 'default' | 'vnet' | 'none';
  callerVnetId: string | undefined;
  /** The Approved link the caller reaches, and the endpoint VNet it routes to. */
  reached: { link: PrivateLink; endpointVnetId: string | undefined; route?: Reach } | undefined;
  /** Why no endpoint carries the caller's traffic, when the vault has endpoints. */
  blocked: string | undefined;
  /** The route that stopped, hop by hop, when a hop blocks the caller (`... → peering ✗`). */
  blockedRoute?: string;
  /** `approval`: the endpoints the caller would use are all refused (Pending, Rejected, Disconnected): KV102's cause. */
  blockedBy?: 'approval' | 'route';
  /** The path to an endpoint could not be judged (a hop ARM does not show, or out of scope). */
  unknown?: { reason: string; resourceId: string; outOfScope: boolean; path: string };
  links: PrivateLink[];
}

/**
 * Private endpoint traffic is never subject to the vault's firewall: it only needs a route from the caller's
 * VNet to the endpoint (the same VNet or a Connected peering) and an Approved connection.
 * https://learn.microsoft.com/azure/key-vault/general/private-link-service
 */
export function privateEndpointPath(estate: Estate, vault: Vault, caller: CallerProfile): EndpointPath {
  const links = privateLinksOf(estate, vault);
  const networks = callerNetworks(estate, vault, caller);
  const base = { links, reached: undefined, blocked: undefined };
  if (networks.source === 'none') return { ...base, callerSource: 'none', callerVnetId: undefined };
  if (networks.source === 'default') {
    // The default caller sits in each endpoint's own VNet: any Approved endpoint carries it.
    const approved = links.find(isLinkApproved);
    const endpointVnetId = approved?.endpoint?.subnetId ? parentId(approved.endpoint.subnetId) : undefined;
    if (approved)
      return {
        ...base,
        callerSource: 'default',
        callerVnetId: endpointVnetId,
        reached: { link: approved, endpointVnetId },
      };
    const blocked = notApproved(links);
    return {
      ...base,
      callerSource: 'default',
      callerVnetId: undefined,
      blocked,
      ...(blocked ? { blockedBy: 'approval' as const } : {}),
    };
  }
  const callerVnetId = networks.vnetIds[0];
  const routes = links.map((link) => ({ link, route: routeTo(estate, callerVnetId, caller.subnetId, link) }));
  const routed = routes.filter((r) => r.route?.kind === 'reached');
  const approved = routed.find((r) => isLinkApproved(r.link));
  if (approved)
    return {
      ...base,
      callerSource: 'vnet',
      callerVnetId,
      reached: { link: approved.link, endpointVnetId: endpointVnetOf(approved.link), route: approved.route },
    };
  if (routed.length > 0) {
    const refused = notApproved(routed.map((r) => r.link));
    return {
      ...base,
      callerSource: 'vnet',
      callerVnetId,
      blocked: refused,
      ...(refused ? { blockedBy: 'approval' as const } : {}),
    };
  }
  const stopped = routes.map((r) => r.route).filter((r): r is Reach => r !== undefined);
  const unknown = stopped.find((r): r is Extract<Reach, { kind: 'unknown' }> => r.kind === 'unknown');
  const blockedRoutes = stopped.filter((r): r is Extract<Reach, { kind: 'blocked' }> => r.kind === 'blocked');
  const reasons = blockedRoutes.filter((r) => !r.noRoute).map((r) => r.reason);
  const blocked = reasons.length > 0 ? reasons.join('; ') : noRoute(callerVnetId, links);
  return {
    ...base,
    callerSource: 'vnet',
    callerVnetId,
    blocked: unknown ? undefined : blocked,
    blockedRoute:
      !unknown && reasons.length > 0 && blockedRoutes[0] ? `${renderHops(blockedRoutes[0].hops)} ✗` : undefined,
    unknown: unknown
      ? {
          reason: unknown.reason,
          resourceId: unknown.resourceId,
          outOfScope: unknown.outOfScope,
          path: renderHops(unknown.hops),
        }
      : undefined,
  };
}

/**
 * The caller's route to an endpoint's NIC address (TCP 443), or undefined when the endpoint is not in the
 * audited scope or names no subnet.
 */
function routeTo(
  estate: Estate,
  callerVnetId: string | undefined,
  subnetId: string | undefined,
  link: PrivateLink,
): Reach | undefined {
  const endpoint = link.endpoint;
  if (!callerVnetId || !endpoint?.subnetId) return undefined;
  const address =
    estate
      .nicsOf(endpoint)
      .nics.flatMap((nic) => nic.ipConfigurations.map((c) => c.privateIPAddress))
      .find((a): a is string => a !== undefined) ?? endpoint.customDnsConfigs.flatMap((c) => c.ipAddresses)[0];
  if (!address) return undefined;
  return reach(estate, subnetId ? { vnetId: callerVnetId, subnetId } : { vnetId: callerVnetId }, {
    ip: address,
    port: 443,
    protocol: 'Tcp',
    label: `endpoint ${address}`,
    subnetId: endpoint.subnetId,
  });
}

function endpointVnetOf(link: PrivateLink): string | undefined {
  return link.endpoint?.subnetId ? parentId(link.endpoint.subnetId) : undefined;
}

function notApproved(links: readonly PrivateLink[]): string | undefined {
  if (links.length === 0) return undefined;
  return links.map((link) => `private endpoint ${link.endpointName} is ${linkStatus(link)}, not Approved`).join('; ');
}

function noRoute(callerVnetId: string | undefined, links: readonly PrivateLink[]): string | undefined {
  if (links.length === 0 || callerVnetId === undefined) return undefined;
  const targets = links.map((link) => {
    const vnetId = endpointVnetOf(link);
    return vnetId
      ? `${link.endpointName} in ${nameOf(vnetId)}`
      : `${link.endpointName}, which is not in the audited scope`;
  });
  return `VNet ${nameOf(callerVnetId)} has no route to private endpoint ${targets.join(', ')}: not the same VNet and no Connected peering`;
}
