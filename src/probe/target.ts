import { endpointAddresses, isActiveLink, isApproved } from '../checks/access-path';
import { CLOUDS, type CloudName, dataPlaneAudience, inferCloud, requiredZoneName } from '../model/cloud';
import type { Estate } from '../model/estate';
import type { Vault, VaultKind } from '../model/types';
import type { EstateView, ProbeTarget } from './types';
import { lastSegment } from '../model/arm';

/** Host names of a vault (or managed HSM) in a cloud: its public name and its privatelink alias. */
function names(label: string, kind: VaultKind, cloud: CloudName): Omit<ProbeTarget, 'estate'> {
  const profile = CLOUDS[cloud];
  const zoneName = requiredZoneName(cloud, kind);
  const suffix = kind === 'managedHsm' ? profile.managedHsmSuffix : profile.vaultSuffix;
  return {
    vaultName: label,
    kind,
    cloud,
    fqdn: `${label}.${suffix}`,
    privateLinkFqdn: `${label}.${zoneName}`,
    zoneName,
    audience: dataPlaneAudience(cloud, kind),
  };
}

/**
 * Without an estate: `--vault kv1` is `kv1.vault.azure.net` in `cloud`; a full host name
 * (`hsm1.managedhsm.azure.net`, `kv1.vault.usgovcloudapi.net`) says its own cloud and kind.
 */
export function targetFromName(vault: string, cloud: CloudName): ProbeTarget | undefined {
  const value = vault.trim().toLowerCase().replace(/\.$/, '');
  if (value.includes('.')) {
    const inferred = inferCloud(`https://${value}/`);
    const label = value.split('.')[0] ?? '';
    return inferred && /^[a-z0-9-]+$/.test(label) ? names(label, inferred.kind, inferred.cloud) : undefined;
  }
  return /^[a-z0-9-]+$/.test(value) ? names(value, 'vault', cloud) : undefined;
}

/** The vault named `name` (case-insensitive; vault names are global DNS labels) and what the estate says of its path. */
export function targetFromEstate(estate: Estate, name: string): ProbeTarget | undefined {
  const wanted = name.trim().toLowerCase().split('.')[0];
  const vault = estate.allVaults().find((v) => v.name.toLowerCase() === wanted);
  if (!vault) return undefined;
  const cloud = vault.cloud ?? inferCloud(vault.uri)?.cloud ?? 'AzureCloud';
  const base = names(vault.name.toLowerCase(), vault.kind, cloud);
  const host = vault.uri ? safeHost(vault.uri) : undefined;
  return { ...base, ...(host ? { fqdn: host } : {}), estate: estateView(estate, vault, base.zoneName) };
}

function safeHost(uri: string): string | undefined {
  try {
    return new URL(uri).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function estateView(estate: Estate, vault: Vault, zoneName: string): EstateView {
  const endpoints = estate.endpointsOf(vault).endpoints;
  const label = vault.name.toLowerCase();
  return {
    vaultId: vault.id,
    tenantId: vault.tenantId,
    publicNetworkAccess: vault.publicNetworkAccess,
    approvedEndpoint: vault.privateEndpointConnections.some((c) => isApproved(c.state?.status)),
    endpointAddresses: endpointAddresses(estate, endpoints).addresses,
    zones: estate.zonesNamed(zoneName).map((zone) => ({
      id: zone.id,
      recordAddresses: estate.aRecord(zone.id, label)?.addresses,
      linkedVnets: estate
        .linksOf(zone.id)
        .filter(isActiveLink)
        .map((link) => (link.virtualNetworkId ? lastSegment(link.virtualNetworkId) : link.name)),
    })),
  };
}

/**
 * Whether the answer must be the private endpoint: the flag when given, else when the estate says the vault
 * is reachable only through an approved private endpoint (public network access Disabled).
 */
export function expectsPrivate(target: ProbeTarget, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  const view = target.estate;
  return Boolean(view?.approvedEndpoint && (view.publicNetworkAccess ?? '').toLowerCase() === 'disabled');
}
