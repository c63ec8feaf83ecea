// `npm run audit:verify`: walks the audit trail's hash chain in DATABASE_URL (or the embedded
// PostgreSQL of HUB_DATA_DIR) and names the first row that was changed, removed or reordered.
// Exit status 0 when the chain holds, 1 when it is broken, 2 when it could not be checked.
import { DataSource } from 'typeorm';
import { AuditRepository } from '@hub/access';
import { loadConfigOrExit } from '@hub/config';
import { dataSourceOptions, resolveDatabaseServer } from '@hub/persistence';

async function main(): Promise<number> {
  const config = loadConfigOrExit();
  const server = await resolveDatabaseServer(config.database.url, {
    dataDir: config.dataDir,
    port: config.database.embeddedPort,
  });
  try {
    const dataSource = await new DataSource(dataSourceOptions(server.url, 1)).initialize();
    try {
      const { rows, broken } = await new AuditRepository(dataSource).verify();
      if (!broken) {
        process.stdout.write(`audit chain holds: ${rows} rows\n`);
        return 0;
      }
      const why = {
        hash: 'its content does not match its hash (the row was changed)',
        link: 'it does not link to the row before it (a row before it was changed or replaced)',
        gap: 'the row before it is missing (rows were removed)',
      }[broken.reason];
      process.stdout.write(`audit chain broken at row ${broken.id}: ${why}\n`);
      return 1;
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await server.stop();
  }
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
