import type { DataSource, EntityManager } from 'typeorm';

/** SQLSTATEs after which the whole transaction may simply run again. */
const RETRYABLE = new Set([
  '40P01', // deadlock_detected: PostgreSQL aborted this transaction to break a lock cycle
  '40001', // serialization_failure
]);

export const isRetryableTransactionError = (error: unknown): boolean =>
  RETRYABLE.has((error as { driverError?: { code?: string } }).driverError?.code ?? '') ||
  RETRYABLE.has((error as { code?: string }).code ?? '');

/**
 * Runs `work` in a transaction, and again (from the start, in a new transaction) when
 * PostgreSQL aborted it to break a deadlock, up to `attempts` times in all. `work` must read
 * everything it decides on inside the transaction, so that a new attempt decides afresh.
 *
 * Why: transactions that take advisory locks in two steps (the locks they know of, then those
 * of persons that mentions were moved to meanwhile) can wait on each other; PostgreSQL detects
 * the cycle after `deadlock_timeout` and aborts one of them, which then only has to run again.
 */
export async function retriedTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  { attempts = 5, onRetry }: { attempts?: number; onRetry?: (error: Error) => void } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction(work);
    } catch (error) {
      if (attempt >= attempts || !isRetryableTransactionError(error)) throw error;
      onRetry?.(error as Error);
    }
  }
}
