import type pino from 'pino';

export type ShutdownStep = { name: string; run: () => Promise<unknown> };

/**
 * On SIGTERM or SIGINT runs the steps in order (e.g. stop consuming and finish the in-flight
 * batch, close HTTP, stop the embedded database) and exits 0; a second signal, or a step that
 * hangs past `timeoutMs`, exits 1 at once. Kubernetes sends SIGTERM, then SIGKILL after the
 * grace period, so the timeout must stay below it.
 */
export function shutdownOnSignals(
  log: pino.Logger,
  steps: ShutdownStep[],
  timeoutMs = 25_000,
): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, timeoutMs).unref();
    for (const step of steps) {
      try {
        await step.run();
        log.info({ step: step.name }, 'stopped');
      } catch (error) {
        log.error({ step: step.name, err: error }, 'shutdown step failed');
      }
    }
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, (s) => void stop(s));
}
