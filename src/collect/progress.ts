import type { LiveOptions } from './types';

/**
 * The live collection's progress on stderr (cli-progress): resources read and vaults found, then vaults
 * evaluated. Only on a terminal: silent when stderr is not a TTY, in CI (`CI` set and not "false") and
 * with --quiet, so logs and piped output never carry control characters.
 */
export interface Progress {
  onProgress: NonNullable<LiveOptions['onProgress']> | undefined;
  vaultsEvaluated(count: number): void;
  stop(): void;
}

export interface ProgressContext {
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
}

export function progressEnabled({ quiet, stream = process.stderr, env = process.env }: ProgressContext): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI.toLowerCase() !== 'false';
  return !quiet && !ci && Boolean(stream.isTTY);
}

const SILENT: Progress = { onProgress: undefined, vaultsEvaluated: () => undefined, stop: () => undefined };

export function createProgress(context: ProgressContext = {}): Progress {
  if (!progressEnabled(context)) return SILENT;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SingleBar } = require('cli-progress') as typeof import('cli-progress');
  const bar = new SingleBar({
    stream: context.stream ?? process.stderr,
    format: 'kvguard: {value} resources read, {vaults} vaults found{evaluated}',
    clearOnComplete: true,
    hideCursor: true,
  });
  let started = false;
  const payload = { vaults: 0, evaluated: '' };
  return {
    onProgress: ({ resourcesRead, vaultsFound }) => {
      payload.vaults = vaultsFound;
      if (!started) {
        bar.start(0, resourcesRead, payload);
        started = true;
      } else bar.update(resourcesRead, payload);
    },
    vaultsEvaluated: (count) => {
      payload.evaluated = `, ${count} vaults evaluated`;
      if (started) bar.update(payload);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
