/** What the pipeline reports when a partition's work failed and what came after it was dropped. */
export type PipelineFailure = (error: unknown) => void;

interface Line {
  /** The partition's last queued work; the next one starts when it settles. */
  tail: Promise<void>;
  /** Queued or running. */
  outstanding: number;
  /** Bumped by a failure: work queued under an older generation is dropped. */
  generation: number;
  /** Consecutive failures, for the back-off before the partition's next work is taken. */
  failures: number;
  /** Wakes whoever waits for room on this line. */
  settled: (() => void)[];
}

/**
 * Lets a consumer fetch ahead while earlier batches are still being written: each partition's
 * work runs one after another, in the order it was queued, with at most `depth` of it queued
 * or running, and different partitions run side by side.
 *
 * Why: kafkajs fetches again only once every batch of the previous fetch was handled. When the
 * handler waits for its batch to be durable, the fetch waits for the slowest transaction and
 * the others sit idle; records produced meanwhile wait a whole cycle more. Queued here, a batch
 * is handed over at once and the next fetch starts.
 *
 * When a partition's work fails, everything queued after it on that line is dropped and
 * `onFailure` is told (the transport rewinds the partition to re-read from the failed batch);
 * the partition's next work then waits for a back-off that grows with repeated failures.
 * Hand-written because it is the hub's own scheduling around kafkajs, a few dozen lines.
 */
export class PartitionPipeline {
  private readonly lines = new Map<string, Line>();

  constructor(
    private readonly depth: number,
    private readonly backoff: { initialMs: number; maxMs: number } = {
      initialMs: 500,
      maxMs: 30_000,
    },
  ) {}

  /**
   * Queues `work` on the partition's line once it has room (calling `whileWaiting` now and
   * then as it waits, e.g. to heartbeat). Returns false, without queuing, when work queued
   * earlier on the line failed meanwhile: what the caller holds must then be read again.
   */
  async enqueue(
    partition: string,
    work: () => Promise<void>,
    onFailure: PipelineFailure,
    whileWaiting: () => Promise<void> = () => Promise.resolve(),
  ): Promise<boolean> {
    const line = this.line(partition);
    const generation = line.generation;
    while (line.outstanding >= this.depth) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        line.settled.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await whileWaiting();
    }
    if (line.generation !== generation) return false;
    if (line.failures > 0) {
      const until =
        Date.now() +
        Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (line.failures - 1));
      for (let left = until - Date.now(); left > 0; left = until - Date.now()) {
        await sleep(Math.min(left, 1000));
        await whileWaiting();
      }
      if (line.generation !== generation) return false;
    }
    line.outstanding++;
    line.tail = line.tail.then(async () => {
      try {
        if (line.generation !== generation) return;
        await work();
        line.failures = 0;
      } catch (error) {
        line.generation++;
        line.failures++;
        onFailure(error);
      } finally {
        line.outstanding--;
        for (const wake of line.settled.splice(0)) wake();
      }
    });
    return true;
  }

  /** Resolves once everything queued so far (on every line) has settled. */
  async drain(): Promise<void> {
    for (;;) {
      const busy = [...this.lines.values()].filter((l) => l.outstanding > 0);
      if (busy.length === 0) return;
      await Promise.all(busy.map((l) => l.tail));
    }
  }

  private line(partition: string): Line {
    let line = this.lines.get(partition);
    if (!line) {
      line = { tail: Promise.resolve(), outstanding: 0, generation: 0, failures: 0, settled: [] };
      this.lines.set(partition, line);
    }
    return line;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
