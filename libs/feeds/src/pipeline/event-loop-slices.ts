import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Records handled between two turns of the event loop in the ingest's long synchronous loops
 * (validating and mapping a batch, building its rows). One process runs several transactions
 * at a time (HUB_INGEST_CONCURRENT_TRANSACTIONS) on its one thread; while one validates its
 * 6,000 records (about 0.4 s of CPU in one go), another, which holds the resolution locks that
 * further batches wait on, cannot take its database replies. Sliced, it waits at most one
 * slice (a few milliseconds).
 */
export const RECORDS_PER_SLICE = 256;

/**
 * `each` over `items` in order, letting the event loop run (I/O callbacks, other transactions'
 * continuations) between slices of `slice` items.
 */
export async function forEachInSlices<T>(
  items: readonly T[],
  each: (item: T, index: number) => void,
  slice = RECORDS_PER_SLICE,
): Promise<void> {
  for (let start = 0; start < items.length; start += slice) {
    if (start > 0) await nextTurn();
    const end = Math.min(items.length, start + slice);
    for (let i = start; i < end; i++) each(items[i], i);
  }
}
