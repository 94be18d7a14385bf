/**
 * The clouds the emulator can play, its own table (the product's cloud module is the code under test).
 * Data-plane host suffixes and audiences:
 * https://learn.microsoft.com/azure/key-vault/general/authentication-requests-and-responses and
 * https://learn.microsoft.com/azure/private-link/private-endpoint-dns#security. ARM's endpoint and the
 * audiences it accepts (the `https://management.core...` one is the classic Service Management audience ARM
 * still takes): https://learn.microsoft.com/azure/azure-government/compare-azure-government-global-azure#guidance-for-developers
 * and https://learn.microsoft.com/azure/china/resources-developer-guide.
 */
export type EmulatedCloud = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';
export type VaultKind = 'vault' | 'managedHsm';

export interface EmulatedCloudProfile {
  vaultSuffix: string;
  managedHsmSuffix: string;
  vaultZone: string;
  managedHsmZone: string;
  vaultAudience: string;
  managedHsmAudience: string;
  /** ARM's own audience; tokens for it (with or without the trailing slash) are accepted. */
  resourceManager: string;
  /** Other audiences ARM accepts in this cloud. */
  otherArmAudiences: readonly string[];
  authorityHost: string;
  sts: string;
}

export const EMULATED_CLOUDS: Record<EmulatedCloud, EmulatedCloudProfile> = {
  AzureCloud: {
    vaultSuffix: 'vault.azure.net',
    managedHsmSuffix: 'managedhsm.azure.net',
    vaultZone: 'privatelink.vaultcore.azure.net',
    managedHsmZone: 'privatelink.managedhsm.azure.net',
    vaultAudience: 'https://vault.azure.net',
    managedHsmAudience: 'https://managedhsm.azure.net',
    resourceManager: 'https://management.azure.com/',
    otherArmAudiences: ['https://management.core.windows.net/'],
    authorityHost: 'https://login.microsoftonline.com',
    sts: 'https://sts.windows.net',
  },
  AzureUSGovernment: {
    vaultSuffix: 'vault.usgovcloudapi.net',
    managedHsmSuffix: 'managedhsm.usgovcloudapi.net',
    vaultZone: 'privatelink.vaultcore.usgovcloudapi.net',
    managedHsmZone: 'privatelink.managedhsm.usgovcloudapi.net',
    vaultAudience: 'https://vault.usgovcloudapi.net',
    managedHsmAudience: 'https://managedhsm.usgovcloudapi.net',
    resourceManager: 'https://management.usgovcloudapi.net/',
    otherArmAudiences: ['https://management.core.usgovcloudapi.net/'],
    authorityHost: 'https://login.microsoftonline.us',
    sts: 'https://sts.windows.net',
  },
  AzureChinaCloud: {
    vaultSuffix: 'vault.azure.cn',
    managedHsmSuffix: 'managedhsm.azure.cn',
    vaultZone: 'privatelink.vaultcore.azure.cn',
    managedHsmZone: 'privatelink.managedhsm.azure.cn',
    vaultAudience: 'https://vault.azure.cn',
    managedHsmAudience: 'https://managedhsm.azure.cn',
    resourceManager: 'https://management.chinacloudapi.cn/',
    otherArmAudiences: ['https://management.core.chinacloudapi.cn/'],
    authorityHost: 'https://login.chinacloudapi.cn',
    sts: 'https://sts.chinacloudapi.cn',
  },
};

export const EMULATED_CLOUD_NAMES = Object.keys(EMULATED_CLOUDS) as EmulatedCloud[];

export function dataPlaneAudience(cloud: EmulatedCloud, kind: VaultKind): string {
  const profile = EMULATED_CLOUDS[cloud];
  return kind === 'managedHsm' ? profile.managedHsmAudience : profile.vaultAudience;
}

const withoutSlash = (audience: string): string => audience.replace(/\/+$/, '').toLowerCase();

/** True when ARM in `cloud` takes a token for `audience` (a trailing slash does not matter). */
export function isArmAudience(cloud: EmulatedCloud, audience: string): boolean {
  const profile = EMULATED_CLOUDS[cloud];
  return [profile.resourceManager, ...profile.otherArmAudiences].some(
    (a) => withoutSlash(a) === withoutSlash(audience),
  );
}

/** ARM's allowed audiences as its 401 lists them: each with and without the trailing slash. */
export function armAudiences(cloud: EmulatedCloud): string[] {
  const profile = EMULATED_CLOUDS[cloud];
  return [...profile.otherArmAudiences, profile.resourceManager].flatMap((a) => [a, a.replace(/\/+$/, '')]);
}

/** ARM's challenge names the login host of the cloud (login.windows.net in the public cloud). */
export function authorizationUri(cloud: EmulatedCloud): string {
  return cloud === 'AzureCloud' ? 'https://login.windows.net/' : `${EMULATED_CLOUDS[cloud].authorityHost}/`;
}

/** Token issuers of a tenant in a cloud (v1 and v2 endpoints). */
export function issuersFor(cloud: EmulatedCloud, tenantId: string): string[] {
  const profile = EMULATED_CLOUDS[cloud];
  return [
    `${profile.sts}/${tenantId}/`,
    `${profile.authorityHost}/${tenantId}/v2.0`,
    `${profile.authorityHost}/${tenantId}/`,
  ];
}
