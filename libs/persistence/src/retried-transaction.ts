import type { DataSource, EntityManager } from 'typeorm';

/** The SQLSTATE of a failed query (TypeORM wraps the driver's error), or undefined. */
export const sqlStateOf = (error: unknown): string | undefined =>
  (error as { driverError?: { code?: string } } | null | undefined)?.driverError?.code ??
  (error as { code?: string } | null | undefined)?.code;

/** PostgreSQL aborted the transaction to break a lock cycle: running it again may succeed. */
export const isDeadlock = (error: unknown): boolean => sqlStateOf(error) === '40P01';

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
      if (attempt >= attempts || !isDeadlock(error)) throw error;
      onRetry?.(error as Error);
    }
  }
}
