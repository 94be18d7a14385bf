import { tokenTenant } from '../../rules/token-tenant';
import { TENANT } from '../../src/fixtures/arm-factory';
import { healthyPath, modify } from '../../src/fixtures/scenario';
import { OTHER_TENANT, makeToken } from '../token/make-token';
import { ruleTester } from '../support/rule-tester';

const path = healthyPath();
const vaultId = path.ids.vault;
const token = (overrides: Record<string, unknown>) => ({ token: makeToken(overrides) });
const chinaVault = modify(path.resources, vaultId, (v) => {
  if (v.properties) v.properties.vaultUri = 'https://kv-payments-prod.vault.azure.cn/';
  return v;
});
const noTenant = modify(path.resources, vaultId, (v) => {
  delete v.properties?.tenantId;
  return v;
});

ruleTester(tokenTenant, [
  {
    name: 'a v1 token from the vault tenant',
    resources: path.resources,
    caller: token({}),
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: `token tenant ${TENANT} (issuer https://sts.windows.net/${TENANT}/) is the tenant of kv-payments-prod`,
      },
    ],
  },
  {
    name: 'a v2 token from the vault tenant',
    resources: path.resources,
    caller: token({ iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, ver: '2.0' }),
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: `token tenant ${TENANT} (issuer https://login.microsoftonline.com/${TENANT}/v2.0) is the tenant of kv-payments-prod`,
      },
    ],
  },
  {
    name: 'another tenant: AKV10032',
    resources: path.resources,
    caller: token({ tid: OTHER_TENANT, iss: `https://sts.windows.net/${OTHER_TENANT}/` }),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `token tenant ${OTHER_TENANT} is not the tenant of kv-payments-prod (${TENANT}): Key Vault answers 401 AKV10032 "Invalid issuer"; get the token from https://login.microsoftonline.com/${TENANT} (az login --tenant ${TENANT})`,
      },
    ],
  },
  {
    name: 'the right tid with an issuer of another tenant',
    resources: path.resources,
    caller: token({ iss: `https://sts.windows.net/${OTHER_TENANT}/` }),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `token issuer https://sts.windows.net/${OTHER_TENANT}/ is not an issuer of tenant ${TENANT} in AzureCloud (expected https://sts.windows.net/${TENANT}/ or https://login.microsoftonline.com/${TENANT}/v2.0): Key Vault answers 401 AKV10032 "Invalid issuer"; get the token from https://login.microsoftonline.com/${TENANT}`,
      },
    ],
  },
  {
    name: 'a public cloud issuer for a China cloud vault',
    resources: chinaVault,
    caller: token({ aud: 'https://vault.azure.cn' }),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `token issuer https://sts.windows.net/${TENANT}/ is not an issuer of tenant ${TENANT} in AzureChinaCloud (expected https://sts.chinacloudapi.cn/${TENANT}/ or https://login.chinacloudapi.cn/${TENANT}/v2.0): Key Vault answers 401 AKV10032 "Invalid issuer"; get the token from https://login.chinacloudapi.cn/${TENANT}`,
      },
    ],
  },
  {
    name: 'no tid claim: the issuer names the tenant',
    resources: path.resources,
    caller: { token: makeToken({}, ['tid']) },
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: `token tenant ${TENANT} (issuer https://sts.windows.net/${TENANT}/) is the tenant of kv-payments-prod`,
      },
    ],
  },
  {
    name: 'a vault without tenantId',
    resources: noTenant,
    caller: token({}),
    expected: [
      {
        outcome: 'error',
        resourceId: vaultId,
        message: "kv-payments-prod has no tenantId, so the token's tenant cannot be compared",
      },
    ],
  },
  {
    name: 'no token',
    resources: path.resources,
    expected: [
      {
        outcome: 'skipped',
        resourceId: vaultId,
        message: "no caller token given (kvguard token explain, or the caller profile's token)",
      },
    ],
  },
]);
