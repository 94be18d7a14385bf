/**
 * Every published api-version of each type the emulator serves: ARM routes any of them to the provider
 * (a client on an older SDK, e.g. Microsoft's Python azure-mgmt-keyvault at 2022-07-01, must work). Source: the
 * `stable/<version>` and `preview/<version>` folders of Azure/azure-rest-api-specs, per resource provider:
 *   specification/keyvault/resource-manager/Microsoft.KeyVault/{stable,preview}/<v>/keyvault.json (managedHsm.json
 *     from 2020-04-01-preview; the TypeSpec project's `Versions` enum adds 2025-05-01 … 2026-05-15-preview);
 *   specification/network/resource-manager/Microsoft.Network/stable/<v>/ (privateEndpoint.json from 2019-04-01,
 *     zone groups from 2020-03-01);
 *   specification/privatedns/resource-manager/Microsoft.Network/stable/<v>/privatedns.json;
 *   specification/monitor/resource-manager/Microsoft.Insights/preview/<v>/diagnosticsSettings_API.json;
 *   specification/authorization/resource-manager/Microsoft.Authorization/{stable,preview}/<v>/authorization-RoleBasedCalls.json
 *     and authorization-RoleDefinitionsCalls.json;
 *   specification/resources/resource-manager/Microsoft.Resources/stable/<v>/resources.json and subscriptions.json.
 * Ordered newest first within each list except that the first entry is the version the installed SDK sends.
 */
export const KEYVAULT_VERSIONS = [
  '2026-02-01',
  '2026-05-15-preview',
  '2026-04-01',
  '2026-04-01-preview',
  '2026-03-01-preview',
  '2025-05-01',
  '2024-12-01-preview',
  '2024-11-01',
  '2024-04-01-preview',
  '2023-07-01',
  '2023-02-01',
  '2022-11-01',
  '2022-07-01',
  '2022-02-01-preview',
  '2021-11-01-preview',
  '2021-10-01',
  '2021-06-01-preview',
  '2021-04-01-preview',
  '2020-04-01-preview',
  '2019-09-01',
  '2018-02-14',
  '2018-02-14-preview',
  '2016-10-01',
  '2015-06-01',
];

/** Managed HSMs (managedHsm.json) exist from 2020-04-01-preview. */
export const MANAGED_HSM_VERSIONS = KEYVAULT_VERSIONS.filter((v) => v >= '2020-04-01');

const NETWORK_ALL = [
  '2026-01-01',
  '2025-07-01',
  '2025-05-01',
  '2025-03-01',
  '2025-01-01',
  '2024-10-01',
  '2024-07-01',
  '2024-05-01',
  '2024-03-01',
  '2024-01-01',
  '2023-11-01',
  '2023-09-01',
  '2023-06-01',
  '2023-05-01',
  '2023-04-01',
  '2023-02-01',
  '2022-11-01',
  '2022-09-01',
  '2022-07-01',
  '2022-05-01',
  '2022-01-01',
  '2021-08-01',
  '2021-05-01',
  '2021-03-01',
  '2021-02-01',
  '2020-11-01',
  '2020-08-01',
  '2020-07-01',
  '2020-06-01',
  '2020-05-01',
  '2020-04-01',
  '2020-03-01',
  '2019-12-01',
  '2019-11-01',
  '2019-09-01',
  '2019-08-01',
  '2019-07-01',
  '2019-06-01',
  '2019-04-01',
  '2019-02-01',
  '2018-12-01',
  '2018-11-01',
  '2018-10-01',
  '2018-08-01',
  '2018-07-01',
  '2018-06-01',
  '2018-04-01',
  '2018-02-01',
  '2018-01-01',
  '2017-11-01',
  '2017-10-01',
  '2017-09-01',
  '2017-08-01',
  '2017-06-01',
  '2017-03-01',
  '2016-12-01',
  '2016-09-01',
  '2016-06-01',
  '2016-03-30',
  '2015-06-15',
];

/** VNets, subnets, NICs, peerings: every Network version. */
export const NETWORK_VERSIONS = NETWORK_ALL;
export const PRIVATE_ENDPOINT_VERSIONS = NETWORK_ALL.filter((v) => v >= '2019-04-01');
export const ZONE_GROUP_VERSIONS = NETWORK_ALL.filter((v) => v >= '2020-03-01');
export const PRIVATE_DNS_VERSIONS = ['2024-06-01', '2020-06-01', '2020-01-01', '2018-09-01'];
export const DIAGNOSTIC_SETTINGS_VERSIONS = ['2021-05-01-preview', '2017-05-01-preview'];
export const ROLE_ASSIGNMENT_VERSIONS = [
  '2022-04-01',
  '2020-10-01-preview',
  '2020-08-01-preview',
  '2020-04-01-preview',
  '2020-03-01-preview',
  '2018-09-01-preview',
  '2018-01-01-preview',
  '2015-07-01',
];
export const ROLE_DEFINITION_VERSIONS = ['2022-04-01', '2022-05-01-preview', '2018-01-01-preview', '2015-07-01'];
/** 2015-11-01 first: arm-keyvault's Vaults.list calls the generic resource list at it. */
export const RESOURCES_VERSIONS = [
  '2015-11-01',
  '2024-03-01',
  '2023-07-01',
  '2022-09-01',
  '2021-04-01',
  '2021-01-01',
  '2020-10-01',
  '2020-08-01',
  '2020-06-01',
  '2019-10-01',
  '2019-08-01',
  '2019-07-01',
  '2019-05-10',
  '2019-05-01',
  '2019-03-01',
  '2018-05-01',
  '2018-02-01',
  '2017-05-10',
  '2016-09-01',
  '2016-07-01',
  '2016-02-01',
];
export const SUBSCRIPTION_VERSIONS = [
  '2022-12-01',
  '2021-01-01',
  '2020-01-01',
  '2019-11-01',
  '2019-06-01',
  '2018-06-01',
  '2016-06-01',
];

/**
 * ARM's api-version syntax: a date, optionally with a `-preview`-style suffix. Anything else is malformed
 * (400 InvalidApiVersionParameter); a well-formed version a type was never published at is refused by the
 * provider lookup (400 NoRegisteredProviderFound, "No registered resource provider found for location … and API
 * version … for type …. The supported api-versions are …").
 */
export function isWellFormedApiVersion(version: string): boolean {
  return /^\d{4}-\d{2}-\d{2}(-[a-z]+)?$/i.test(version);
}
