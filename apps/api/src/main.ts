import 'reflect-metadata';
import { AccountsBootstrap, DEMO_PASSWORD } from '@hub/access';
import { loadConfigOrExit } from '@hub/config';
import { FeedPipeline, loadDemoData } from '@hub/feeds';
import { createProcessLogger } from '@hub/logging';
import { resolveDatabaseServer } from '@hub/persistence';
import { assertPortFree, exitOnStartFailure, listenError, shutdownOnSignals } from '@hub/runtime';
import { createApiApp } from './api-app';

const LISTEN_HOST = '0.0.0.0';

async function main() {
  const config = loadConfigOrExit();
  const log = createProcessLogger(config, 'api');
  // Before the slow part (embedded PostgreSQL, migrations, demo data), not after it.
  await assertPortFree(config.port, LISTEN_HOST, 'PORT');
  if (!config.database.url) log.info(`starting embedded PostgreSQL (data in ${config.dataDir})`);
  const database = await resolveDatabaseServer(config.database.url, {
    dataDir: config.dataDir,
    port: config.database.embeddedPort,
    log: (m) => log.debug({ postgres: m.trim() }),
    notice: (m) => log.warn(m),
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
        `demo accounts (password ${DEMO_PASSWORD}, see README): ${accounts.demoUsers.join(', ')}`,
      );
    if (config.demo) {
      const loaded = await loadDemoData(app.get(FeedPipeline));
      log.info(
        `demo data loaded through the pipeline: ${outcomeCounts(loaded)} (HUB_DEMO=0 turns this off)`,
      );
      log.debug({ demo: loaded }, 'demo data by feed');
    }
    await app.listen(config.port, LISTEN_HOST).catch((error: unknown) => {
      throw listenError(error, config.port, 'PORT');
    });
  } catch (error) {
    await database.stop();
    throw error;
  }
  // The one line a person starting the hub needs: what to open.
  const base = `http://127.0.0.1:${config.port}`;
  log.info(`hub ready: staff page ${base}/ · API ${base}/v1 · docs ${base}/docs`);
}

/** `540 accepted, 30 duplicate, …`: the demo records' outcomes summed over the feeds. */
function outcomeCounts(byFeed: Record<string, Record<string, number>>): string {
  const total = new Map<string, number>();
  for (const counts of Object.values(byFeed))
    for (const [outcome, n] of Object.entries(counts))
      total.set(outcome, (total.get(outcome) ?? 0) + n);
  return [...total].map(([outcome, n]) => `${n} ${outcome}`).join(', ') || 'no records';
}

main().catch(exitOnStartFailure('api'));
