import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts a policy pack the way the Pulumi CLI does. The CLI's nodejs policy shim (`pulumi-analyzer-policy`,
 * now the nodejs language host's RunPlugin) resolves `@pulumi/pulumi/cmd/run-policy-pack` from the pack's own
 * folder and runs it with node, in that folder, with the engine address and `.` as arguments; the pack prints
 * its gRPC port on stdout. Sources: pulumi/pulumi pkg/resource/plugin/analyzer_plugin.go (NewPolicyAnalyzer:
 * `pwd := policyPackPath`, `args := []string{host.ServerAddr(), "."}`) and
 * sdk/nodejs/cmd/pulumi-language-nodejs/main.go (RunPlugin: `runPath = "@pulumi/pulumi/cmd/run-policy-pack"`,
 * `locateModule(..., req.Info.ProgramDirectory, ...)`). The environment carries what constructEnv adds:
 * PULUMI_CONFIG (stack config as JSON), PULUMI_NODEJS_PROJECT / _STACK / _DRY_RUN.
 */
export interface RunningPack {
  port: number;
  /** From spawn to the port on stdout. */
  startMs: number;
  stderr: () => string;
  stop: () => Promise<void>;
}

export interface PackEnvironment {
  project: string;
  stack: string;
  dryRun: boolean;
  config?: Record<string, string>;
}

export function runPolicyPackPath(packDir: string): string {
  return require.resolve('@pulumi/pulumi/cmd/run-policy-pack', { paths: [packDir] });
}

export function startPack(
  packDir: string,
  environment: PackEnvironment,
  now = () => performance.now(),
): Promise<RunningPack> {
  const started = now();
  const child: ChildProcess = spawn(process.execPath, [runPolicyPackPath(packDir), '127.0.0.1:0', '.'], {
    cwd: packDir,
    env: {
      ...process.env,
      PULUMI_CONFIG: JSON.stringify(environment.config ?? {}),
      PULUMI_NODEJS_PROJECT: environment.project,
      PULUMI_NODEJS_STACK: environment.stack,
      PULUMI_NODEJS_DRY_RUN: String(environment.dryRun),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the policy pack in ${packDir} exited (${code}) before printing its port:\n${stderr}`)),
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const line = /^(\d+)\s*$/m.exec(stdout);
      if (line?.[1]) resolve({ port: Number(line[1]), startMs: now() - started, stderr: () => stderr, stop });
    });
  });
}
