import { PartitionPipeline } from './partition-pipeline';

/** Work that finishes (or fails) when the test says so, logging when it starts. */
function controlled(log: string[], name: string) {
  let finish!: () => void;
  let fail!: (e: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    work: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
    },
    finish,
    fail,
  };
}

const settle = () => new Promise((r) => setImmediate(r));
const noBackoff = { initialMs: 0, maxMs: 0 };

describe('PartitionPipeline', () => {
  it('runs one partition’s work in order, and other partitions’ beside it', async () => {
    const log: string[] = [];
    const pipeline = new PartitionPipeline(2, noBackoff);
    const a1 = controlled(log, 'a1');
    const a2 = controlled(log, 'a2');
    const b1 = controlled(log, 'b1');
    await pipeline.enqueue('a', a1.work, fail);
    await pipeline.enqueue('a', a2.work, fail);
    await pipeline.enqueue('b', b1.work, fail);
    await settle();
    expect(log).toEqual(['start a1', 'start b1']);
    b1.finish();
    a2.finish(); // a2 may be done early: it still starts only after a1
    await settle();
    expect(log).toEqual(['start a1', 'start b1', 'end b1']);
    a1.finish();
    await pipeline.drain();
    expect(log).toEqual(['start a1', 'start b1', 'end b1', 'end a1', 'start a2', 'end a2']);
  });

  it('holds a partition’s next work back while `depth` of it is outstanding', async () => {
    const log: string[] = [];
    const pipeline = new PartitionPipeline(2, noBackoff);
    const works = ['1', '2', '3'].map((n) => controlled(log, n));
    await pipeline.enqueue('p', works[0].work, fail);
    await pipeline.enqueue('p', works[1].work, fail);
    let third = false;
    const queued = pipeline.enqueue('p', works[2].work, fail).then((q) => (third = q));
    await settle();
    expect(third).toBe(false);
    works[0].finish();
    await queued;
    expect(third).toBe(true);
    works[1].finish();
    works[2].finish();
    await pipeline.drain();
    expect(log.filter((l) => l.startsWith('start'))).toEqual(['start 1', 'start 2', 'start 3']);
  });

  it('drops what was queued behind failed work, reports the failure once, and takes new work', async () => {
    const log: string[] = [];
    const failures: unknown[] = [];
    const pipeline = new PartitionPipeline(2, noBackoff);
    const first = controlled(log, 'first');
    const second = controlled(log, 'second');
    await pipeline.enqueue('p', first.work, (e) => failures.push(e));
    await pipeline.enqueue('p', second.work, (e) => failures.push(e));
    first.fail(new Error('connection terminated'));
    second.finish();
    await pipeline.drain();
    expect(log).toEqual(['start first']);
    expect(failures).toEqual([new Error('connection terminated')]);

    const again = controlled(log, 'again');
    await expect(pipeline.enqueue('p', again.work, fail)).resolves.toBe(true);
    again.finish();
    await pipeline.drain();
    expect(log).toEqual(['start first', 'start again', 'end again']);
  });

  it('refuses work that waited for room while earlier work failed', async () => {
    const log: string[] = [];
    const pipeline = new PartitionPipeline(1, noBackoff);
    const first = controlled(log, 'first');
    await pipeline.enqueue('p', first.work, () => undefined);
    const waiting = pipeline.enqueue('p', controlled(log, 'late').work, fail);
    first.fail(new Error('deadlock detected'));
    await expect(waiting).resolves.toBe(false);
    await pipeline.drain();
    expect(log).toEqual(['start first']);
  });

  it('backs off before a failed partition’s next work, longer after each failure', async () => {
    const pipeline = new PartitionPipeline(1, { initialMs: 40, maxMs: 1000 });
    const failing = async () => {
      throw new Error('database is down');
    };
    const timeEnqueue = async () => {
      const started = performance.now();
      await pipeline.enqueue('p', failing, () => undefined);
      await pipeline.drain();
      return performance.now() - started;
    };
    await timeEnqueue(); // the first failure
    expect(await timeEnqueue()).toBeGreaterThanOrEqual(35);
    expect(await timeEnqueue()).toBeGreaterThanOrEqual(75);
  });
});

function fail(error: unknown): never {
  throw error;
}
