/**
 * Sovereign clouds use their own DNS suffixes, private DNS zone names and token audiences.
 * Zone names: https://learn.microsoft.com/azure/private-link/private-endpoint-dns#security
 * Audiences: https://learn.microsoft.com/azure/key-vault/general/authentication-requests-and-responses
 */
export type CloudName = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';

/** A standard vault (`Microsoft.KeyVault/vaults`) or a Managed HSM (`Microsoft.KeyVault/managedHSMs`). */
export type VaultKind = 'vault' | 'managedHsm';

export interface CloudProfile {
  name: CloudName;
  /** DNS suffix of vault data-plane hosts, e.g. `vault.azure.net`. */
  vaultSuffix: string;
  managedHsmSuffix: string;
  vaultZone: string;
  managedHsmZone: string;
  vaultAudience: string;
  managedHsmAudience: string;
  resourceManager: string;
  authorityHost: string;
}

export const CLOUDS: Record<CloudName, CloudProfile> = {
  AzureCloud: {
    name: 'AzureCloud',
    vaultSuffix: 'vault.azure.net',
    managedHsmSuffix: 'managedhsm.azure.net',
    vaultZone: 'privatelink.vaultcore.azure.net',
    managedHsmZone: 'privatelink.managedhsm.azure.net',
    vaultAudience: 'https://vault.azure.net',
    managedHsmAudience: 'https://managedhsm.azure.net',
    resourceManager: 'https://management.azure.com',
    authorityHost: 'https://login.microsoftonline.com',
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    vaultSuffix: 'vault.usgovcloudapi.net',
    managedHsmSuffix: 'managedhsm.usgovcloudapi.net',
    vaultZone: 'privatelink.vaultcore.usgovcloudapi.net',
    managedHsmZone: 'privatelink.managedhsm.usgovcloudapi.net',
    vaultAudience: 'https://vault.usgovcloudapi.net',
    managedHsmAudience: 'https://managedhsm.usgovcloudapi.net',
    resourceManager: 'https://management.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    vaultSuffix: 'vault.azure.cn',
    managedHsmSuffix: 'managedhsm.azure.cn',
    vaultZone: 'privatelink.vaultcore.azure.cn',
    managedHsmZone: 'privatelink.managedhsm.azure.cn',
    vaultAudience: 'https://vault.azure.cn',
    managedHsmAudience: 'https://managedhsm.azure.cn',
    resourceManager: 'https://management.chinacloudapi.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
  },
};

export const CLOUD_NAMES = Object.keys(CLOUDS) as CloudName[];

/** Infers cloud and kind from a `vaultUri` / `hsmUri`; undefined when the host matches no known cloud. */
export function inferCloud(uri: string | undefined): { cloud: CloudName; kind: VaultKind } | undefined {
  if (!uri) return undefined;
  let host: string;
  try {
    host = new URL(uri).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  for (const profile of Object.values(CLOUDS)) {
    if (host.endsWith(`.${profile.vaultSuffix}`)) return { cloud: profile.name, kind: 'vault' };
    if (host.endsWith(`.${profile.managedHsmSuffix}`)) return { cloud: profile.name, kind: 'managedHsm' };
  }
  return undefined;
}

export function requiredZoneName(cloud: CloudName, kind: VaultKind): string {
  return kind === 'managedHsm' ? CLOUDS[cloud].managedHsmZone : CLOUDS[cloud].vaultZone;
}

export function dataPlaneAudience(cloud: CloudName, kind: VaultKind): string {
  return kind === 'managedHsm' ? CLOUDS[cloud].managedHsmAudience : CLOUDS[cloud].vaultAudience;
}

/** Every zone name any cloud or kind would require: used to spot a zone meant for another cloud. */
export function allRequiredZoneNames(): string[] {
  return CLOUD_NAMES.flatMap((c) => [CLOUDS[c].vaultZone, CLOUDS[c].managedHsmZone]);
}
