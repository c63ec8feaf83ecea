import { MigrationExecutor, type DataSource, type Migration } from 'typeorm';

// Arbitrary constant shared by every hub process: several replicas starting together must not
// run the same migration twice, so whoever takes this advisory lock migrates and the others wait.
export const MIGRATION_LOCK_KEY = 727_1160_05;

/**
 * Applies pending migrations under a PostgreSQL advisory lock; returns those it applied. They run
 * on the session that holds the lock, without the pool's `statement_timeout`: a migration that
 * builds an index over millions of rows, and a replica waiting for another's migrations, may take
 * longer than any request should. The session's own setting comes back before it returns to the
 * pool.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SET statement_timeout = 0');
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      return await executor.executePendingMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    // Only a connection already lost fails to reset (and the pool drops it): the migrations'
    // error, if any, is the one to report.
    await runner.query('RESET statement_timeout').catch(() => undefined);
    await runner.release();
  }
}
