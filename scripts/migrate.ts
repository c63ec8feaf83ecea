// `npm run migration:run`: applies pending migrations to DATABASE_URL, or, when it is unset,
// to the embedded PostgreSQL the API uses (HUB_DATA_DIR), exactly as the apps do at start.
import { DataSource } from 'typeorm';
import { loadConfigOrExit } from '@hub/config';
import { dataSourceOptions, resolveDatabaseServer, runMigrationsLocked } from '@hub/persistence';

async function main() {
  const config = loadConfigOrExit();
  const server = await resolveDatabaseServer(config.database.url, {
    dataDir: config.dataDir,
    port: config.database.embeddedPort,
  });
  try {
    const dataSource = await new DataSource(dataSourceOptions(server.url, 2)).initialize();
    const applied = await runMigrationsLocked(dataSource);
    await dataSource.destroy();
    process.stdout.write(
      applied.length
        ? `applied: ${applied.map((m) => m.name).join(', ')}\n`
        : 'no pending migrations\n',
    );
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
