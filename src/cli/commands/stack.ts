import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../../errors';
import { setExitCode } from '../main';
import { untilStopped } from '../until-stopped';
import { useEmulatorIdentity } from '../../emulator/identity-env';
import type { StackRun } from '../../pulumi/deploy';

/**
 * `kvguard stack deploy <stack>`: runs the Pulumi stack program (stacks/) under Pulumi's mock runtime and
 * PUTs each resource into an ARM emulator, started here unless --endpoint names a running one; then
 * `kvguard audit` can run live against it. `kvguard stack list` names the stacks. Pulumi and the emulator
 * are loaded inside the actions.
 */
interface DeployFlags {
  endpoint?: string;
  caCert?: string;
}

export function register(program: Command): void {
  const stack = program
    .command('stack')
    .description('deploy the kvguard Pulumi stacks (stacks/) into an ARM emulator, without the Pulumi CLI');
  stack
    .command('list')
    .description('list the stacks (stacks/Pulumi.<stack>.yaml)')
    .action(async (_flags: object, command: Command) => {
      const { stacksDir } = await import('../../pulumi/deploy');
      const { listStacks } = await import('../../pulumi/stack-config');
      requireStacks(stacksDir(), false);
      process.stdout.write(`${listStacks(stacksDir()).join('\n')}\n`);
      setExitCode(command, 0);
    });
  stack
    .command('deploy <stack>')
    .description(
      'deploy a stack into a new emulator (kept running until Ctrl-C), or into a running one with --endpoint',
    )
    .option('--endpoint <url>', 'a running emulator (its subscription must exist: seed it with the stack subscription)')
    .option('--ca-cert <file>', "PEM file of the emulator's CA (with --endpoint)")
    .action(async (name: string, flags: DeployFlags, command: Command) => {
      setExitCode(command, await deploy(name, flags));
    });
}

async function deploy(name: string, flags: DeployFlags, signals: NodeJS.EventEmitter = process): Promise<number> {
  const { STACK_SUBSCRIPTION, credentialToken, deployStack, stacksDir } = await import('../../pulumi/deploy');
  const { listStacks } = await import('../../pulumi/stack-config');
  requireStacks(stacksDir(), true);
  const stacks = listStacks(stacksDir());
  if (!stacks.includes(name)) throw new UsageError(`stack ${name}: unknown; the stacks are ${stacks.join(', ')}`);
  if ((flags.endpoint === undefined) !== (flags.caCert === undefined))
    throw new UsageError('--endpoint and --ca-cert go together');
  if (flags.endpoint !== undefined && flags.caCert !== undefined) {
    if (!fs.existsSync(flags.caCert)) throw new UsageError(`--ca-cert: ${flags.caCert}: no such file`);
    const run = await deployStack(name, {
      endpoint: flags.endpoint.replace(/\/+$/, ''),
      caCertPem: fs.readFileSync(flags.caCert, 'utf8'),
      token: credentialToken(),
    });
    process.stdout.write(summary(run.stack, run.resources.length));
    return 0;
  }
  const { startEmulator } = await import('../../emulator/index');
  const emulator = await startEmulator({
    seed: [
      {
        id: `/subscriptions/${STACK_SUBSCRIPTION}`,
        name: STACK_SUBSCRIPTION,
        type: 'Microsoft.Resources/subscriptions',
      },
    ],
  });
  const restoreIdentity = useEmulatorIdentity(emulator);
  try {
    const run = await deployStack(name, {
      endpoint: emulator.endpoint,
      caCertPem: emulator.caCertPem,
      token: credentialToken(),
    });
    process.stdout.write(
      [
        `endpoint: ${emulator.endpoint}`,
        `ca: ${emulator.caCertPath}`,
        summary(run.stack, run.resources.length).trimEnd(),
        'audit it from another shell (stop the emulator with Ctrl-C):',
        `  export IDENTITY_ENDPOINT=${emulator.identityEndpoint} IDENTITY_HEADER=${emulator.identityHeader}`,
        `  ${auditCommand(run, emulator.endpoint, emulator.caCertPath, STACK_SUBSCRIPTION)}`,
        '',
      ].join('\n'),
    );
    await untilStopped(signals);
    return 0;
  } finally {
    restoreIdentity();
    await emulator.stop();
  }
}

/**
 * The stacks (stacks/) and the Pulumi SDK they run on come with a clone of the kvguard repository, not with the
 * npm package: auditing never needs Pulumi, so the package does not install it (issue 10). Without them the
 * command says so in one line (exit 2) instead of failing on a missing module.
 */
export const PULUMI_PACKAGES = ['@pulumi/pulumi', '@pulumi/azure-native'] as const;

function requireStacks(dir: string, needPulumi: boolean): void {
  if (!fs.existsSync(path.join(dir, 'Pulumi.yaml')))
    throw new UsageError(
      `stack: no Pulumi stacks in ${dir}: they ship with the kvguard repository (stacks/), not with the npm package`,
    );
  if (!needPulumi) return;
  const missing = PULUMI_PACKAGES.filter((name) => !resolvable(name));
  if (missing.length)
    throw new UsageError(
      `stack deploy needs ${missing.join(' and ')}, which the kvguard package does not install: npm install ${PULUMI_PACKAGES.join(' ')}`,
    );
}

function resolvable(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

function summary(stack: string, count: number): string {
  return `deployed stack ${stack}: ${count} resources\n`;
}

/**
 * The audit to run against a deployed stack, with the caller its file or program names: `auditCallerIp` (config)
 * or `auditCallerSubnetId` (an output: the hub-firewall stacks' app subnet, whose id only deployment tells).
 */
export function auditCommand(
  run: Pick<StackRun, 'config' | 'outputs'>,
  endpoint: string,
  caCertPath: string,
  subscriptionId: string,
): string {
  const callerIp = run.config['kvguard-stacks:auditCallerIp'];
  const subnet = run.outputs.auditCallerSubnetId;
  return [
    `kvguard audit --endpoint ${endpoint} --ca-cert ${caCertPath} --subscription ${subscriptionId}`,
    ...(callerIp ? [`--caller-ip ${callerIp}`] : []),
    ...(typeof subnet === 'string' ? [`--caller-subnet ${subnet}`] : []),
  ].join(' ');
}
