import { BatchGatherer } from './batch-gatherer';

/** A run whose calls finish when the test says so. */
function controlledRun() {
  const calls: { items: number[]; finish: () => void; fail: (e: Error) => void }[] = [];
  const run = (items: number[]) =>
    new Promise<number[]>((resolve, reject) =>
      calls.push({ items, finish: () => resolve(items.map((i) => i * 10)), fail: reject }),
    );
  return { calls, run };
}

const slice = (result: number[], start: number, end: number) => result.slice(start, end);
const tick = () => new Promise((r) => setImmediate(r));

describe('BatchGatherer', () => {
  it('gathers the submissions of one turn into one call, and those made meanwhile into the next', async () => {
    const { calls, run } = controlledRun();
    const gatherer = new BatchGatherer(run, slice, { maxItems: 100, concurrency: 1 });
    const first = gatherer.submit([1, 2]);
    const second = gatherer.submit([3]);
    await tick();
    const third = gatherer.submit([4, 5]);
    const fourth = gatherer.submit([6]);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3]]);
    calls[0].finish();
    await expect(first).resolves.toEqual([10, 20]);
    await expect(second).resolves.toEqual([30]);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    calls[1].finish();
    await expect(third).resolves.toEqual([40, 50]);
    await expect(fourth).resolves.toEqual([60]);
  });

  it('never splits a submission and keeps calls within maxItems', async () => {
    const { calls, run } = controlledRun();
    const gatherer = new BatchGatherer(run, slice, { maxItems: 3, concurrency: 1 });
    const all = [[1], [2, 3], [4, 5], [6, 7, 8, 9]].map((items) => gatherer.submit(items));
    await tick();
    for (let i = 0; i < 3; i++) {
      calls[i].finish();
      await tick();
    }
    calls[3]?.finish();
    await Promise.all(all);
    expect(calls.map((c) => c.items)).toEqual([
      [1, 2, 3],
      [4, 5],
      [6, 7, 8, 9],
    ]);
  });

  it('shares what waits evenly among up to `concurrency` calls', async () => {
    const { calls, run } = controlledRun();
    const gatherer = new BatchGatherer(run, slice, { maxItems: 10, concurrency: 2 });
    for (const items of [[1], [2], [3], [4], [5]]) void gatherer.submit(items);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    void gatherer.submit([6]);
    void gatherer.submit([7]);
    await tick();
    expect(calls).toHaveLength(2);
    calls[1].finish();
    await tick();
    expect(calls.map((c) => c.items)).toEqual([
      [1, 2, 3],
      [4, 5],
      [6, 7],
    ]);
  });

  it('fails every submission of a failed call, and goes on with the next', async () => {
    const { calls, run } = controlledRun();
    const gatherer = new BatchGatherer(run, slice, { maxItems: 10, concurrency: 1 });
    const first = gatherer.submit([1]);
    const second = gatherer.submit([2]);
    await tick();
    calls[0].fail(new Error('serialization failure'));
    await expect(first).rejects.toThrow('serialization failure');
    await expect(second).rejects.toThrow('serialization failure');
    const third = gatherer.submit([3]);
    await tick();
    calls[1].finish();
    await expect(third).resolves.toEqual([30]);
  });
});
