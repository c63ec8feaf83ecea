import { Logger } from '@nestjs/common';
import { ChangeRetention, RETENTION_BATCH, RETENTION_EVERY_MS } from './change-retention';

/** A retention on a fake log that deletes `batches` in turn (or throws an Error given). */
function retentionOver(batches: (number | Error)[], days = 30) {
  const calls: { relay: string; days: number; batch: number }[] = [];
  let clock = 1_000_000;
  const changeLog = {
    deletePublished: (options: { relay: string; days: number; batch: number }) => {
      calls.push(options);
      const next = batches.shift() ?? 0;
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
  };
  const retention = new ChangeRetention(changeLog, 'hub.changes.v1', days, () => clock);
  return {
    retention,
    calls,
    advance: (ms: number) => (clock += ms),
    run: () => retention.runDue({ query: () => Promise.resolve([]) }),
  };
}

describe('ChangeRetention', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('deletes in bounded batches until one comes back short, then waits for the next pass', async () => {
    const { run, calls, advance } = retentionOver([RETENTION_BATCH, RETENTION_BATCH, 17, 5]);
    expect(await run()).toBe(true);
    expect(await run()).toBe(true);
    expect(await run()).toBe(false);
    expect(calls).toEqual(
      Array(3).fill({ relay: 'hub.changes.v1', days: 30, batch: RETENTION_BATCH }),
    );
    expect(await run()).toBe(false);
    advance(RETENTION_EVERY_MS - 1);
    expect(await run()).toBe(false);
    expect(calls).toHaveLength(3);
    advance(1);
    expect(await run()).toBe(false);
    expect(calls).toHaveLength(4);
  });

  it('deletes nothing when the retention is 0 (for ever)', async () => {
    const { run, calls } = retentionOver([RETENTION_BATCH], 0);
    expect(await run()).toBe(false);
    expect(calls).toEqual([]);
  });

  it('starts a pass again when a relay takes the lease', async () => {
    const { retention, run, calls } = retentionOver([3, 4]);
    await run();
    await run();
    expect(calls).toHaveLength(1);
    retention.restart();
    await run();
    expect(calls).toHaveLength(2);
  });

  it('does not let a failure stop the relay: it tries again at the next pass', async () => {
    const { run, calls, advance } = retentionOver([new Error('canceling statement'), 2]);
    expect(await run()).toBe(false);
    expect(await run()).toBe(false);
    expect(calls).toHaveLength(1);
    advance(RETENTION_EVERY_MS);
    await run();
    expect(calls).toHaveLength(2);
  });
});
