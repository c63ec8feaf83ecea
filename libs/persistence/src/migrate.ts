import type { DataSource, Migration } from 'typeorm';

// Arbitrary constant shared by every hub process: several replicas starting together must not
// run the same migration twice, so whoever takes this advisory lock migrates and the others wait.
const MIGRATION_LOCK_KEY = 727_1160_05;

/** Applies pending migrations under a PostgreSQL advisory lock; returns those it applied. */
export async function runMigrationsLocked(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
