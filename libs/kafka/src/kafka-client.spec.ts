import { Writable } from 'node:stream';
import { logLevel } from 'kafkajs';
import pino from 'pino';
import { pinoLogCreator } from './kafka-client';

describe('pinoLogCreator', () => {
  const logged = () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    return { lines, log: pinoLogCreator(pino({ level: 'warn' }, sink))() };
  };

  it('writes the stack of an error kafkajs logs beside it once, in the error', () => {
    const { lines, log } = logged();
    const error = new Error('terminating connection due to administrator command');
    log({
      namespace: 'Runner',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        timestamp: '2026-12-01T00:00:00.000Z',
        message: 'Error when calling eachBatch',
        topic: 't',
        stack: error.stack,
        error,
      },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toHaveProperty('stack');
    expect(lines[0]).toMatchObject({
      kafka: 'Runner',
      topic: 't',
      msg: 'Error when calling eachBatch',
      error: { message: error.message, stack: error.stack },
    });
  });

  it('keeps a stack that is not the logged error’s', () => {
    const { lines, log } = logged();
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: { timestamp: '2026-12-01T00:00:00.000Z', message: 'failed', stack: 'Error: other' },
    });
    expect(lines[0]).toMatchObject({ stack: 'Error: other', msg: 'failed' });
  });
});
