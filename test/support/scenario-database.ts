import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrationsLocked } from '@hub/persistence';
import { createRunDatabase } from './test-services';

/** A database of its own for one scenario (migrated, seeded), dropped by `drop()`. */
export async function scenarioDatabase(): Promise<{
  url: string;
  db: DataSource;
  drop(): Promise<void>;
}> {
  const created = await createRunDatabase(process.env.DATABASE_URL!);
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
