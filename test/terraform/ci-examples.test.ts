import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { at, must } from '../support/at';
import { ROOT, runCli } from '../support/run-cli';

/**
 * The Terraform CI examples cannot rot: each file's kvguard line (after `# kvguard-terraform-example`) runs
 * here as written, in a folder where `terraform show -json tfplan > tfplan.json` left one of the plan fixtures
 * (examples/terraform/*.plan.json), with the CI's variables filled in; the later steps must publish exactly the
 * files the line writes.
 */
const EXAMPLES = path.join(ROOT, 'examples', 'ci');
const WORK = path.join(ROOT, '.kvguard-tmp', 'terraform-ci');
const MARKER = '# kvguard-terraform-example';

function exampleCommand(yaml: string): string[] {
  const lines = yaml.split('\n');
  const index = lines.findIndex((line) => line.trim() === MARKER);
  expect(lines.filter((line) => line.trim() === MARKER)).toHaveLength(1);
  return [
    ...at(lines, index + 1)
      .trim()
      .matchAll(/"([^"]*)"|(\S+)/g),
  ].map((m) => m[1] ?? m[2] ?? '');
}

function expand(word: string, variables: Record<string, string>): string {
  return word.replace(/\$\(([\w.]+)\)/g, (_all, name: string) => must(variables[name], `a value for $(${name})`));
}

async function runExample(file: string, plan: string, variables: Record<string, string> = {}) {
  const dir = path.join(WORK, `${file}-${plan}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'examples', 'terraform', `${plan}.plan.json`), path.join(dir, 'tfplan.json'));
  const yaml = fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
  const argv = exampleCommand(yaml).map((w) => expand(w, variables));
  expect(argv.slice(0, 4)).toEqual(['npx', '--yes', 'kvguard', 'audit']);
  const args = argv.slice(3);
  const reports: Record<string, string> = {};
  args.forEach((arg, index) => {
    if (arg !== '--report') return;
    const [format = '', target = ''] = at(args, index + 1).split('=');
    reports[format] = path.resolve(dir, target);
  });
  const run = await runCli(args, { cwd: dir });
  expect(run.stderr).toBe('');
  return { code: run.code, reports, yaml, dir };
}

interface SarifLog {
  runs: {
    results: { ruleId: string; locations: { logicalLocations: { fullyQualifiedName: string; kind: string }[] }[] }[];
  }[];
}

describe('Terraform CI examples', () => {
  test('GitHub Actions: a healthy plan passes; a stale record fails with its Terraform address in SARIF', async () => {
    const healthy = await runExample('terraform-github-actions.yml', 'healthy');
    expect(healthy.code).toBe(0);
    const stale = await runExample('terraform-github-actions.yml', 'stale-a-record');
    expect(stale.code).toBe(1);
    expect(Object.keys(stale.reports).sort()).toEqual(['markdown', 'sarif']);
    const sarifFile = must(stale.reports.sarif, 'a sarif report');
    const sarif = JSON.parse(fs.readFileSync(sarifFile, 'utf8')) as SarifLog;
    const kv205 = at(sarif.runs, 0).results.filter((r) => r.ruleId === 'KV205');
    expect(kv205.map((r) => at(r.locations, 0).logicalLocations)).toEqual([
      [
        {
          name: 'kvg-stale',
          fullyQualifiedName:
            '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-kvguard-hub/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net/A/kvg-stale',
          kind: 'resource',
        },
        {
          name: 'azurerm_private_dns_a_record.vault',
          fullyQualifiedName: 'azurerm_private_dns_a_record.vault',
          kind: 'declaration',
        },
      ],
    ]);
    // Microsoft's validator: no error (its only remarks are SARIF2017, no region, once per result).
    const output = execFileSync(path.join(ROOT, 'node_modules', '.bin', 'sarif-multitool'), ['validate', sarifFile], {
      encoding: 'utf8',
    });
    expect(output.split('\n').filter((line) => /\): error [A-Z]+\d+:/.test(line))).toEqual([]);
    expect(stale.yaml).toContain('terraform show -json tfplan > tfplan.json');
    expect(stale.yaml).toContain(
      `cat ${path.relative(stale.dir, must(stale.reports.markdown, 'a markdown report'))} >> "$GITHUB_STEP_SUMMARY"`,
    );
    expect(stale.yaml).toMatch(/sarif_file: kvguard\.sarif/);
  });

  test('Azure Pipelines: the JUnit file PublishTestResults reads names the Terraform address of the failure', async () => {
    const staging = path.join(WORK, 'staging');
    fs.mkdirSync(staging, { recursive: true });
    const { code, reports, yaml } = await runExample('terraform-azure-pipelines.yml', 'pending-approval', {
      'Build.ArtifactStagingDirectory': staging,
    });
    expect(code).toBe(1);
    const junit = fs.readFileSync(must(reports.junit, 'a junit report'), 'utf8');
    expect(XMLValidator.validate(junit)).toBe(true);
    expect(junit).toContain(
      '[fail] connection pe-kvg-pending to kvg-pending is Pending (&quot;Requested by the application team, please approve&quot;): approve it on the vault (/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-kvguard-spoke/providers/Microsoft.Network/privateEndpoints/pe-kvg-pending, azurerm_private_endpoint.kv)',
    );
    expect(yaml).toContain('testResultsFiles: $(Build.ArtifactStagingDirectory)/kvguard.junit.xml');
    expect(yaml).toContain('terraform show -json tfplan > tfplan.json');
  });
});
