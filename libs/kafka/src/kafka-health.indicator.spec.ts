import { createServer, type Server, type Socket } from 'node:net';
import { HealthIndicatorService } from '@nestjs/terminus';
import { loadConfig } from '@hub/config';
import { KafkaHealthIndicator } from './kafka-health.indicator';

/**
 * The ingest's and the relay's readiness with their broker away answers "down" within its
 * timeout: a probe that hangs is no answer. It once waited 40-50 s, the connection retried
 * under the client's back-off (test/e2e/broker-restart.e2e-spec.ts found it).
 */
describe('KafkaHealthIndicator with the broker away', () => {
  const probe = async (port: number) => {
    const indicator = new KafkaHealthIndicator(
      loadConfig({ KAFKA_BROKERS: `127.0.0.1:${port}` }),
      new HealthIndicatorService(),
    );
    const started = Date.now();
    try {
      return { result: await indicator.isReachable('kafka', 2000), ms: Date.now() - started };
    } finally {
      await indicator.onModuleDestroy();
    }
  };
  const listen = (server: Server) =>
    new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );

  it('answers down at once when nothing listens', async () => {
    // A port that was free a moment ago: connections to it are refused.
    const server = createServer();
    const port = await listen(server);
    await new Promise((r) => server.close(r));
    const { result, ms } = await probe(port);
    expect(result).toMatchObject({ kafka: { status: 'down' } });
    expect(ms).toBeLessThan(2500);
  });

  it('answers down within its timeout when the broker accepts but never answers', async () => {
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    const port = await listen(server);
    try {
      const { result, ms } = await probe(port);
      expect(result).toMatchObject({ kafka: { status: 'down' } });
      expect(ms).toBeLessThan(2500);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
