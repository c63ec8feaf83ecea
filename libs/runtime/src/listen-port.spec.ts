import { createServer, type Server } from 'node:net';
import { assertPortFree, listenError, PortInUseError } from './listen-port';

describe('checking the port before the slow start work', () => {
  let taken: Server;
  let port: number;

  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
    port = (taken.address() as { port: number }).port;
  });

  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

  it('fails on a port in use, naming the port and its variable', async () => {
    const failure = assertPortFree(port, '0.0.0.0', 'PORT');
    await expect(failure).rejects.toBeInstanceOf(PortInUseError);
    await expect(failure).rejects.toThrow(`port ${port} (PORT) is already in use`);
  });

  it('passes on a free port and leaves it free', async () => {
    const free = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '0.0.0.0', () => {
        const { port: p } = probe.address() as { port: number };
        probe.close(() => resolve(p));
      });
    });
    await assertPortFree(free, '0.0.0.0', 'PORT');
    await assertPortFree(free, '0.0.0.0', 'PORT');
  });

  it("turns listen()'s EADDRINUSE into the same error, and leaves others as they are", () => {
    const inUse = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    expect(listenError(inUse, 3000, 'PORT')).toBeInstanceOf(PortInUseError);
    const denied = Object.assign(new Error('listen EACCES'), { code: 'EACCES' });
    expect(listenError(denied, 80, 'PORT')).toBe(denied);
  });
});
