import { createServer } from 'node:net';

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly variable: string,
  ) {
    super(
      `port ${port} (${variable}) is already in use: another process listens on it, perhaps ` +
        `another hub. Stop it, or set ${variable} to a free port`,
    );
    this.name = 'PortInUseError';
  }
}

/**
 * Fails when `port` cannot be bound on `host`, before a process does its slow start work
 * (the embedded PostgreSQL, migrations, the demo data): listen() is the last step of a start, and
 * a port in use was otherwise reported only after all of it. Another process may still take the
 * port in between; listen() then fails the same way (listenError).
 */
export async function assertPortFree(port: number, host: string, variable: string): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, resolve);
  }).catch((error: unknown) => {
    throw listenError(error, port, variable);
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A PortInUseError for listen()'s EADDRINUSE, `error` itself otherwise. */
export function listenError(error: unknown, port: number, variable: string): unknown {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE'
    ? new PortInUseError(port, variable)
    : error;
}
