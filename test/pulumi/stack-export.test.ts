import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAudit } from '../../src/cli/pipeline';
import type { Finding } from '../../src/engine/types';
import { DEFAULT_CALLER } from '../../src/model/caller';
import { STACK_SUBSCRIPTION } from '../../src/pulumi/deploy';
import { PROJECT } from '../../src/pulumi/runtime';
import { runCli } from '../support/run-cli';
import { tempDir } from '../support/temp-dir';
import { EXPECTED_FAILS, deployInto, withFreshEmulator } from './support';

/**
 * Issue 12: a deployed Pulumi stack audited offline from `pulumi stack export`. The export's shape is the
 * engine's checkpoint: `{version: 3, deployment: {manifest, resources: [{urn, custom, id, type, inputs,
 * outputs, parent, provider, ...}]}}` (https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_export/;
 * `apitype.DeploymentV3` and `ResourceV3` in pulumi/pulumi's sdk/go/common/apitype/core.go), with the stack
 * itself and the provider as resources of their own. The outputs come from a real deployment of the stack into
 * the emulator (the provider's answers), and the audit of the export equals the live audit of the same estate.
 */
const NOW = new Date('2026-03-01T00:00:00Z');
const temp = tempDir('kvguard-stack-export');
const key = (f: Finding): string => `${f.ruleId} ${f.outcome} ${f.resourceId}`;

test('pulumi stack export of stale-a-record: the same findings as the live audit, KV205 fails, exit 1', async () => {
  await withFreshEmulator(async (emulator) => {
    const run = await deployInto(emulator, 'stale-a-record');
    const stackUrn = `urn:pulumi:stale-a-record::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-stale-a-record`;
    const providerUrn = `urn:pulumi:stale-a-record::${PROJECT}::pulumi:providers:azure-native::default_3_28_0`;
    const exported = {
      version: 3,
      deployment: {
        manifest: { time: '2026-03-01T00:00:00Z', magic: '', version: 'v3.200.0' },
        secrets_providers: { type: 'service', state: {} },
        resources: [
          { urn: stackUrn, custom: false, type: 'pulumi:pulumi:Stack', outputs: {} },
          {
            urn: providerUrn,
            custom: true,
            id: '2b0fbb1c-5a3c-4f8e-9d57-1d6b8e3c7a10',
            type: 'pulumi:providers:azure-native',
            inputs: { location: 'westeurope' },
            outputs: { location: 'westeurope' },
          },
          ...run.resources.map((r) => ({
            urn: r.urn,
            custom: true,
            id: r.id,
            type: r.type,
            inputs: r.inputs,
            outputs: r.state,
            parent: stackUrn,
            provider: `${providerUrn}::2b0fbb1c-5a3c-4f8e-9d57-1d6b8e3c7a10`,
          })),
        ],
      },
    };
    const file = path.join(temp.dir, 'export.json');
    fs.writeFileSync(file, JSON.stringify(exported, null, 4));

    // The stack keeps its record by hand on purpose: KV104 is told so, as the stack's own audit is.
    const rules = { KV104: { options: { dnsManagedElsewhere: true } } };
    const config = temp.writeJson('kvguard.config.json', { rules });
    const audit = await runCli(['audit', '--snapshot', file, '--config', config, '--format', 'json']);
    expect(audit.code).toBe(1);
    const fromExport = (JSON.parse(audit.stdout) as { findings: Finding[] }).findings;
    const failing = [...new Set(fromExport.filter((f) => f.outcome === 'fail').map((f) => f.ruleId))];
    expect(failing.filter((id) => /^KV[123]/.test(id))).toEqual(EXPECTED_FAILS['stale-a-record']);

    const live = await runAudit({
      source: {
        kind: 'live',
        options: {
          subscriptions: [STACK_SUBSCRIPTION],
          cloud: 'AzureCloud',
          endpoint: emulator.endpoint,
          caCertFile: emulator.caCertPath,
        },
      },
      caller: DEFAULT_CALLER,
      config: { rules },
      now: NOW,
    });
    // Diagnostic settings are not resources of the stack: KV503's input differs. And Pulumi's state holds the
    // vault as it was PUT, before the endpoint's connection existed (until `pulumi refresh`): the link is read
    // from the endpoint's side, so KV102/KV103 report it on the endpoint's id rather than the vault's connection.
    const onPath = (findings: Finding[]): string[] =>
      findings
        .filter((f) => f.ruleId !== 'KV503')
        .map((f) => (f.ruleId === 'KV102' || f.ruleId === 'KV103' ? `${f.ruleId} ${f.outcome}` : key(f)));
    expect(onPath(fromExport)).toEqual(onPath(live.result.findings));
    expect(fromExport.filter((f) => f.ruleId === 'KV205').map((f) => [f.outcome, f.message])).toEqual([
      ['fail', "A record kvg-stalerecord points at 10.1.1.9; the private endpoint's NIC has 10.1.1.4"],
    ]);
  });
});

test('an export whose resources are not an array is one line with its pointer, exit 2', async () => {
  const file = temp.writeJson('bad-export.json', { version: 3, deployment: { resources: { urn: 'x' } } });
  const run = await runCli(['audit', '--snapshot', file]);
  expect(run).toEqual({
    code: 2,
    stdout: '',
    stderr: `kvguard: ${file}: /deployment/resources: expected the stack's array of resources, found object\n`,
  });
});
