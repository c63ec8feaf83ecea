import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrationsLocked } from '@hub/persistence';
import { createRunDatabase } from './test-services';

/**
 * A database of its own for one scenario (migrated, seeded), dropped by `drop()`: a copy of the
 * run's migrated template when global-setup made one (migrations then find nothing to do).
 */
export async function scenarioDatabase(): Promise<{
  url: string;
  db: DataSource;
  drop(): Promise<void>;
}> {
  const created = await createRunDatabase(
    process.env.DATABASE_URL!,
    process.env.HUB_TEST_TEMPLATE_DATABASE,
  );
  const db = await new DataSource(dataSourceOptions(created.url, 4)).initialize();
  await runMigrationsLocked(db);
  return {
    url: created.url,
    db,
    drop: async () => {
      await db.destroy();
      await created.drop();
    },
  };
}
