/**
 * Gathers work handed over concurrently into fewer, larger calls of `run`: what is submitted
 * together is shared out among at most `concurrency` calls of up to `maxItems` items each (a
 * submission is never split), and what is submitted while they run goes into the next ones.
 * Each submitter gets back the part of the result for its own items.
 *
 * Why: kafkajs hands over one batch per partition, several at once. At a steady rate those
 * batches are small, and a transaction costs about the same two dozen round trips and lock
 * waits whatever its size, so one transaction per partition batch spends most of its time on
 * overhead and in lock waits on the other partitions' transactions. Gathered, the batches of a
 * fetch share one transaction. Nothing waits on a timer: a lone submission runs in the next
 * turn of the event loop, and the gathering grows with the load. Hand-written because it is a
 * dozen lines of the hub's own scheduling, not a general queue.
 */
export class BatchGatherer<Item, Result> {
  private pending: {
    items: Item[];
    resolve: (result: Result) => void;
    reject: (error: unknown) => void;
  }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (items: Item[]) => Promise<Result>,
    /** The part of `result` that belongs to the items at [start, end) of the call. */
    private readonly slice: (result: Result, start: number, end: number) => Result,
    /** `maxItems` may change between calls (see ConsumerBacklog): read as each call starts. */
    private readonly limits: { maxItems: number | (() => number); concurrency: number },
  ) {}

  submit(items: Item[]): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.pending.push({ items, resolve, reject });
      // Submissions made in the same turn of the event loop (kafkajs hands over the batches of
      // a fetch together) are shared out before any call starts.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  /** Starts calls while there is room, sharing what is pending evenly among the free ones. */
  private pump(): void {
    while (this.inFlight < this.limits.concurrency && this.pending.length > 0) {
      const waiting = this.pending.reduce((n, p) => n + p.items.length, 0);
      const maxItems =
        typeof this.limits.maxItems === 'function' ? this.limits.maxItems() : this.limits.maxItems;
      const share = Math.min(
        maxItems,
        Math.ceil(waiting / (this.limits.concurrency - this.inFlight)),
      );
      let count = this.pending[0].items.length;
      let taken = 1;
      while (taken < this.pending.length && count + this.pending[taken].items.length <= share)
        count += this.pending[taken++].items.length;
      this.inFlight++;
      void this.runGroup(this.pending.splice(0, taken)).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async runGroup(group: typeof this.pending): Promise<void> {
    try {
      const result = await this.run(group.flatMap((g) => g.items));
      let start = 0;
      for (const g of group) {
        g.resolve(this.slice(result, start, start + g.items.length));
        start += g.items.length;
      }
    } catch (error) {
      for (const g of group) g.reject(error);
    }
  }
}
