import { TENANT } from '../../src/fixtures/arm-factory';
import { healthyPath, remove } from '../../src/fixtures/scenario';
import { buildEstate } from '../../src/model/estate';
import { dnsFindings } from '../../src/probe/dns-verdict';
import { expectsPrivate, targetFromEstate, targetFromName } from '../../src/probe/target';
import type { ProbeTarget, Resolution } from '../../src/probe/types';
import { challengeFindings, parseChallenge, ruleIds } from '../../src/probe/verdicts';

/** The probe's pure parts: the target from an estate or a name, DNS verdicts the end-to-end tests leave out, challenges. */
const KV = 'kv-payments-prod';
const FQDN = `${KV}.vault.azure.net`;
const PRIVATE_LINK = `${KV}.privatelink.vaultcore.azure.net`;
const answer = (chain: string[], addresses: string[]): Resolution => ({
  ok: true,
  server: '10.0.0.4',
  chain,
  addresses,
});

function healthyTarget(): ProbeTarget {
  const target = targetFromEstate(buildEstate(healthyPath().resources), KV.toUpperCase());
  if (!target) throw new Error('no target');
  return target;
}

describe('probe target', () => {
  it('reads the path the estate describes', () => {
    const target = healthyTarget();
    expect(target).toEqual({
      vaultName: KV,
      kind: 'vault',
      cloud: 'AzureCloud',
      fqdn: FQDN,
      privateLinkFqdn: PRIVATE_LINK,
      zoneName: 'privatelink.vaultcore.azure.net',
      audience: 'https://vault.azure.net',
      estate: {
        vaultId: `/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/${KV}`,
        tenantId: TENANT,
        publicNetworkAccess: 'Disabled',
        approvedEndpoint: true,
        endpointAddresses: ['10.1.1.4'],
        zones: [
          {
            id: '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-hub-dns/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net',
            recordAddresses: ['10.1.1.4'],
            linkedVnets: ['vnet-hub', `vnet-spoke-${KV}`],
          },
        ],
      },
    });
    expect(expectsPrivate(target, undefined)).toBe(true);
    expect(expectsPrivate(target, false)).toBe(false);
  });

  it('takes a name or a host name without an estate, in any cloud and kind', () => {
    expect(targetFromName('KV1', 'AzureUSGovernment')).toEqual({
      vaultName: 'kv1',
      kind: 'vault',
      cloud: 'AzureUSGovernment',
      fqdn: 'kv1.vault.usgovcloudapi.net',
      privateLinkFqdn: 'kv1.privatelink.vaultcore.usgovcloudapi.net',
      zoneName: 'privatelink.vaultcore.usgovcloudapi.net',
      audience: 'https://vault.usgovcloudapi.net',
    });
    expect(targetFromName('hsm1.managedhsm.azure.net', 'AzureCloud')).toMatchObject({
      vaultName: 'hsm1',
      kind: 'managedHsm',
      privateLinkFqdn: 'hsm1.privatelink.managedhsm.azure.net',
      audience: 'https://managedhsm.azure.net',
    });
    expect(targetFromName('kv1.example.com', 'AzureCloud')).toBeUndefined();
    expect(targetFromName('kv 1', 'AzureCloud')).toBeUndefined();
    expect(expectsPrivate(targetFromName('kv1', 'AzureCloud') as ProbeTarget, undefined)).toBe(false);
  });
});

describe('DNS verdicts', () => {
  it('warns when the endpoint address comes without the privatelink CNAME (KV201)', () => {
    expect(dnsFindings(healthyTarget(), answer([FQDN], ['10.1.1.4']), true, 5000)).toEqual([
      {
        step: 'dns',
        code: 'dns-no-privatelink-cname',
        outcome: 'warn',
        message: `${FQDN} → A 10.1.1.4: the private endpoint's address, but not through ${PRIVATE_LINK}: a zone named after the public name (or a hosts file entry) overrides it instead of privatelink.vaultcore.azure.net, and breaks when the endpoint's address changes, see KV201`,
        rules: ['KV201'],
      },
    ]);
  });

  it('fails a private answer for a vault without endpoint, and a public one where no zone exists (KV202)', () => {
    const resources = healthyPath().resources;
    const path = healthyPath();
    const withoutZone = targetFromEstate(
      buildEstate(
        remove(resources, path.ids.zone).filter((r) => !r.id.toLowerCase().startsWith(path.ids.zone.toLowerCase())),
      ),
      KV,
    ) as ProbeTarget;
    expect(
      dnsFindings(
        withoutZone,
        answer([FQDN, PRIVATE_LINK, 'data-prod-weu.vaultcore.azure.net'], ['52.174.34.10']),
        true,
        5000,
      ),
    ).toEqual([
      {
        step: 'dns',
        code: 'dns-public-address',
        outcome: 'fail',
        message: `${FQDN} → CNAME ${PRIVATE_LINK} → CNAME data-prod-weu.vaultcore.azure.net → A 52.174.34.10: a public address where the private endpoint's address (10.1.1.4) was expected: no zone privatelink.vaultcore.azure.net exists in the estate, so nothing answers the privatelink name privately, see KV202`,
        rules: ['KV202', 'KV203'],
      },
    ]);
    const withoutEndpoint = targetFromEstate(
      buildEstate(remove(remove(resources, path.ids.endpoint), path.ids.nic)),
      KV,
    ) as ProbeTarget;
    expect(withoutEndpoint.estate?.endpointAddresses).toEqual([]);
    expect(dnsFindings(withoutEndpoint, answer([FQDN, PRIVATE_LINK], ['10.1.1.4']), true, 5000)).toEqual([
      {
        step: 'dns',
        code: 'dns-private-address-without-endpoint',
        outcome: 'fail',
        message: `${FQDN} → CNAME ${PRIVATE_LINK} → A 10.1.1.4: a private address, but the vault has no private endpoint in the estate: the A record in privatelink.vaultcore.azure.net is left over from a deleted endpoint, see KV101 and KV205`,
        rules: ['KV101', 'KV205'],
      },
    ]);
  });

  it('without an estate: a private answer passes with a hint, a public one passes', () => {
    const bare = targetFromName(KV, 'AzureCloud') as ProbeTarget;
    expect(dnsFindings(bare, answer([FQDN, PRIVATE_LINK], ['10.1.1.4']), false, 5000)[0]).toMatchObject({
      code: 'dns-private-address',
      outcome: 'pass',
    });
    expect(dnsFindings(bare, answer([FQDN], ['52.174.34.10']), false, 5000)[0]).toEqual({
      step: 'dns',
      code: 'dns-public-address',
      outcome: 'pass',
      message: `${FQDN} → A 52.174.34.10: a public address; the vault is reached over its public endpoint`,
      rules: [],
    });
  });
});

describe('challenge', () => {
  it("parses Key Vault's challenge, and the scope form", () => {
    expect(
      parseChallenge(
        `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="https://vault.azure.net"`,
      ),
    ).toEqual({
      authorization: `https://login.microsoftonline.com/${TENANT}`,
      resource: 'https://vault.azure.net',
      tenantId: TENANT,
    });
    expect(
      parseChallenge(
        `Bearer authorization="https://login.microsoftonline.com/${TENANT}", scope="https://managedhsm.azure.net/.default"`,
      ),
    ).toMatchObject({ resource: 'https://managedhsm.azure.net' });
    expect(parseChallenge('Basic realm="proxy"')).toBeUndefined();
    expect(parseChallenge(undefined)).toBeUndefined();
  });

  it('fails a challenge for another resource (KV401) and an answer without challenge', () => {
    const target = healthyTarget();
    const arm = challengeFindings(
      target,
      {
        kind: 'response',
        status: 401,
        headers: {
          'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="https://management.azure.com/"`,
        },
        body: '',
      },
      '10.1.1.4:443',
      5000,
    );
    expect(arm.findings[1]).toEqual({
      step: 'challenge',
      code: 'challenge-resource-mismatch',
      outcome: 'fail',
      message:
        'the challenge asks for tokens for https://management.azure.com/, not https://vault.azure.net (Key Vault in AzureCloud): the name points at another service or cloud, see KV401',
      rules: ['KV401'],
    });
    const proxy = challengeFindings(
      target,
      { kind: 'response', status: 200, headers: {}, body: '<html>blocked</html>' },
      '10.1.1.4:443',
      5000,
    );
    expect(proxy.findings).toEqual([
      {
        step: 'challenge',
        code: 'challenge-missing',
        outcome: 'fail',
        message: `HTTPS to 10.1.1.4:443 as ${FQDN}: HTTP 200 without Key Vault's Bearer challenge: something else answers at this address (a proxy, a firewall's block page, another service)`,
        rules: [],
      },
    ]);
    const timeout = challengeFindings(
      target,
      { kind: 'error', code: 'ETIMEDOUT', message: 'no answer within 5000 ms' },
      '10.1.1.4:443',
      5000,
    );
    expect(timeout.findings).toEqual([
      {
        step: 'connect',
        code: 'connect-timeout',
        outcome: 'fail',
        message:
          'no answer from 10.1.1.4:443 within 5000 ms: an NSG, a route table sending the traffic to a firewall, or a missing VNet peering drops it',
        rules: [],
      },
    ]);
  });

  it('expands rule ranges from a diagnosis', () => {
    expect(ruleIds(['KV301 firewall-allows-caller', 'KV201-KV203 (DNS)', 'KV101 and KV205'])).toEqual([
      'KV301',
      'KV201',
      'KV202',
      'KV203',
      'KV101',
      'KV205',
    ]);
  });
});
