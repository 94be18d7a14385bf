import { tokenAudience } from '../../rules/token-audience';
import { healthyPath, modify } from '../../src/fixtures/scenario';
import { makeToken } from '../token/make-token';
import { ruleTester } from '../support/rule-tester';

const path = healthyPath();
const vaultId = path.ids.vault;
const withUri = (uri: string) =>
  modify(path.resources, vaultId, (v) => {
    if (v.properties) v.properties.vaultUri = uri;
    return v;
  });
const token = (aud: unknown) => ({ token: makeToken({ aud }) });
const fix = 'request the token for https://vault.azure.net (scope https://vault.azure.net/.default)';

ruleTester(tokenAudience, [
  {
    name: 'the public cloud vault audience',
    resources: path.resources,
    caller: token('https://vault.azure.net'),
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: 'token audience https://vault.azure.net is the data-plane resource of kv-payments-prod (AzureCloud)',
      },
    ],
  },
  {
    name: 'one of several audiences',
    resources: path.resources,
    caller: token(['https://graph.microsoft.com', 'https://vault.azure.net']),
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: 'token audience https://vault.azure.net is the data-plane resource of kv-payments-prod (AzureCloud)',
      },
    ],
  },
  {
    name: 'a trailing slash',
    resources: path.resources,
    caller: token('https://vault.azure.net/'),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `token audience https://vault.azure.net/ has a trailing slash; kv-payments-prod accepts exactly https://vault.azure.net: ${fix}`,
      },
    ],
  },
  {
    name: "Azure Resource Manager's audience",
    resources: path.resources,
    caller: token('https://management.azure.com/'),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `token audience https://management.azure.com/ is Azure Resource Manager's audience (AzureCloud), not Key Vault's; kv-payments-prod (AzureCloud) expects https://vault.azure.net: ${fix}`,
      },
    ],
  },
  {
    name: 'the US Government audience for a public cloud vault',
    resources: path.resources,
    caller: token('https://vault.usgovcloudapi.net'),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `token audience https://vault.usgovcloudapi.net is the key vault audience of AzureUSGovernment; kv-payments-prod (AzureCloud) expects https://vault.azure.net: ${fix}`,
      },
    ],
  },
  {
    name: 'the public audience for a US Government vault',
    resources: withUri('https://kv-payments-prod.vault.usgovcloudapi.net/'),
    caller: token('https://vault.azure.net'),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message:
          'token audience https://vault.azure.net is the key vault audience of AzureCloud; kv-payments-prod (AzureUSGovernment) expects https://vault.usgovcloudapi.net: request the token for https://vault.usgovcloudapi.net (scope https://vault.usgovcloudapi.net/.default)',
      },
    ],
  },
  {
    name: 'an unrelated audience',
    resources: path.resources,
    caller: token('api://my-app'),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message: `token audience api://my-app is not a Key Vault audience; kv-payments-prod (AzureCloud) expects https://vault.azure.net: ${fix}`,
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
  {
    name: 'a token that is not a JWT',
    resources: path.resources,
    caller: { token: 'not-a-token' },
    expected: [
      {
        outcome: 'error',
        resourceId: vaultId,
        message:
          'the caller token cannot be decoded: the token has 1 part separated by dots; a JWT has three (header.payload.signature)',
      },
    ],
  },
  {
    name: 'a vault whose cloud is unknown',
    resources: withUri('https://kv-payments-prod.example.com/'),
    caller: token('https://vault.azure.net'),
    expected: [
      {
        outcome: 'error',
        resourceId: vaultId,
        message:
          'kv-payments-prod has no recognizable vaultUri (https://kv-payments-prod.example.com/), so its cloud and token audience are unknown',
      },
    ],
  },
]);
