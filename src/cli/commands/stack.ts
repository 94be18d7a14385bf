import { Command } from 'commander';
import { UsageError } from '../../errors';
import { setExitCode } from '../main';
import { untilStopped } from '../until-stopped';
import { useEmulatorIdentity } from '../../emulator/identity-env';

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
  const stacks = listStacks(stacksDir());
  if (!stacks.includes(name)) throw new UsageError(`stack ${name}: unknown; the stacks are ${stacks.join(', ')}`);
  if ((flags.endpoint === undefined) !== (flags.caCert === undefined))
    throw new UsageError('--endpoint and --ca-cert go together');
  const fs = await import('node:fs');
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
    const callerIp = run.config['kvguard-stacks:auditCallerIp'];
    process.stdout.write(
      [
        `endpoint: ${emulator.endpoint}`,
        `ca: ${emulator.caCertPath}`,
        summary(run.stack, run.resources.length).trimEnd(),
        'audit it from another shell (stop the emulator with Ctrl-C):',
        `  export IDENTITY_ENDPOINT=${emulator.identityEndpoint} IDENTITY_HEADER=${emulator.identityHeader}`,
        `  kvguard audit --endpoint ${emulator.endpoint} --ca-cert ${emulator.caCertPath} --subscription ${STACK_SUBSCRIPTION}${callerIp ? ` --caller-ip ${callerIp}` : ''}`,
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

function summary(stack: string, count: number): string {
  return `deployed stack ${stack}: ${count} resources\n`;
}
