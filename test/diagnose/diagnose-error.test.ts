import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseErrorResponse } from '../../src/diagnose/error-response';
import { diagnoseError } from '../../src/diagnose/explain-error';
import { runCli } from '../support/run-cli';

const SUB = '22222222-2222-2222-2222-222222222222';
const OID = '3975aeed-7d08-453b-b6f4-445f32698091';
const APPID = 'fad7d5b3-69d6-4b48-9259-8d12124e1cf1';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER = '96be4b7a-defb-4dc2-a31f-49ee6145d5ab';
const caller = `Caller: appid=${APPID};oid=${OID};iss=https://sts.windows.net/${TENANT}/`;

// Key Vault's own texts (rest-error-codes, SDK troubleshooting guides and recorded responses).
const firewallHttp = [
  'HTTP/1.1 403 Forbidden',
  'Content-Type: application/json; charset=utf-8',
  'Authorization: Bearer must-never-be-echoed',
  'x-ms-keyvault-network-info: conn_type=Ipv4;addr=203.0.113.7;act_addr_fam=InterNetwork;',
  '',
  JSON.stringify({
    error: {
      code: 'Forbidden',
      message: `Client address is not authorized and caller is not a trusted service.\r\nClient address: 203.0.113.7\r\n${caller}\r\nVault: kv-payments-prod;location=westeurope`,
      innererror: { code: 'ForbiddenByFirewall' },
    },
  }),
].join('\r\n');
const rbac = {
  status: 403,
  body: {
    error: {
      code: 'Forbidden',
      message: `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n${caller}\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nResource: '/subscriptions/${SUB}/resourcegroups/rg-payments/providers/microsoft.keyvault/vaults/kv-payments-prod/secrets/db-password'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: kv-payments-prod;location=westeurope\r\n`,
      innererror: { code: 'ForbiddenByRbac' },
    },
  },
};
const policy = {
  error: {
    code: 'Forbidden',
    message: `The user, group or application 'appid=${APPID};oid=${OID};numgroups=3;iss=https://sts.windows.net/${TENANT}/' does not have secrets list permission on key vault 'kv-payments-prod;location=westeurope'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
    innererror: { code: 'ForbiddenByPolicy' },
  },
};
const connection = {
  status: 403,
  body: JSON.stringify({
    error: {
      code: 'Forbidden',
      message: `Connection is not an approved private link and caller was ignored because bypass is not set to 'AzureServices' and PublicNetworkAccess is set to 'Disabled'.\r\n${caller}\r\nVault: kv-payments-prod;location=westeurope`,
      innererror: { code: 'ForbiddenByConnection' },
    },
  }),
};
const issuer = {
  statusCode: 401,
  headers: {
    'WWW-Authenticate': `Bearer authorization="https://login.windows.net/${TENANT}", resource="https://vault.azure.net"`,
  },
  details: {
    error: {
      code: 'Unauthorized',
      message: `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${TENANT}/, https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/, found https://sts.windows.net/${OTHER}/.`,
    },
  },
};
const missing = { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } };
const throttled =
  'HTTP/1.1 429 Too Many Requests\nRetry-After: 8\nContent-Type: application/json\n\n{"error":{"code":"Throttled","message":"Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached"}}';

const diagnosis = (input: unknown) =>
  diagnoseError(parseErrorResponse(typeof input === 'string' ? input : JSON.stringify(input)));

describe('diagnoseError', () => {
  test('ForbiddenByFirewall: client address from the message, KV301 and the audit line', () => {
    const d = diagnosis(firewallHttp);
    expect([d.kind, d.status, d.caller, d.vault, d.subscriptionId]).toEqual([
      'ForbiddenByFirewall',
      403,
      { ip: '203.0.113.7', objectId: OID, appId: APPID, tenantId: TENANT },
      'kv-payments-prod',
      undefined,
    ]);
    expect(d.summary).toBe('403 ForbiddenByFirewall: the vault firewall refused client address 203.0.113.7');
    expect(d.rules[0]).toBe('KV301 firewall-allows-caller');
    expect(d.commands).toEqual(['kvguard audit --snapshot <estate.json> --caller-ip 203.0.113.7']);
  });

  test('the client address from x-ms-keyvault-network-info when the message lacks it', () => {
    const d = diagnosis(firewallHttp.replace('Client address: 203.0.113.7\\r\\n', ''));
    expect(d.caller.ip).toBe('203.0.113.7');
  });

  test('ForbiddenByRbac: operation from the action, subscription from the resource, config for KV404', () => {
    const d = diagnosis(rbac);
    expect([d.kind, d.operation, d.subscriptionId, d.vault]).toEqual([
      'ForbiddenByRbac',
      'secrets/get',
      SUB,
      'kv-payments-prod',
    ]);
    expect(d.commands).toEqual([
      `echo '{"caller":{"identity":{"objectId":"${OID}"}},"rules":{"KV404":{"options":{"operation":"secrets/get"}}}}' > kvguard.config.json`,
      `kvguard audit --subscription ${SUB} --vault kv-payments-prod --config kvguard.config.json`,
    ]);
  });

  test('ForbiddenByPolicy: the missing permission read from the sentence', () => {
    const d = diagnosis(policy);
    expect([d.kind, d.status, d.operation, d.vault]).toEqual([
      'ForbiddenByPolicy',
      403,
      'secrets/list',
      'kv-payments-prod',
    ]);
    expect(d.summary).toBe(
      '403 ForbiddenByPolicy: the vault uses access policies and none grants secrets/list to the caller',
    );
    expect(d.rules).toEqual(['KV404 caller-data-permission']);
  });

  test('ForbiddenByConnection: a body given as a JSON string', () => {
    const d = diagnosis(connection);
    expect(d.kind).toBe('ForbiddenByConnection');
    expect(d.commands).toEqual(['kvguard audit --snapshot <estate.json> --caller-subnet <caller subnet id>']);
  });

  test('AKV10032: expected and found tenants, token explain', () => {
    const d = diagnosis(issuer);
    expect([d.kind, d.status, d.tenants]).toEqual([
      'InvalidIssuer',
      401,
      { expected: [TENANT, 'f8cdef31-a31e-4b4a-93e4-5f571e91255a'], found: OTHER },
    ]);
    expect(d.summary).toBe(`401 AKV10032 Invalid issuer: the token comes from tenant ${OTHER}, not the vault's tenant`);
    expect(d.caller.tenantId).toBe(TENANT);
    expect(d.commands).toEqual([
      'kvguard token explain --snapshot <estate.json> --vault <vault name> --file <token.txt>',
    ]);
  });

  test('AKV10000: status inferred from the code', () => {
    const d = diagnosis(missing);
    expect([d.kind, d.status, d.rules]).toEqual([
      'MissingToken',
      401,
      ['KV401 token-audience', 'KV402 token-lifetime', 'KV403 token-tenant'],
    ]);
  });

  test('429: Retry-After, limits and remedies', () => {
    const d = diagnosis(throttled);
    expect([d.kind, d.status, d.retryAfterSeconds]).toEqual(['Throttled', 429, 8]);
    expect(d.meaning[2]).toBe(
      'Remedies (throttling guide): cache secrets in the application, use one client per vault, back off exponentially, wrap/unwrap a local data key instead of encrypting every item, split load across vaults.',
    );
  });

  test('an error kvguard does not know', () => {
    expect(
      diagnosis({
        status: 404,
        body: {
          error: { code: 'SecretNotFound', message: 'A secret with (name/id) x was not found in this key vault.' },
        },
      }).summary,
    ).toBe('404 SecretNotFound: not an error kvguard recognizes');
  });
});

describe('kvguard diagnose --error', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvguard-diagnose-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, text);
    return target;
  };

  test('a raw HTTP response from a file: text, exit 0, no Authorization header echoed', async () => {
    const run = await runCli(['diagnose', '--error', file('firewall.http', firewallHttp)]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(
      '403 ForbiddenByFirewall: the vault firewall refused client address 203.0.113.7',
    );
    expect(run.stdout).toContain('\nRun:\n  kvguard audit --snapshot <estate.json> --caller-ip 203.0.113.7\n');
    expect(run.stdout).not.toContain('must-never-be-echoed');
  });

  test('JSON from stdin, JSON out', async () => {
    const run = await runCli(['diagnose', '--error', '-', '--format', 'json'], { stdin: JSON.stringify(rbac) });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      kind: 'ForbiddenByRbac',
      status: 403,
      innerCode: 'ForbiddenByRbac',
      operation: 'secrets/get',
    });
  });

  test.each([
    ['an empty file', '', 'is empty: expected a Key Vault error response (status and body)'],
    [
      'text that is neither',
      'oops',
      'is neither an HTTP response (HTTP/1.1 403 Forbidden ...) nor JSON ({"status": 403, "body": {...}} or {"error": {...}})',
    ],
    ['a JSON array', '[1]', 'is JSON but not an object: expected {"status": 403, "body": {...}} or {"error": {...}}'],
    [
      'JSON without status or error',
      '{"hello": 1}',
      'has no status and no error body: expected {"status": 403, "body": {"error": {...}}} or {"error": {"code", "message"}}',
    ],
  ])('bad input: %s is one line, exit 2', async (_name, text, message) => {
    const target = file(`bad-${_name.replace(/\W+/g, '-')}.txt`, text);
    const run = await runCli(['diagnose', '--error', target]);
    expect(run).toEqual({ code: 2, stdout: '', stderr: `kvguard: --error ${target}: ${message}\n` });
  });

  test('a missing file, and neither or both modes', async () => {
    expect(await runCli(['diagnose', '--error', path.join(dir, 'nope.json')])).toEqual({
      code: 2,
      stdout: '',
      stderr: `kvguard: --error ${path.join(dir, 'nope.json')}: no such file\n`,
    });
    expect((await runCli(['diagnose'])).stderr).toBe(
      'kvguard: diagnose needs exactly one of --error FILE|- and --logs FILE\n',
    );
    expect((await runCli(['diagnose', '--error', 'a', '--logs', 'b'])).code).toBe(2);
  });
});
