/**
 * The most records one ingest transaction holds after PostgreSQL's lock table overflowed (53200):
 * the size that fitted. An overflow is not for ever: the operator raises
 * `max_locks_per_transaction` and restarts the server, or the other sessions whose locks filled
 * the table finish. So after `recheckAfter` transactions have committed under the cap, it is
 * lifted and the next batch goes whole: if the table is still too small, that batch is halved
 * again and the cap learned anew (one refused transaction per `recheckAfter`).
 */
export class LockTableCap {
  private cap = Number.POSITIVE_INFINITY;
  private committedUnderCap = 0;

  constructor(private readonly recheckAfter: number) {}

  /** At most this many records per transaction (Infinity: no cap). */
  get records(): number {
    return this.cap;
  }

  /** A transaction overflowed the lock table; `fitting` records are tried next. */
  overflowed(fitting: number): void {
    this.cap = Math.min(this.cap, fitting);
    this.committedUnderCap = 0;
  }

  /** A transaction committed. Returns true when this lifted the cap. */
  committed(): boolean {
    if (this.cap === Number.POSITIVE_INFINITY) return false;
    this.committedUnderCap += 1;
    if (this.committedUnderCap < this.recheckAfter) return false;
    this.cap = Number.POSITIVE_INFINITY;
    this.committedUnderCap = 0;
    return true;
  }
}
