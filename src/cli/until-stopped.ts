/** Resolves on the first SIGINT or SIGTERM (Ctrl-C), for commands that serve until stopped (emulator, stack deploy). */
export function untilStopped(signals: NodeJS.EventEmitter = process): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      signals.off('SIGINT', stop);
      signals.off('SIGTERM', stop);
      resolve();
    };
    signals.on('SIGINT', stop);
    signals.on('SIGTERM', stop);
  });
}
