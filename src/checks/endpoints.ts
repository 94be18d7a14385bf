import { idKey, parseId, sameId } from '../model/arm';
import { compareIds, type Estate } from '../model/estate';
import { absenceOf, scopeToAdd } from './evidence';
import type {
  ConnectionState,
  EndpointConnection,
  PrivateEndpoint,
  Vault,
  VaultPrivateEndpointConnection,
} from '../model/types';

/**
 * One private endpoint's link to a vault, seen from both ends. The vault lists its connections in
 * `privateEndpointConnections`; the endpoint lists its own (manual ones show Pending on the endpoint
 * before the vault's owner acts, and the vault may not list them yet). Rules KV101-KV103 report once per link.
 * https://learn.microsoft.com/azure/private-link/manage-private-endpoint
 */
export interface PrivateLink {
  /** The endpoint's id as the vault names it, else as the endpoint has it. */
  endpointId: string;
  endpointName: string;
  /** Undefined when the endpoint is outside the audited scope. */
  endpoint: PrivateEndpoint | undefined;
  /** The vault's connection for this endpoint, when the vault lists one. */
  vaultConnection: VaultPrivateEndpointConnection | undefined;
  /** The endpoint's own connection that targets the vault. */
  endpointConnection: EndpointConnection | undefined;
  /** Where results about the link are reported: the vault's connection when it lists one, else the endpoint. */
  resourceId: string;
}

/** Links per vault, per estate (read-only once built): six rules ask for every vault's links (issue 15's engine budget). */
const linksMemo = new WeakMap<Estate, WeakMap<Vault, readonly PrivateLink[]>>();

/** Every private endpoint link of a vault, one per endpoint, sorted by `resourceId`. */
export function privateLinksOf(estate: Estate, vault: Vault): PrivateLink[] {
  let byVault = linksMemo.get(estate);
  if (!byVault) linksMemo.set(estate, (byVault = new WeakMap()));
  let links = byVault.get(vault);
  if (!links) byVault.set(vault, (links = computeLinks(estate, vault)));
  return [...links];
}

function computeLinks(estate: Estate, vault: Vault): PrivateLink[] {
  const links = new Map<string, PrivateLink>();
  for (const connection of vault.privateEndpointConnections) {
    const endpointId = connection.privateEndpointId ?? connection.id;
    const key = idKey(endpointId);
    if (links.has(key)) continue;
    const endpoint = connection.privateEndpointId
      ? estate.privateEndpoints.get(connection.privateEndpointId)
      : undefined;
    links.set(key, {
      endpointId,
      endpointName: endpoint?.name ?? parseId(endpointId).name,
      endpoint,
      vaultConnection: connection,
      endpointConnection: endpoint ? connectionTo(endpoint, vault) : undefined,
      resourceId: connection.id || endpointId,
    });
  }
  for (const endpoint of estate.endpointsOf(vault).endpoints) {
    const key = idKey(endpoint.id);
    if (links.has(key)) continue;
    links.set(key, {
      endpointId: endpoint.id,
      endpointName: endpoint.name,
      endpoint,
      vaultConnection: undefined,
      endpointConnection: connectionTo(endpoint, vault),
      resourceId: endpoint.id,
    });
  }
  return [...links.values()].sort((a, b) => compareIds(a.resourceId, b.resourceId));
}

/** The endpoint's connection whose target is the vault (ids compare case-insensitively). */
export function connectionTo(endpoint: PrivateEndpoint, vault: Vault): EndpointConnection | undefined {
  return endpoint.connections.find((c) => sameId(c.privateLinkServiceId, vault.id));
}

/** `Pending ("Please approve")`, or just `Pending` when the state carries no description. */
export function describeState(state: ConnectionState): string {
  return state.description ? `${state.status} ("${state.description}")` : state.status;
}

/** ARM enum values compare case-insensitively. */
export function isSucceeded(provisioningState: string | undefined): boolean {
  return (provisioningState ?? '').toLowerCase() === 'succeeded';
}

/** `endpoint`, `endpoints`: the plural of a counted noun. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Approved and not Pending/Rejected/Disconnected (ARM compares states case-insensitively). */
export function isApproved(status: string | undefined): boolean {
  return (status ?? '').toLowerCase() === 'approved';
}

/** The states a private link reports, the vault's side first. */
export function linkStates(link: PrivateLink): ConnectionState[] {
  return [link.vaultConnection?.state, link.endpointConnection?.state].filter(
    (s): s is ConnectionState => s !== undefined && s.status !== '',
  );
}

/** A link carries traffic only when every side that reports a state says Approved. */
export function isLinkApproved(link: PrivateLink): boolean {
  const states = linkStates(link);
  return states.length > 0 && states.every((s) => isApproved(s.status));
}

/** The status to quote for a link: the first side that is not Approved, else Approved. */
export function linkStatus(link: PrivateLink): string {
  const states = linkStates(link);
  return (states.find((s) => !isApproved(s.status)) ?? states[0])?.status ?? 'unknown';
}

/**
 * What the evidence says of one link's downstream hops (the endpoint's NIC, its DNS zone group, the zone,
 * links and A record it feeds):
 * - `carries`: the endpoint is collected and no side refuses the connection: judge the hops;
 * - `blocked`: a side is Pending, Rejected or Disconnected: no traffic flows through it, so its hops are
 *   `skipped` and KV102 alone fails (one cause, one failure);
 * - `not-collected`: the connection is Approved but its endpoint was not collected: `unreadable` (another
 *   tenant's, a Data Factory or Synapse managed endpoint) is skipped everywhere; otherwise KV103 reports
 *   `error` naming the scope to add and the other rules skip it. Every other link is judged on its own.
 * https://learn.microsoft.com/azure/private-link/manage-private-endpoint
 */
export type LinkTraffic =
  | { kind: 'carries'; link: PrivateLink; endpoint: PrivateEndpoint }
  | { kind: 'blocked'; link: PrivateLink; reason: string }
  | { kind: 'not-collected'; link: PrivateLink; unreadable: boolean; reason: string };

export function trafficOf(estate: Estate, link: PrivateLink): LinkTraffic {
  const refused = linkStates(link).find((s) => !isApproved(s.status));
  if (refused) {
    return {
      kind: 'blocked',
      link,
      reason: `connection ${link.endpointName} is ${refused.status}: no traffic flows through it (KV102 reports it)`,
    };
  }
  if (link.endpoint) return { kind: 'carries', link, endpoint: link.endpoint };
  const unreadable = absenceOf(estate, link.endpointId).kind === 'unreadable';
  return {
    kind: 'not-collected',
    link,
    unreadable,
    reason: `private endpoint ${link.endpointId} of connection ${link.endpointName} was not collected: ${scopeToAdd(estate, link.endpointId)}${unreadable ? "; a managed private endpoint (Data Factory, Synapse) or another tenant's endpoint is not judged" : ''}`,
  };
}

/** Every link of a vault with what its evidence allows. */
export function linkTraffic(estate: Estate, vault: Vault): LinkTraffic[] {
  return privateLinksOf(estate, vault).map((link) => trafficOf(estate, link));
}

/** The collected endpoints that carry the vault's traffic (Approved or unstated, collected), sorted by id. */
export function carryingEndpoints(estate: Estate, vault: Vault): PrivateEndpoint[] {
  return linkTraffic(estate, vault)
    .flatMap((t) => (t.kind === 'carries' ? [t.endpoint] : []))
    .sort((a, b) => compareIds(a.id, b.id));
}

/** Why the vault's DNS path is not judged: no link carries traffic kvguard can see (undefined when one does). */
export function noTrafficReason(vault: Vault, traffic: readonly LinkTraffic[]): string | undefined {
  if (traffic.some((t) => t.kind === 'carries')) return undefined;
  const reasons = traffic.map((t) => (t.kind === 'carries' ? '' : t.reason));
  return `no private endpoint connection of ${vault.name} carries traffic kvguard can judge: ${reasons.join('; ')}`;
}
