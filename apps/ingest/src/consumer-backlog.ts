/**
 * How far behind the partitions this process reads are, and so how large its transactions may
 * be. Caught up, a record should wait behind small transactions: a transaction that takes all
 * that waited takes longer and lets more pile up behind it, so change events' latency grows with
 * the transaction size. On a backlog, larger transactions ingest faster: the same residents come
 * close together from the three feeds, so a larger transaction resolves more of a person's
 * records at once and waits less often on another's locks. So transactions grow to the catch-up
 * size only while more than CATCH_UP_FACTOR steady transactions' worth of records wait.
 * (The measurements behind this: docs/measurements-history.md.)
 */
export class ConsumerBacklog {
  /** Records waiting per partition (`topic/partition`), and when that was last known. */
  private readonly waiting = new Map<string, { records: number; at: number }>();

  constructor(
    private readonly sizes: { steady: number; catchUp: number },
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Records of `partition` not stored yet: Kafka's lag after the batch handed over, plus what
   * of that batch waits.
   */
  report(partition: string, records: number): void {
    this.waiting.set(partition, { records, at: this.now() });
  }

  /** Records waiting on every partition heard of lately (a revoked one falls silent). */
  behind(): number {
    let sum = 0;
    for (const [partition, w] of this.waiting)
      if (this.now() - w.at > FORGET_AFTER_MS) this.waiting.delete(partition);
      else sum += w.records;
    return sum;
  }

  /** The largest transaction to start now. */
  transactionRecords(): number {
    return this.behind() > CATCH_UP_FACTOR * this.sizes.steady
      ? Math.max(this.sizes.steady, this.sizes.catchUp)
      : this.sizes.steady;
  }
}

/** Behind by more than this many steady transactions, the ingest is catching up. */
export const CATCH_UP_FACTOR = 10;

/** A partition not handed over for this long is no longer counted (revoked, or caught up). */
const FORGET_AFTER_MS = 60_000;
