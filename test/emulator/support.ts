import type { TokenCredential } from '@azure/identity';
import type { ArmResource } from '../../src/model/arm';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator';
import { useEmulatorIdentity } from '../../src/emulator/identity-env';

/**
 * Starts an emulator and points the managed-identity environment at it, as a user's shell would
 * (IDENTITY_ENDPOINT / IDENTITY_HEADER), so the SDKs authenticate through the normal credential chain;
 * stop() puts the environment back.
 */
export async function emulatorWithIdentity(
  seed: ArmResource[],
  options: Partial<EmulatorOptions> = {},
): Promise<RunningEmulator> {
  const emulator = await startEmulator({ seed, throttle: false, ...options });
  const restoreIdentity = useEmulatorIdentity(emulator);
  return {
    ...emulator,
    stop: async () => {
      restoreIdentity();
      await emulator.stop();
    },
  };
}

export async function credential(): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential();
}

/**
 * Client options that reach the emulator: its endpoint, its CA, ARM's token scope (as the collector sets it:
 * arm-keyvault would otherwise ask for `${endpoint}/.default`, which ARM refuses), and no retry waits longer
 * than the test needs.
 */
export function clientOptions(emulator: RunningEmulator): {
  endpoint: string;
  credentials: { scopes: string[] };
  credentialScopes: string[];
  tlsOptions: { ca: string };
  retryOptions: { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number };
} {
  return {
    endpoint: emulator.endpoint,
    credentials: { scopes: ['https://management.azure.com/.default'] },
    // arm-authorization 9 (core-client) reads its scope from `credentialScopes`.
    credentialScopes: ['https://management.azure.com/.default'],
    tlsOptions: { ca: emulator.caCertPem },
    retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
  };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** A raw HTTPS request to the emulator (for what the SDKs hide: headers, bodies, missing tokens). */
export async function rawRequest(
  emulator: RunningEmulator,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: unknown }> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const url = new URL(path, emulator.endpoint);
    const request = https.request(
      url,
      {
        method: init.method ?? 'GET',
        ca: emulator.caCertPem,
        headers: {
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          'content-type': 'application/json',
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: text ? JSON.parse(text) : undefined,
          });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    if (init.body !== undefined) request.write(JSON.stringify(init.body));
    request.end();
  });
}

/** A token from the emulator's identity endpoint, fetched the way App Service's endpoint is called. */
export async function token(emulator: RunningEmulator, principalId?: string): Promise<string> {
  const url = new URL(emulator.identityEndpoint);
  url.searchParams.set('api-version', '2019-08-01');
  url.searchParams.set('resource', 'https://management.azure.com/');
  if (principalId) url.searchParams.set('principal_id', principalId);
  const response = await fetch(url, { headers: { 'X-IDENTITY-HEADER': emulator.identityHeader } });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

export const SECRETS_USER_ROLE = '4633458b-17de-408a-b874-0445c86b69e6';
export const ASSIGNEE = '9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';

/**
 * Two healthy paths sharing the hub (so every list has at least two items and pages at pageSize 1),
 * a managed HSM, and an RBAC role assignment with its built-in role definition.
 */
export async function testEstate(): Promise<{
  resources: ArmResource[];
  first: import('../../src/fixtures/scenario').Path;
  second: import('../../src/fixtures/scenario').Path;
}> {
  const { healthyPath, spokePath, SPOKE_SUB } = await import('../../src/fixtures/scenario');
  const arm = await import('../../src/fixtures/arm-factory');
  const first = healthyPath();
  const second = spokePath({ vaultName: 'kv-orders-prod', spokeOctet: 2 });
  const hsm = arm.managedHsm({ subscriptionId: SPOKE_SUB, resourceGroup: 'rg-payments', name: 'hsm-payments' });
  const roleDefinitionId = `/subscriptions/${SPOKE_SUB}/providers/Microsoft.Authorization/roleDefinitions/${SECRETS_USER_ROLE}`;
  const roleDefinition: ArmResource = {
    id: roleDefinitionId,
    name: SECRETS_USER_ROLE,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: 'Key Vault Secrets User',
      type: 'BuiltInRole',
      description: 'Read secret contents.',
      assignableScopes: ['/'],
      permissions: [
        {
          actions: [],
          notActions: [],
          dataActions: [
            'Microsoft.KeyVault/vaults/secrets/getSecret/action',
            'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
          ],
          notDataActions: [],
        },
      ],
    },
  };
  const assignment: ArmResource = {
    id: `${first.ids.vault}/providers/Microsoft.Authorization/roleAssignments/0d5e8a4c-1b2c-4d3e-9f40-5a6b7c8d9e0f`,
    name: '0d5e8a4c-1b2c-4d3e-9f40-5a6b7c8d9e0f',
    type: 'Microsoft.Authorization/roleAssignments',
    properties: { roleDefinitionId, principalId: ASSIGNEE, principalType: 'ServicePrincipal', scope: first.ids.vault },
  };
  return { resources: [...first.resources, ...second.resources, hsm, roleDefinition, assignment], first, second };
}
