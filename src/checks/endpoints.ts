import { idKey, parseId, sameId } from '../model/arm';
import { compareIds, type Estate } from '../model/estate';
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

/** Every private endpoint link of a vault, one per endpoint, sorted by `resourceId`. */
export function privateLinksOf(estate: Estate, vault: Vault): PrivateLink[] {
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
