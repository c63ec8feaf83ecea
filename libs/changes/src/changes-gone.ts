import { GoneException } from '@nestjs/common';

/**
 * A cursor behind the change log's retention: events after it were deleted
 * (HUB_CHANGE_RETENTION_DAYS), so reading on from it would skip them without a word. As Kafka's
 * offset out of range: the reader learns the earliest position kept and decides (load the current
 * state again, then go on from `next`). Thrown by ChangeLogRepository; answered 410 by the HTTP
 * routes (goneException).
 */
export class CursorBehindRetentionError extends Error {
  constructor(
    /** The cursor asked for. */
    readonly after: string,
    /** The earliest position still in the log, null when it holds none. */
    readonly earliest: string | null,
    /** The cursor to go on from: the earliest position kept, minus one. */
    readonly next: string,
  ) {
    super(
      `the change events after position ${after} up to ${next} were deleted (HUB_CHANGE_RETENTION_DAYS): ` +
        `the earliest kept is ${earliest ?? 'none yet'}; go on from ${next}`,
    );
    this.name = 'CursorBehindRetentionError';
  }
}

/** The 410 answer to a cursor behind the retention: what was asked, the earliest kept, and `next`. */
export const goneException = (error: CursorBehindRetentionError): GoneException =>
  new GoneException({
    statusCode: 410,
    error: 'Gone',
    message: error.message,
    after: error.after,
    earliest: error.earliest,
    next: error.next,
  });

/** Maps a cursor behind the retention to 410; any other error as it is. */
export const asGone = (error: unknown): unknown =>
  error instanceof CursorBehindRetentionError ? goneException(error) : error;
