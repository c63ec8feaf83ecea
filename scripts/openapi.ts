// `npm run openapi`: writes the API's OpenAPI document to apps/web/openapi.json, from which the
// staff page's API types are generated (apps/web/src/api/schema.d.ts, by `npm run build:web`).
// Uses DATABASE_URL, or the embedded PostgreSQL of HUB_DATA_DIR: the app is built, not started.
// test/integration/openapi-document.int-spec.ts fails while the file differs from the API.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigOrExit } from '@hub/config';
import { resolveDatabaseServer } from '@hub/persistence';
import { apiDocument, createApiApp } from '../apps/api/src/api-app';

export const OPENAPI_FILE = join(__dirname, '..', 'apps', 'web', 'openapi.json');

async function main() {
  const config = loadConfigOrExit();
  const server = await resolveDatabaseServer(config.database.url, {
    dataDir: config.dataDir,
    port: config.database.embeddedPort,
  });
  try {
    const app = await createApiApp(config, server.url);
    try {
      writeFileSync(OPENAPI_FILE, `${JSON.stringify(apiDocument(app), null, 2)}\n`);
      process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
    } finally {
      await app.close();
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
