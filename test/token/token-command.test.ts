import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TENANT } from '../../src/fixtures/arm-factory';
import { healthyPath } from '../../src/fixtures/scenario';
import { CliRun, runCli } from '../support/run-cli';
import { CALLER_OID, FAKE_SIGNATURE, OTHER_TENANT, encodePart, makeToken, secretPartsOf } from './make-token';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvguard-token-'));
const snapshot = path.join(dir, 'estate.json');
fs.writeFileSync(snapshot, JSON.stringify(healthyPath().resources));
const outputs: { run: CliRun; token: string }[] = [];

function tokenFile(token: string): string {
  const file = path.join(dir, `token-${outputs.length}-${Math.random().toString(36).slice(2)}.txt`);
  fs.writeFileSync(file, `${token}\n`);
  return file;
}

async function explain(token: string, args: string[], stdin = false): Promise<CliRun> {
  const run = stdin
    ? await runCli(['token', 'explain', ...args], { stdin: token })
    : await runCli(['token', 'explain', '--file', tokenFile(token), ...args]);
  outputs.push({ run, token });
  return run;
}

// Real tokens are minted now; the run's clock is the real clock here.
const nowSeconds = Math.floor(Date.now() / 1000);
const fresh = (claims: Record<string, unknown> = {}) =>
  makeToken({ iat: nowSeconds - 60, nbf: nowSeconds - 60, exp: nowSeconds + 3600, ...claims });

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('kvguard token explain', () => {
  test('a good token against the snapshot vault: claims as dates, three passes, exit 0', async () => {
    const run = await explain(fresh(), ['--snapshot', snapshot]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'Token claims (decoded locally: not verified, not sent anywhere, the token itself is not shown)',
      '  aud    https://vault.azure.net',
      `  iss    https://sts.windows.net/${TENANT}/`,
      `  tid    ${TENANT}`,
    ]);
    expect(run.stdout).toContain(`  oid    ${CALLER_OID}\n`);
    expect(run.stdout).toMatch(/ {2}exp {4}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n/);
    expect(run.stdout).toContain(
      '\nkv-payments-prod\n  PASS    KV401 token-audience: token audience https://vault.azure.net is the data-plane resource of kv-payments-prod (AzureCloud)\n',
    );
    expect(run.stdout).toContain(
      `  PASS    KV403 token-tenant: token tenant ${TENANT} (issuer https://sts.windows.net/${TENANT}/) is the tenant of kv-payments-prod\n`,
    );
    expect(run.stdout).toMatch(/ {2}PASS {4}KV402 token-lifetime: token is valid from /);
  });

  test('an ARM token from another tenant, read from stdin: fails with what to change, exit 1', async () => {
    const run = await explain(
      fresh({
        aud: 'https://management.azure.com/',
        tid: OTHER_TENANT,
        iss: `https://sts.windows.net/${OTHER_TENANT}/`,
      }),
      ['--snapshot', snapshot, '--vault', 'KV-PAYMENTS-PROD'],
      true,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "  FAIL    KV401 token-audience: token audience https://management.azure.com/ is Azure Resource Manager's audience (AzureCloud), not Key Vault's; kv-payments-prod (AzureCloud) expects https://vault.azure.net: request the token for https://vault.azure.net (scope https://vault.azure.net/.default)\n          fix: Request the token for the vault resource: az account get-access-token --resource https://vault.azure.net (SDKs: scope https://vault.azure.net/.default)\n",
    );
    expect(run.stdout).toContain(
      `  FAIL    KV403 token-tenant: token tenant ${OTHER_TENANT} is not the tenant of kv-payments-prod (${TENANT}): Key Vault answers 401 AKV10032 "Invalid issuer"`,
    );
  });

  test('JSON output carries claims and findings, never the token', async () => {
    const run = await explain(fresh({ aud: 'https://vault.azure.net/' }), ['--snapshot', snapshot, '--format', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      claims: Record<string, string>;
      findings: { ruleId: string; outcome: string }[];
    };
    expect(Object.keys(report.claims)).toEqual(['aud', 'iss', 'tid', 'oid', 'appid', 'ver', 'iat', 'nbf', 'exp']);
    expect(report.findings.map((f) => [f.ruleId, f.outcome])).toEqual([
      ['KV401', 'fail'],
      ['KV402', 'pass'],
      ['KV403', 'pass'],
    ]);
  });

  test('without a vault source: claims and lifetime only', async () => {
    const run = await explain(makeToken({ exp: nowSeconds - 7200, nbf: nowSeconds - 9000 }), []);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\nFAIL KV402 token-lifetime: token expired at .*, 2 h before now/);
    expect(run.stdout).toContain(
      'Give --snapshot FILE or --subscription ID (with --vault NAME) to check the audience (KV401) and the tenant (KV403) against a vault.',
    );
  });

  test('an unknown vault name is a usage error', async () => {
    const run = await explain(fresh(), ['--snapshot', snapshot, '--vault', 'kv-nope']);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: `kvguard: --vault kv-nope: no vault of that name in ${snapshot}\n`,
    });
  });

  const header = encodePart({ typ: 'JWT', alg: 'RS256' });
  test.each([
    [
      'not three parts',
      'abc.def',
      'the token has 2 parts separated by dots; a JWT has three (header.payload.signature)',
    ],
    ['bad base64url', `${header}.pay*load.${FAKE_SIGNATURE}`, "the token's payload is not base64url"],
    [
      'not JSON',
      `${header}.${Buffer.from('{nope').toString('base64url')}.${FAKE_SIGNATURE}`,
      "the token's payload is not JSON",
    ],
    [
      'missing claims',
      makeToken({}, ['aud', 'iss', 'exp']),
      'the token lacks the claims aud, iss, exp: it is not an access token',
    ],
    [
      'an encrypted five-part token',
      `${encodePart({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a2V5.aXY.Y2lwaGVy.dGFn`,
      'the token has five parts: it is an encrypted token (JWE), which cannot be read without its key; Key Vault takes signed access tokens (three parts)',
    ],
  ])('malformed: %s is one line, exit 2', async (_name, token, message) => {
    const run = await explain(token, ['--snapshot', snapshot]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      new RegExp(`^kvguard: token in .*token-[^:]+\\.txt: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n$`),
    );
  });

  test('an empty stdin', async () => {
    const run = await explain('', [], true);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'kvguard: token: no token given: pass a JWT on stdin or with --file\n',
    });
  });

  test('a bad --skew', async () => {
    const run = await explain(fresh(), ['--skew', 'soon']);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'kvguard: --skew: expected whole seconds from 0 to 3600, found "soon"\n',
    });
  });

  test('no output of any run above contains a token, its payload or its signature', () => {
    expect(outputs.length).toBeGreaterThan(8);
    for (const { run, token } of outputs) {
      const text = run.stdout + run.stderr;
      for (const part of secretPartsOf(token).filter((p) => p.length >= 16)) expect(text).not.toContain(part);
      expect(text).not.toContain(FAKE_SIGNATURE.slice(0, 16));
    }
  });
});
