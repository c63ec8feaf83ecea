import { setImmediate as nextTurn } from 'node:timers/promises';
import { forEachInSlices } from './event-loop-slices';

describe('forEachInSlices', () => {
  it('visits every item once, in order, with its index', async () => {
    const seen: [string, number][] = [];
    await forEachInSlices(['a', 'b', 'c', 'd', 'e'], (item, i) => seen.push([item, i]), 2);
    expect(seen).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 2],
      ['d', 3],
      ['e', 4],
    ]);
  });

  it('lets other work waiting on the event loop run between slices, not within one', async () => {
    const events: string[] = [];
    const other = nextTurn().then(() => events.push('other'));
    await forEachInSlices([1, 2, 3, 4], (n) => events.push(`item ${n}`), 2);
    await other;
    expect(events).toEqual(['item 1', 'item 2', 'other', 'item 3', 'item 4']);
  });

  it('does nothing for no items and runs a single slice without yielding', async () => {
    const events: string[] = [];
    void nextTurn().then(() => events.push('other'));
    await forEachInSlices([], () => events.push('never'));
    await forEachInSlices([1, 2], (n) => events.push(`item ${n}`), 2);
    expect(events).toEqual(['item 1', 'item 2']);
  });
});
