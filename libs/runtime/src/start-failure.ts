import { serializeError } from '@hub/logging';

/**
 * The catch of a process's main(): one JSON line on stderr saying why the process did not start
 * (whatever was thrown, Error or not), then exit status 1. Written directly, not through the
 * process's logger, which may not exist yet and would not be flushed before the exit.
 */
export function exitOnStartFailure(processName: string): (error: unknown) => never {
  return (error) => {
    const err = serializeError(error);
    process.stderr.write(
      `${JSON.stringify({
        level: 'fatal',
        time: Date.now(),
        name: processName,
        msg: `${processName} failed to start: ${String(err.message)}`,
        err,
      })}\n`,
    );
    process.exit(1);
  };
}
