import { Logger } from '@nestjs/common';
import type { ChangeLogRepository, Queryable } from './change-log.repository';

/** Events deleted by one statement: short enough that it never holds its locks for long. */
export const RETENTION_BATCH = 10_000;
/** Between two passes. A pass deletes what aged meanwhile (at the first start, the backlog). */
export const RETENTION_EVERY_MS = 10 * 60_000;

/**
 * Retention of the change-event outbox (HUB_CHANGE_RETENTION_DAYS), run by the relay that holds
 * the lease, on its connection: it knows what it has published, so no event it has not sent is
 * ever deleted, and one deleter at a time needs no coordination. A pass starts when the lease is
 * taken and then every RETENTION_EVERY_MS; it deletes one bounded batch per turn of the relay's
 * loop, between its sends, until a batch comes back short.
 */
export class ChangeRetention {
  private readonly log = new Logger('ChangeRetention');
  private dueAt = 0;
  private deletedInPass = 0;

  constructor(
    private readonly changeLog: Pick<ChangeLogRepository, 'deletePublished'>,
    /** The relay's cursor name (its topic). */
    private readonly relay: string,
    /** 0: keep every event. */
    private readonly days: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Deletes one batch if a pass is due; whether the pass goes on (the relay should not idle).
   * A failure is logged and the pass is tried again at the next interval: retention never
   * stops the relay from publishing.
   */
  async runDue(db: Queryable): Promise<boolean> {
    if (this.days === 0 || this.now() < this.dueAt) return false;
    let deleted: number;
    try {
      deleted = await this.changeLog.deletePublished(
        { relay: this.relay, days: this.days, batch: RETENTION_BATCH },
        db,
      );
    } catch (error) {
      this.log.warn(
        `change retention: ${error instanceof Error ? error.message : String(error)}; trying again in ${RETENTION_EVERY_MS / 60_000} min`,
      );
      this.endPass();
      return false;
    }
    this.deletedInPass += deleted;
    if (deleted === RETENTION_BATCH) return true;
    if (this.deletedInPass > 0)
      this.log.log(
        `change retention: deleted ${this.deletedInPass} published events older than ${this.days} days`,
      );
    this.endPass();
    return false;
  }

  /** A new lease holder starts with a pass (another process may have held it for a while). */
  restart(): void {
    this.dueAt = 0;
    this.deletedInPass = 0;
  }

  private endPass(): void {
    this.deletedInPass = 0;
    this.dueAt = this.now() + RETENTION_EVERY_MS;
  }
}
