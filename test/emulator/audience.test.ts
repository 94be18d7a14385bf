import { startEmulator, type RunningEmulator } from '../../src/emulator';
import { issueToken } from '../../src/emulator/identity';
import { rawRequest } from './support';

/**
 * ARM takes only tokens for its own audience, per cloud. The 401 body is ARM's, as quoted in
 * JetBrains/azure-tools-for-intellij#16 ("The access token has been obtained for wrong audience or resource
 * '…'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/',
 * 'https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.").
 */
const SUB = '00000000-0000-0000-0000-000000000001';
const LIST = `/subscriptions/${SUB}/resourcegroups?api-version=2022-09-01`;
const PRINCIPAL = '3f9e4f5a-7c6b-4b8e-9f1d-2a3b4c5d6e7f';
const seed = [
  {
    id: `/subscriptions/${SUB}/resourceGroups/rg1`,
    name: 'rg1',
    type: 'Microsoft.Resources/resourceGroups',
    location: 'westeurope',
  },
];

async function statusFor(emulator: RunningEmulator, audience: string): Promise<[number, string | undefined]> {
  const response = await rawRequest(emulator, LIST, { token: issueToken(audience, PRINCIPAL).accessToken });
  return [response.status, (response.body as { error?: { code: string } }).error?.code];
}

describe('ARM token audience', () => {
  let publicArm: RunningEmulator;
  let govArm: RunningEmulator;
  beforeAll(async () => {
    publicArm = await startEmulator({ seed, throttle: false });
    govArm = await startEmulator({ seed, throttle: false, cloud: 'AzureUSGovernment' });
  });
  afterAll(async () => {
    await publicArm.stop();
    await govArm.stop();
  });

  test.each([
    ['https://management.azure.com/', 200],
    ['https://management.azure.com', 200],
    ['https://management.core.windows.net/', 200],
    ['https://vault.azure.net', 401],
    ['https://graph.microsoft.com', 401],
    ['https://management.usgovcloudapi.net/', 401],
  ])('public cloud: a token for %s answers %d', async (audience, status) => {
    expect((await statusFor(publicArm, audience))[0]).toBe(status);
  });

  test('a Key Vault token: 401 InvalidAuthenticationTokenAudience with the allowed audiences and the challenge', async () => {
    const response = await rawRequest(publicArm, LIST, {
      token: issueToken('https://vault.azure.net', PRINCIPAL).accessToken,
    });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      error: {
        code: 'InvalidAuthenticationTokenAudience',
        message:
          "The access token has been obtained for wrong audience or resource 'https://vault.azure.net'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.",
      },
    });
    expect(response.headers['www-authenticate']).toMatch(
      /^Bearer authorization_uri="https:\/\/login\.windows\.net\/", error="invalid_token", error_description="The access token has been obtained for wrong audience/,
    );
  });

  test('US Government: its own ARM audience passes, the public one is refused', async () => {
    expect(await statusFor(govArm, 'https://management.usgovcloudapi.net/')).toEqual([200, undefined]);
    expect(await statusFor(govArm, 'https://management.azure.com/')).toEqual([
      401,
      'InvalidAuthenticationTokenAudience',
    ]);
    const response = await rawRequest(govArm, LIST);
    expect(response.headers['www-authenticate']).toMatch(
      /^Bearer authorization_uri="https:\/\/login\.microsoftonline\.us\/"/,
    );
  });
});
