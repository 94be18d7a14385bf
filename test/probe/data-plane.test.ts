import { request } from 'node:https';
import { TENANT } from '../../src/fixtures/arm-factory';
import { dataPlaneHostNames, parseDataPlaneHost } from '../../src/emulator/data-plane';
import type { RunningEmulator } from '../../src/emulator';
import { emulatorWithIdentity } from '../emulator/support';
import { OTHER_TENANT, probeEstate } from './support/estate';

/** The emulator's Key Vault data plane: vault by Host/SNI, Key Vault's 401 challenge, audience/issuer checks, firewall. */
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await emulatorWithIdentity(probeEstate().emulatorSeed, { dataPlane: true });
});
afterAll(() => emulator.stop());

async function token(resource: string): Promise<string> {
  const url = new URL(emulator.identityEndpoint);
  url.searchParams.set('api-version', '2019-08-01');
  url.searchParams.set('resource', resource);
  const response = await fetch(url, { headers: { 'X-IDENTITY-HEADER': emulator.identityHeader } });
  return ((await response.json()) as { access_token: string }).access_token;
}

function get(
  host: string,
  path: string,
  bearer?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: unknown }> {
  const { port } = new URL(emulator.dataPlaneEndpoint ?? '');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        servername: host,
        headers: { host, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        ca: emulator.caCertPem,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('emulator data plane', () => {
  it('parses vault hosts of every cloud and kind, and nothing else', () => {
    expect(parseDataPlaneHost('KV1.vault.azure.net:443')).toEqual({ name: 'kv1', kind: 'vault', cloud: 'AzureCloud' });
    expect(parseDataPlaneHost('kv1.privatelink.vaultcore.azure.net')).toEqual({
      name: 'kv1',
      kind: 'vault',
      cloud: 'AzureCloud',
    });
    expect(parseDataPlaneHost('hsm1.managedhsm.usgovcloudapi.net')).toEqual({
      name: 'hsm1',
      kind: 'managedHsm',
      cloud: 'AzureUSGovernment',
    });
    expect(parseDataPlaneHost('kv1.vault.azure.cn')).toEqual({ name: 'kv1', kind: 'vault', cloud: 'AzureChinaCloud' });
    expect(parseDataPlaneHost('management.azure.com')).toBeUndefined();
    expect(parseDataPlaneHost('a.b.vault.azure.net')).toBeUndefined();
    expect(dataPlaneHostNames()).toEqual(
      expect.arrayContaining([
        '*.vault.azure.net',
        '*.privatelink.vaultcore.azure.net',
        '*.managedhsm.azure.net',
        '*.privatelink.managedhsm.azure.net',
        '*.vault.usgovcloudapi.net',
        '*.vault.azure.cn',
      ]),
    );
  });

  it("answers 401 with Key Vault's challenge naming the vault's tenant, on the public and the privatelink name", async () => {
    for (const host of ['kv-payments-prod.vault.azure.net', 'kv-payments-prod.privatelink.vaultcore.azure.net']) {
      const answer = await get(host, '/secrets?api-version=7.5');
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBe(
        `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="https://vault.azure.net"`,
      );
      expect(answer.body).toEqual({
        error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' },
      });
    }
    const moved = await get('kv-moved.vault.azure.net', '/secrets?api-version=7.5');
    expect(moved.headers['www-authenticate']).toBe(
      `Bearer authorization="https://login.microsoftonline.com/${OTHER_TENANT}", resource="https://vault.azure.net"`,
    );
  });

  it('answers 404 for a host that is no vault of the seed', async () => {
    const answer = await get('kv-nowhere.vault.azure.net', '/secrets?api-version=7.5');
    expect(answer).toMatchObject({
      status: 404,
      body: { error: { code: 'NotFound', message: "No vault answers at host 'kv-nowhere.vault.azure.net'." } },
    });
  });

  it('lists with a token for the vault audience when the firewall admits the caller', async () => {
    const answer = await get(
      'kv-open.vault.azure.net',
      '/secrets?api-version=7.5&maxresults=1',
      await token('https://vault.azure.net'),
    );
    expect(answer).toMatchObject({ status: 200, body: { value: [], nextLink: null } });
    expect(answer.headers['x-ms-keyvault-network-info']).toBe(
      'conn_type=Ipv4;addr=127.0.0.1;act_addr_fam=InterNetwork;',
    );
  });

  it("refuses with Key Vault's 403 bodies: ForbiddenByFirewall, ForbiddenByConnection", async () => {
    const bearer = await token('https://vault.azure.net');
    const firewall = await get('kv-firewalled.vault.azure.net', '/secrets?api-version=7.5', bearer);
    expect(firewall.status).toBe(403);
    expect(firewall.body).toEqual({
      error: {
        code: 'Forbidden',
        message: `Client address is not authorized and caller is not a trusted service.\r\nClient address: 127.0.0.1\r\nCaller: appid=3f9e4f5a-7c6b-4b8e-9f1d-2a3b4c5d6e7f;oid=3f9e4f5a-7c6b-4b8e-9f1d-2a3b4c5d6e7f;iss=https://sts.windows.net/${TENANT}/\r\nVault: kv-firewalled;location=westeurope`,
        innererror: { code: 'ForbiddenByFirewall' },
      },
    });
    const disabled = await get('kv-payments-prod.vault.azure.net', '/secrets?api-version=7.5', bearer);
    expect(disabled).toMatchObject({
      status: 403,
      body: { error: { code: 'Forbidden', innererror: { code: 'ForbiddenByConnection' } } },
    });
    expect((disabled.body as { error: { message: string } }).error.message).toMatch(
      /^Public network access is disabled and request is not from a trusted service nor via an approved private link\.\r\n/,
    );
  });

  it('checks the audience (AKV10022) and the issuer (AKV10032) as Key Vault does', async () => {
    const arm = await get(
      'kv-open.vault.azure.net',
      '/secrets?api-version=7.5',
      await token('https://management.azure.com/'),
    );
    expect(arm).toMatchObject({
      status: 401,
      body: {
        error: {
          code: 'Unauthorized',
          message:
            'AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://management.azure.com/.',
        },
      },
    });
    const moved = await get(
      'kv-moved.vault.azure.net',
      '/secrets?api-version=7.5',
      await token('https://vault.azure.net'),
    );
    expect(moved.status).toBe(401);
    expect((moved.body as { error: { message: string } }).error.message).toBe(
      `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${OTHER_TENANT}/, https://login.microsoftonline.com/${OTHER_TENANT}/v2.0, https://login.microsoftonline.com/${OTHER_TENANT}/, found https://sts.windows.net/${TENANT}/.`,
    );
  });
});
