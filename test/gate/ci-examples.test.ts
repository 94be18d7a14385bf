import * as fs from 'node:fs';
import * as path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { RunningEmulator, startEmulator } from '../../src/emulator/index';
import { healthyPath } from '../../src/fixtures/scenario';
import { runCli } from '../support/run-cli';
import { at, must, take } from '../support/at';

const cli = (...args: string[]) => runCli(args);

/**
 * The CI examples cannot rot: each YAML file's kvguard command (the line after `# kvguard-ci-example`) is
 * run here as written, with the CI's variables filled in, the example config beside it, and the reports
 * it names checked; the later steps must publish exactly the files the command writes.
 *
 * The command runs as written against the emulator seeded with the scenario's estate: the only additions
 * are `--endpoint` and `--ca-cert` (where ARM is) and the emulator's managed-identity endpoint in the
 * environment, which DefaultAzureCredential uses as it would use the pipeline's sign-in.
 */
const ROOT = path.join(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples', 'ci');
const WORK = path.join(ROOT, '.kvguard-tmp', 'ci-examples');
const SUBSCRIPTION = '22222222-2222-2222-2222-222222222222';
const MARKER = '# kvguard-ci-example';

/** The command line after the marker comment; the file must hold exactly one. */
function exampleCommand(yaml: string): string {
  const lines = yaml.split('\n');
  const markers = lines.map((line, index) => (line.trim() === MARKER ? index : -1)).filter((index) => index >= 0);
  expect(markers).toHaveLength(1);
  return at(lines, at(markers, 0) + 1).trim();
}

/** Shell words with double quotes, after the CI's own expansion of `$VAR` and `$(Macro)`. */
function words(command: string, variables: Record<string, string>): string[] {
  const expanded = command.replace(
    /\$\(([\w.]+)\)|\$(\w+)/g,
    (_all, macro: string | undefined, variable: string | undefined) => {
      const name = macro ?? variable ?? '';
      const value = variables[name];
      if (value === undefined) throw new Error(`example uses ${name}, which the test does not define`);
      return value;
    },
  );
  return [...expanded.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

function runnable(argv: string[], emulator: RunningEmulator): string[] {
  expect(argv.slice(0, 4)).toEqual(['npx', '--yes', 'kvguard', 'audit']);
  const args = argv.slice(3);
  expect(args[args.indexOf('--subscription') + 1]).toBe(SUBSCRIPTION);
  return [...args, '--endpoint', emulator.endpoint, '--ca-cert', emulator.caCertPath];
}

let emulator: RunningEmulator;
const savedEnv = { ...process.env };

beforeAll(async () => {
  emulator = await startEmulator({ seed: healthyPath().resources, throttle: false });
  for (const name of Object.keys(process.env))
    if (name.startsWith('AZURE_') || name.startsWith('IDENTITY_') || name.startsWith('MSI_')) delete process.env[name];
  process.env.IDENTITY_ENDPOINT = emulator.identityEndpoint;
  process.env.IDENTITY_HEADER = emulator.identityHeader;
}, 60_000);

afterAll(async () => {
  process.env = savedEnv;
  await emulator?.stop();
});

function reportsOf(args: string[]): Record<string, string> {
  const reports: Record<string, string> = {};
  args.forEach((arg, index) => {
    if (arg === '--report') {
      const [format, file] = take(at(args, index + 1).split('='), 2);
      reports[format] = file;
    }
  });
  return reports;
}

function yamlValue(yaml: string, key: string, variables: Record<string, string>): string {
  const match = new RegExp(`^\\s*${key}:\\s*(.+)$`, 'm').exec(yaml);
  if (!match) throw new Error(`no ${key} in the example`);
  return at(words(at(match, 1).trim(), variables), 0);
}

/** The file the example writes for one report format; the test fails when the example writes none. */
function reportFile(reports: Record<string, string>, format: string): string {
  return must(reports[format], `the example to write a ${format} report`);
}

async function runExample(
  name: string,
  variables: Record<string, string>,
): Promise<{ code: number; reports: Record<string, string>; yaml: string }> {
  const dir = path.join(WORK, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'staging'), { recursive: true });
  fs.copyFileSync(path.join(EXAMPLES, 'kvguard.config.json'), path.join(dir, 'kvguard.config.json'));
  const yaml = fs.readFileSync(path.join(EXAMPLES, name), 'utf8');
  const args = runnable(words(exampleCommand(yaml), { AZURE_SUBSCRIPTION_ID: SUBSCRIPTION, ...variables }), emulator);
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const before = emulator.requestCounts()['GET Microsoft.KeyVault/vaults (list)'] ?? 0;
    const run = await cli(...args);
    expect(run.stderr).toBe('');
    expect(emulator.requestCounts()['GET Microsoft.KeyVault/vaults (list)']).toBeGreaterThan(before);
    const reports = Object.fromEntries(
      Object.entries(reportsOf(args)).map(([format, file]) => [format, path.resolve(dir, file)]),
    );
    return { code: run.code, reports, yaml };
  } finally {
    process.chdir(cwd);
  }
}

describe('CI examples', () => {
  test('GitHub Actions: the audit passes on a healthy estate and writes the SARIF that upload-sarif uploads', async () => {
    const { code, reports, yaml } = await runExample('github-actions.yml', {});
    expect(code).toBe(0);
    expect(Object.keys(reports).sort()).toEqual(['html', 'markdown', 'sarif']);
    const sarif = JSON.parse(fs.readFileSync(reportFile(reports, 'sarif'), 'utf8')) as {
      version: string;
      runs: { invocations: { executionSuccessful: boolean }[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(at(at(sarif.runs, 0).invocations, 0).executionSuccessful).toBe(true);
    expect(fs.readFileSync(reportFile(reports, 'markdown'), 'utf8')).toMatch(/^## kvguard: all checks passed/);
    expect(fs.readFileSync(reportFile(reports, 'html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    const dir = path.join(WORK, 'github-actions.yml');
    expect(path.resolve(dir, yamlValue(yaml, 'sarif_file', {}))).toBe(reportFile(reports, 'sarif'));
    expect(yaml).toContain(`cat ${path.relative(dir, reportFile(reports, 'markdown'))} >> "$GITHUB_STEP_SUMMARY"`);
    expect(path.resolve(dir, yamlValue(yaml, 'path', {}))).toBe(reportFile(reports, 'html'));
    expect(yaml).toMatch(/uses: azure\/login@v2/);
    expect(yaml).toMatch(/id-token: write/);
  });

  test('Azure Pipelines: the audit passes and writes the JUnit file PublishTestResults reads', async () => {
    const staging = path.join(WORK, 'azure-pipelines.yml', 'staging');
    const variables = { 'Build.ArtifactStagingDirectory': staging };
    const { code, reports, yaml } = await runExample('azure-pipelines.yml', variables);
    expect(code).toBe(0);
    expect(Object.keys(reports).sort()).toEqual(['html', 'junit']);
    const junit = fs.readFileSync(reportFile(reports, 'junit'), 'utf8');
    expect(XMLValidator.validate(junit)).toBe(true);
    expect(junit).toContain('<testsuite id="0" name="kvguard: kv-payments-prod"');
    expect(yamlValue(yaml, 'testResultsFiles', variables)).toBe(reportFile(reports, 'junit'));
    expect(yamlValue(yaml, 'PathtoPublish', variables)).toBe(reportFile(reports, 'html'));
    expect(yaml).toMatch(/task: AzureCLI@2/);
    expect(yamlValue(yaml, 'testResultsFormat', {})).toBe('JUnit');
  });
});
