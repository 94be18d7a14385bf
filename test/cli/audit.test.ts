import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RULES } from '../../rules/index';
import { SPOKE_SUB, healthyPath, spokePath } from '../../src/fixtures/scenario';
import { TENANT } from '../../src/fixtures/arm-factory';
import { roleAssignment } from '../../src/fixtures/rbac-factory';
import { builtInRoleNamed, builtInRoleResource } from '../../src/model/builtin-roles';
import { ROOT, example, runCli } from '../support/run-cli';
import { softDeleteDisabled } from '../support/soft-delete-off';
import { tempDir } from '../support/temp-dir';

const { dir, writeJson } = tempDir('kvguard-audit');

const healthy = example('healthy');
const path0 = healthyPath();
const softDeleteOff = writeJson('soft-delete-off.json', softDeleteDisabled(path0));
const SOFT_DELETE_FAIL = 'kv-payments-prod has soft delete disabled (enableSoftDelete is false)';

interface JsonReport {
  tool: { name: string; version: string };
  summary: Record<string, number | boolean>;
  findings: Record<string, unknown>[];
  notices: { level: string; message: string }[];
}

function parse(stdout: string): JsonReport {
  return JSON.parse(stdout) as JsonReport;
}

describe('kvguard audit --snapshot', () => {
  test('healthy example, JSON: exit 0, report shaped as DESIGN 2.3', async () => {
    const run = await runCli(['audit', '--snapshot', healthy, '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = parse(run.stdout);
    expect(Object.keys(report)).toEqual(['tool', 'summary', 'findings', 'notices']);
    expect(report.tool).toEqual({ name: 'kvguard', version: require('../../package.json').version });
    expect(Object.keys(report.summary)).toEqual([
      'vaults',
      'pass',
      'fail',
      'error',
      'skipped',
      'suppressed',
      'complete',
      'rules',
    ]);
    expect(report.summary).toMatchObject({
      vaults: 1,
      fail: 0,
      error: 0,
      suppressed: 0,
      complete: true,
      rules: RULES.length,
    });
    expect(report.findings.length).toBeGreaterThanOrEqual(RULES.length);
    for (const finding of report.findings) {
      expect(Object.keys(finding)).toEqual([
        'ruleId',
        'rule',
        'severity',
        'outcome',
        'vaultId',
        'resourceId',
        'message',
        'remediation',
        'evidence',
      ]);
      expect(finding.vaultId).toBe(path0.ids.vault);
    }
    expect(report.findings.find((f) => f.ruleId === 'KV501')).toEqual({
      ruleId: 'KV501',
      rule: 'soft-delete',
      severity: 'warning',
      outcome: 'pass',
      vaultId: path0.ids.vault,
      resourceId: path0.ids.vault,
      message: 'kv-payments-prod has soft delete enabled',
      remediation: 'Enable soft delete: az keyvault update --name <vault> --enable-soft-delete true',
      evidence: {},
    });
  });

  test('healthy example, text: the vault, its path and a totals line', async () => {
    const run = await runCli(['audit', '--snapshot', healthy]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      "kvguard 0.1.0: 1 vault, caller: a client in the private endpoint's own VNet (default; give --caller-ip or --caller-subnet)",
    );
    expect(lines[2]).toBe('✓ kv-payments-prod  rg-payments · 22222222-2222-2222-2222-222222222222');
    expect(lines[3]).toMatch(
      /^ {2}Caller( ✓)? → Firewall.* → DNS zone.* → VNet link.* → A record.* → Private endpoint.* → NIC.* → Vault ✓$/,
    );
    expect(lines[lines.length - 2]).toMatch(
      /^1 vault \(0 failing\): \d+ passed, 0 failed, 0 errors, \d+ skipped, 0 suppressed$/,
    );
    expect(run.stdout).not.toMatch(/\x1b\[/);
  });

  test('a warning fail passes the default gate and fails --fail-on warning', async () => {
    const atError = await runCli(['audit', '--snapshot', softDeleteOff, '--format', 'json']);
    expect(atError.code).toBe(0);
    expect(
      parse(atError.stdout)
        .findings.filter((f) => f.outcome === 'fail')
        .map((f) => [f.ruleId, f.message]),
    ).toEqual([['KV501', SOFT_DELETE_FAIL]]);
    expect((await runCli(['audit', '--snapshot', softDeleteOff, '--fail-on', 'warning'])).code).toBe(1);
    expect((await runCli(['audit', '--snapshot', softDeleteOff, '--fail-on', 'note'])).code).toBe(1);
  });

  test('text shows the failing finding with its fix and doc link', async () => {
    const run = await runCli(['audit', '--snapshot', softDeleteOff, '--fail-on', 'warning']);
    expect(run.stdout).toContain(
      `  Vault\n    ✗ KV501 soft-delete (warning): ${SOFT_DELETE_FAIL}\n        fix      Enable soft delete: az keyvault update --name <vault> --enable-soft-delete true\n        docs     https://github.com/kvguard/kvguard/blob/main/rules/soft-delete.md\n`,
    );
    expect(run.stdout).toContain('✗ kv-payments-prod  rg-payments');
    const quiet = await runCli(['audit', '--snapshot', softDeleteOff, '--quiet']);
    expect(quiet.stdout.split('\n')[0]).toBe('✗ kv-payments-prod  rg-payments · 22222222-2222-2222-2222-222222222222');
    expect(quiet.stdout).toContain(`    ✗ KV501 soft-delete (warning): ${SOFT_DELETE_FAIL}\n`);
    expect(quiet.stdout).not.toContain('fix ');
  });

  test('--verbose lists passing findings too', async () => {
    const run = await runCli(['audit', '--snapshot', healthy, '--verbose']);
    expect(run.stdout).toContain('    ✓ KV501 soft-delete: kv-payments-prod has soft delete enabled\n');
    expect((await runCli(['audit', '--snapshot', healthy])).stdout).not.toContain('KV501');
  });

  test('unknown types are counted in the notices', async () => {
    const vm = {
      id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1',
      name: 'vm1',
      type: 'Microsoft.Compute/virtualMachines',
      properties: {},
    };
    const file = writeJson('with-vm.json', { resources: [...path0.resources, vm] });
    const run = await runCli(['audit', '--snapshot', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'notices\n  i ignored 1 resource of types the model does not read: microsoft.compute/virtualmachines (1)\n',
    );
    const json = parse((await runCli(['audit', '--snapshot', file, '--format', 'json'])).stdout);
    expect(json.notices).toEqual([
      {
        level: 'info',
        message: 'ignored 1 resource of types the model does not read: microsoft.compute/virtualmachines (1)',
      },
    ]);
  });

  test('an incomplete input exits 2 unless --allow-partial', async () => {
    const file = writeJson('page.json', { data: path0.resources, $skipToken: 'abc' });
    const run = await runCli(['audit', '--snapshot', file, '--format', 'json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `kvguard: incomplete run: the source reported 1 error; first: ${file} is one page of a Resource Graph result (it carries a skip token or resultTruncated): resources on the other pages are not in this audit (exit 2; --allow-partial gates on the rest)\n`,
    );
    expect(parse(run.stdout).summary.complete).toBe(false);
    expect((await runCli(['audit', '--snapshot', file, '--allow-partial'])).code).toBe(0);
  });

  test('colour on a terminal only, never with --no-color or NO_COLOR', async () => {
    const tty = process.stdout.isTTY;
    process.stdout.isTTY = true;
    try {
      expect((await runCli(['audit', '--snapshot', healthy], { env: { NO_COLOR: undefined } })).stdout).toMatch(
        /\x1b\[/,
      );
      expect(
        (await runCli(['audit', '--snapshot', healthy, '--no-color'], { env: { NO_COLOR: undefined } })).stdout,
      ).not.toMatch(/\x1b\[/);
      expect((await runCli(['audit', '--snapshot', healthy], { env: { NO_COLOR: '1' } })).stdout).not.toMatch(/\x1b\[/);
    } finally {
      process.stdout.isTTY = tty;
    }
  });
});

describe('--vault and --resource-group narrow a snapshot', () => {
  const second = spokePath({ vaultName: 'kv-orders', resourceGroup: 'rg-orders', spokeOctet: 2 });
  const twoVaults = writeJson('two-vaults.json', [...path0.resources, ...second.resources]);
  const audit = async (...args: string[]) => {
    const run = await runCli(['audit', '--snapshot', twoVaults, '--format', 'json', ...args]);
    expect(run.stderr).toBe('');
    return { code: run.code, report: parse(run.stdout) };
  };

  test('only the named vault is evaluated, against the whole estate; the summary counts it alone', async () => {
    const whole = await audit();
    expect(whole.report.summary.vaults).toBe(2);
    for (const args of [
      ['--vault', 'KV-ORDERS'],
      ['--resource-group', 'rg-orders'],
      ['--vault', 'kv-orders', '--resource-group', 'RG-ORDERS'],
    ]) {
      const narrowed = await audit(...args);
      expect(narrowed.code).toBe(0);
      expect(narrowed.report.summary).toMatchObject({ vaults: 1, fail: 0, error: 0, complete: true });
      expect(narrowed.report.findings).toEqual(whole.report.findings.filter((f) => f.vaultId === second.ids.vault));
    }
  });

  test('the other vault alone: its own findings', async () => {
    const { report } = await audit('--vault', 'kv-payments-prod');
    expect(report.summary.vaults).toBe(1);
    expect(new Set(report.findings.map((f) => f.vaultId))).toEqual(new Set([path0.ids.vault]));
  });
});

describe('output files', () => {
  test('--output writes the report to the file, nothing to stdout', async () => {
    const file = path.join(dir, 'report.json');
    const run = await runCli(['audit', '--snapshot', healthy, '--format', 'json', '--output', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const direct = await runCli(['audit', '--snapshot', healthy, '--format', 'json']);
    expect(fs.readFileSync(file, 'utf8')).toBe(direct.stdout);
  });

  test('--report FORMAT=FILE writes beside the console report', async () => {
    const file = path.join(dir, 'beside.json');
    const run = await runCli([
      'audit',
      '--snapshot',
      softDeleteOff,
      '--report',
      `json=${file}`,
      '--fail-on',
      'warning',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✗ KV501 soft-delete');
    expect(parse(fs.readFileSync(file, 'utf8')).summary.fail).toBe(1);
  });

  test('SARIF points each result at the snapshot file, at the line of the resource', async () => {
    const file = path.join(dir, 'stale.sarif');
    const snapshot = example('stale-a-record');
    const run = await runCli(['audit', '--snapshot', snapshot, '--report', `sarif=${file}`], { cwd: ROOT });
    expect(run.code).toBe(1);
    const results =
      (
        JSON.parse(fs.readFileSync(file, 'utf8')) as {
          runs: {
            results: {
              ruleId: string;
              properties: { resourceId: string };
              locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
            }[];
          }[];
        }
      ).runs[0]?.results ?? [];
    const kv205 = results.find((r) => r.ruleId === 'KV205');
    const text = fs.readFileSync(snapshot, 'utf8').split('\n');
    const line = text.findIndex((l) => l.includes(`"id": "${kv205?.properties.resourceId}"`)) + 1;
    expect(line).toBeGreaterThan(1);
    expect(kv205?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'examples/stale-a-record.json' },
      region: { startLine: line, endLine: line },
    });
  });

  test('an unwritable --output leaves no file behind and exits 2', async () => {
    const file = path.join(dir, 'missing-folder', 'report.json');
    const run = await runCli(['audit', '--snapshot', healthy, '--output', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`kvguard: --output ${file}: cannot write (folder ${path.dirname(file)} does not exist)\n`);
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });

  test('a failed run does not replace an existing report', async () => {
    const file = path.join(dir, 'kept.json');
    fs.writeFileSync(file, 'previous');
    const run = await runCli(['audit', '--snapshot', path.join(dir, 'nope.json'), '--output', file]);
    expect(run.code).toBe(2);
    expect(fs.readFileSync(file, 'utf8')).toBe('previous');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('bad input: one line on stderr, exit 2', () => {
  const missing = path.join(os.tmpdir(), 'kvguard-does-not-exist.json');
  const cases: [string, string[], string][] = [
    ['no source', ['audit'], 'kvguard: audit needs a source: --snapshot FILE, or --subscription ID to read live ARM'],
    [
      'both sources',
      ['audit', '--snapshot', 'x.json', '--subscription', '00000000-0000-0000-0000-000000000001'],
      'kvguard: --snapshot and --subscription: audit a snapshot file or live ARM, not both',
    ],
    [
      'a live flag with a snapshot',
      ['audit', '--snapshot', 'x.json', '--cloud', 'AzureChinaCloud'],
      'kvguard: --cloud applies to live ARM (--subscription), not to --snapshot',
    ],
    [
      '--skip-reads with a snapshot',
      ['audit', '--snapshot', 'x.json', '--skip-reads', 'zone-groups'],
      'kvguard: --skip-reads applies to live ARM (--subscription), not to --snapshot',
    ],
    [
      'an unknown vault in a snapshot',
      ['audit', '--snapshot', healthy, '--vault', 'kv-nope'],
      `kvguard: --vault kv-nope: no vault of that name in ${healthy}`,
    ],
    [
      'an empty resource group of a snapshot',
      ['audit', '--snapshot', healthy, '--resource-group', 'rg-nope'],
      `kvguard: --resource-group rg-nope: no vault in that resource group in ${healthy}`,
    ],
    [
      'a vault outside the resource group',
      ['audit', '--snapshot', healthy, '--vault', 'kv-payments-prod', '--resource-group', 'rg-nope'],
      `kvguard: --vault kv-payments-prod --resource-group rg-nope: no vault of that name in that resource group in ${healthy}`,
    ],
    ['missing snapshot file', ['audit', '--snapshot', missing], `kvguard: ${missing}: no such file`],
    [
      'an invalid caller IP',
      ['audit', '--snapshot', 'x.json', '--caller-ip', '10.0.0.300'],
      'kvguard: --caller-ip: expected an IPv4 address such as 203.0.113.10, found "10.0.0.300"',
    ],
    [
      'a caller range',
      ['audit', '--snapshot', 'x.json', '--caller-ip', '203.0.113.0/24'],
      "kvguard: --caller-ip: expected an IPv4 address, found the range 203.0.113.0/24 (give the address the caller's requests come from)",
    ],
    [
      'an IPv6 caller',
      ['audit', '--snapshot', 'x.json', '--caller-ip', '1.2.3.4,2001:db8::1'],
      'kvguard: --caller-ip: expected an IPv4 address, found the IPv6 address 2001:db8::1 (the Key Vault firewall matches IPv4 only)',
    ],
    [
      'a caller subnet that is not a subnet id',
      ['audit', '--snapshot', 'x.json', '--caller-subnet', 'snet-workload'],
      'kvguard: --caller-subnet: expected a subnet id /subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}, found "snet-workload"',
    ],
    [
      'a caller subnet outside the caller VNet',
      [
        'audit',
        '--snapshot',
        'x.json',
        '--caller-subnet',
        path0.ids.workloadSubnet,
        '--caller-vnet',
        path0.ids.hubVnet,
      ],
      `kvguard: --caller-subnet: expected a subnet of ${path0.ids.hubVnet}, found one of ${path0.ids.spokeVnet}`,
    ],
    [
      'a token that is not a JWT',
      ['audit', '--snapshot', 'x.json', '--caller-token', 'secret'],
      'kvguard: --caller-token: expected a JWT (header.payload.signature, base64url) or @FILE holding one',
    ],
    [
      'a bad --report',
      ['audit', '--snapshot', 'x.json', '--report', 'pdf=x.pdf'],
      'kvguard: --report: expected FORMAT=FILE with FORMAT one of text, json, sarif, junit, markdown, html, found "pdf=x.pdf"',
    ],
    [
      'a --report without a file',
      ['audit', '--snapshot', 'x.json', '--report', 'json'],
      'kvguard: --report: expected FORMAT=FILE with FORMAT one of text, json, sarif, junit, markdown, html, found "json"',
    ],
    [
      '--quiet with --verbose',
      ['audit', '--snapshot', 'x.json', '--quiet', '--verbose'],
      'kvguard: --quiet and --verbose: choose one',
    ],
    [
      'a subscription that is not a GUID',
      ['audit', '--subscription', 'prod'],
      'kvguard: --subscription: expected a subscription id (a GUID), found "prod"',
    ],
    [
      'an http endpoint',
      ['audit', '--subscription', '00000000-0000-0000-0000-000000000001', '--endpoint', 'http://127.0.0.1:8080'],
      'kvguard: --endpoint: expected an https URL (tokens are never sent over http), found "http://127.0.0.1:8080"',
    ],
    [
      'a missing CA file',
      ['audit', '--subscription', '00000000-0000-0000-0000-000000000001', '--ca-cert', missing],
      `kvguard: --ca-cert ${missing}: no such file`,
    ],
    [
      'a bad --fail-on',
      ['audit', '--snapshot', 'x.json', '--fail-on', 'critical'],
      "error: option '--fail-on <severity>' argument 'critical' is invalid. Allowed choices are error, warning, note.",
    ],
    [
      'a bad --format',
      ['audit', '--snapshot', 'x.json', '--format', 'xml'],
      "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are text, json, sarif, junit, markdown, html.",
    ],
  ];
  test.each(cases)('%s', async (_name, args, line) => {
    const run = await runCli(args);
    expect(run.stderr).toBe(`${line}\n`);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
  });

  test('invalid snapshot content names file and pointer', async () => {
    const file = writeJson('bad-type.json', { resources: [{ id: '/subscriptions/s/x', name: 'x', type: 42 }] });
    const run = await runCli(['audit', '--snapshot', file]);
    expect(run.stderr).toBe(
      `kvguard: ${file}: /resources/0/type: expected an ARM resource type such as Microsoft.KeyVault/vaults, found the number 42\n`,
    );
    expect(run.code).toBe(2);
  });

  test('a snapshot without a vault', async () => {
    const file = writeJson(
      'no-vault.json',
      path0.resources.filter((r) => r.id !== path0.ids.vault),
    );
    const run = await runCli(['audit', '--snapshot', file]);
    expect(run.stderr).toBe(
      `kvguard: ${file}: /: expected at least one Microsoft.KeyVault/vaults or Microsoft.KeyVault/managedHSMs resource, found none among ${path0.resources.length - 1} resources\n`,
    );
    expect(run.code).toBe(2);
  });
});

describe('caller flags reach the rules', () => {
  test('--caller-token takes a JWT or @FILE, and never echoes a bad one', async () => {
    // A token the token rules (KV401-KV403) accept: right audience and tenant, valid for the next hour.
    const nowSeconds = Math.floor(Date.now() / 1000);
    const claims = {
      aud: 'https://vault.azure.net',
      tid: TENANT,
      iss: `https://sts.windows.net/${TENANT}/`,
      nbf: nowSeconds - 60,
      iat: nowSeconds - 60,
      exp: nowSeconds + 3600,
    };
    const jwt = `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`;
    const tokenFile = path.join(dir, 'token.txt');
    fs.writeFileSync(tokenFile, `Bearer ${jwt}\n`);
    expect((await runCli(['audit', '--snapshot', healthy, '--caller-token', jwt])).code).toBe(0);
    expect((await runCli(['audit', '--snapshot', healthy, '--caller-token', `@${tokenFile}`])).code).toBe(0);
    const missing = await runCli(['audit', '--snapshot', healthy, '--caller-token', `@${tokenFile}.nope`]);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      `kvguard: --caller-token @${tokenFile}.nope: cannot read file (ENOENT)\n`,
    ]);
  });

  test('a valid caller shows in the header', async () => {
    const run = await runCli([
      'audit',
      '--snapshot',
      healthy,
      '--caller-ip',
      '203.0.113.10',
      '--caller-ip',
      '198.51.100.7,203.0.113.10',
      '--trusted-service',
    ]);
    expect(run.stdout.split('\n')[0]).toBe(
      'kvguard 0.1.0: 1 vault, caller: 203.0.113.10, 198.51.100.7, a trusted Microsoft service',
    );
    const subnet = await runCli(['audit', '--snapshot', healthy, '--caller-subnet', `${path0.ids.workloadSubnet}/`]);
    expect(subnet.stdout.split('\n')[0]).toBe(
      `kvguard 0.1.0: 1 vault, caller: subnet snet-workload of vnet-spoke-kv-payments-prod`,
    );
  });
});

describe('caller identity flags reach KV404', () => {
  const objectId = '0f0f0f0f-1111-2222-3333-444444444444';
  // The vault uses RBAC: the estate holds the Secrets User role assigned at the vault to this caller.
  const secretsUser = builtInRoleNamed('Key Vault Secrets User');
  const withRoles = writeJson('with-roles.json', [
    ...path0.resources,
    builtInRoleResource(SPOKE_SUB, secretsUser),
    roleAssignment({ scope: path0.ids.vault, principalId: objectId, roleGuid: secretsUser.id }),
  ]);
  const kv404 = async (extra: string[]) => {
    const run = await runCli([
      'audit',
      '--snapshot',
      withRoles,
      '--format',
      'json',
      '--caller-object-id',
      objectId,
      ...extra,
    ]);
    const findings = (JSON.parse(run.stdout) as { findings: { ruleId: string; outcome: string; message: string }[] })
      .findings;
    return { code: run.code, finding: findings.find((f) => f.ruleId === 'KV404') };
  };

  test('the default operation (secrets/get) passes with Key Vault Secrets User', async () => {
    const run = await kv404([]);
    expect(run.finding?.outcome).toBe('pass');
    expect(run.code).toBe(0);
  });

  test('--operation keys/decrypt fails: the role grants no key operation', async () => {
    const run = await kv404(['--operation', 'keys/decrypt']);
    expect(run.finding?.outcome).toBe('fail');
    expect(run.finding?.message).toContain(objectId);
    expect(run.finding?.message).toContain('keys/decrypt');
    expect(run.code).toBe(1);
  });

  test('bad identity values and operations are one-line usage errors', async () => {
    const badId = await runCli(['audit', '--snapshot', healthy, '--caller-object-id', 'alice']);
    expect([badId.code, badId.stderr]).toEqual([
      2,
      'kvguard: --caller-object-id: expected an object id (GUID) such as 00000000-0000-0000-0000-000000000000, found "alice"\n',
    ]);
    const badGroup = await runCli([
      'audit',
      '--snapshot',
      healthy,
      '--caller-object-id',
      objectId,
      '--caller-group',
      `${objectId},nope`,
    ]);
    expect([badGroup.code, badGroup.stderr]).toEqual([
      2,
      'kvguard: --caller-group: expected an object id (GUID) such as 00000000-0000-0000-0000-000000000000, found "nope"\n',
    ]);
    const badOperation = await runCli(['audit', '--snapshot', healthy, '--operation', 'secrets/steal']);
    expect(badOperation.code).toBe(2);
    expect(badOperation.stderr).toMatch(
      /^kvguard: --operation: expected one of .*secrets\/get.*, found "secrets\/steal"\n$/,
    );
  });
});
