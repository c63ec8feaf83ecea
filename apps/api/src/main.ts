import 'reflect-metadata';
import pino from 'pino';
import { AccountsBootstrap, DEMO_PASSWORD } from '@hub/access';
import { loadConfigOrExit } from '@hub/config';
import { FeedPipeline, loadDemoData } from '@hub/feeds';
import { resolveDatabaseServer } from '@hub/persistence';
import { shutdownOnSignals } from '@hub/runtime';
import { createApiApp } from './api-app';

async function main() {
  const config = loadConfigOrExit();
  const log = pino({ level: config.logLevel, name: 'api' });
  if (!config.database.url) log.info({ dataDir: config.dataDir }, 'starting embedded PostgreSQL');
  const database = await resolveDatabaseServer(config.database.url, {
    dataDir: config.dataDir,
    port: config.database.embeddedPort,
    log: (m) => log.debug({ postgres: m.trim() }),
  });
  try {
    const app = await createApiApp(config, database.url);
    shutdownOnSignals(log, [
      { name: 'http', run: () => app.close() },
      { name: 'database', run: () => database.stop() },
    ]);
    const accounts = await app.get(AccountsBootstrap).run();
    if (accounts.createdAdmin) {
      const { username, password, file } = accounts.createdAdmin;
      // Shown this once (and kept in a 0600 file): the hub had no way in otherwise.
      process.stdout.write(
        `\nFirst administrator created: username ${username}, password ${password}\n` +
          `(also written to ${file}; log in with POST /v1/auth/token and change it)\n\n`,
      );
    }
    if (accounts.demoUsers.length > 0)
      log.info(
        { users: accounts.demoUsers },
        `demo accounts (password ${DEMO_PASSWORD}, see README): ${accounts.demoUsers.join(', ')}`,
      );
    if (config.demo) {
      const loaded = await loadDemoData(app.get(FeedPipeline));
      log.info(
        { demo: loaded },
        'demo data loaded through the pipeline (HUB_DEMO=0 turns this off)',
      );
    }
    await app.listen(config.port, '0.0.0.0');
  } catch (error) {
    await database.stop();
    throw error;
  }
  const base = `http://127.0.0.1:${config.port}`;
  log.info(
    {
      staffPage: `${base}/`,
      api: `${base}/v1`,
      docs: `${base}/docs`,
      health: `${base}/health`,
      ready: `${base}/ready`,
    },
    `hub ready: staff page ${base}/ , API docs ${base}/docs`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', msg: 'api failed to start', err: String(error) })}\n`,
  );
  process.exit(1);
});
