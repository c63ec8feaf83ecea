import { randomUUID } from 'node:crypto';
import { BOOTSTRAP_TOKEN, TEST_PURPOSE, TEST_SECRETS_KEY } from './access';
import { AppProcess } from './app-process';
import { freePort } from './free-port';

/** The three built processes of one hub, as deployed: ingest, relay and API. */
export interface HubProcesses {
  ingest: AppProcess;
  relay: AppProcess;
  api: AppProcess;
  /** `http://127.0.0.1:<port>` of each process's HTTP server (the ingest's and relay's: probes). */
  urls: { ingest: string; relay: string; api: string };
  /**
   * The processes that exited (or were killed) since they started, each with the end of its
   * output: none, in a fault test.
   */
  exited(): string[];
  /** SIGTERM to each, answering their exit codes (0: a clean stop). */
  stop(): Promise<Record<'ingest' | 'relay' | 'api', number | null>>;
  /** SIGKILL to each still running, for afterAll. */
  kill(): Promise<void>;
}

/**
 * Starts the built ingest (HUB_CHANGE_RELAY=false), relay and API on one database and one broker
 * (topics under `prefix`), and resolves once each says it is serving. `env` goes to all three
 * after the defaults (e.g. shorter timeouts). They start together: each migrates under the same
 * lock, so an empty database is migrated once.
 */
export async function startHubProcesses(options: {
  databaseUrl: string;
  brokers: string;
  prefix: string;
  env?: Record<string, string>;
}): Promise<HubProcesses> {
  const [ingestPort, relayPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const shared = {
    DATABASE_URL: options.databaseUrl,
    KAFKA_BROKERS: options.brokers,
    KAFKA_TOPIC_PREFIX: options.prefix,
    // Each logs the line the start waits for at info.
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const ingest = AppProcess.start('ingest', {
    ...shared,
    KAFKA_GROUP_ID: `fault-${randomUUID()}`,
    INGEST_HTTP_PORT: String(ingestPort),
    HUB_CHANGE_RELAY: 'false',
  });
  const relay = AppProcess.start('relay', { ...shared, RELAY_HTTP_PORT: String(relayPort) });
  const api = AppProcess.start('api', {
    ...shared,
    PORT: String(apiPort),
    HUB_BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN,
    HUB_SECRETS_KEY: TEST_SECRETS_KEY,
  });
  const all = { ingest, relay, api };
  const hub: HubProcesses = {
    ...all,
    urls: {
      ingest: `http://127.0.0.1:${ingestPort}`,
      relay: `http://127.0.0.1:${relayPort}`,
      api: `http://127.0.0.1:${apiPort}`,
    },
    exited: () =>
      Object.entries(all)
        .filter(([, p]) => p.child.exitCode !== null || p.child.signalCode !== null)
        .map(
          ([name, p]) =>
            `${name} exited ${p.child.exitCode ?? p.child.signalCode}:\n${p.output.slice(-3000)}`,
        ),
    stop: async () => ({
      ingest: await ingest.stop('SIGTERM'),
      relay: await relay.stop('SIGTERM'),
      api: await api.stop('SIGTERM'),
    }),
    kill: async () => {
      for (const p of Object.values(all)) await p.stop('SIGKILL');
    },
  };
  try {
    await Promise.all([
      ingest.waitForOutput(/ingest consuming/),
      relay.waitForOutput(/relay started/),
      api.waitForOutput(/hub ready/),
    ]);
  } catch (error) {
    await hub.kill();
    throw error;
  }
  return hub;
}

/** The status of a GET, 0 when nothing answered (a process's HTTP server down). */
export async function statusOf(url: string, headers: Record<string, string> = {}): Promise<number> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** The bootstrap admin's credential and purpose, for a read of personal data. */
export const ADMIN_READ = { authorization: `Bearer ${BOOTSTRAP_TOKEN}`, 'x-purpose': TEST_PURPOSE };

/** Batches the ingest's consumer handed over that threw (kafkajs logs each). */
export const failedBatches = (ingestOutput: string): number =>
  ingestOutput.match(/Error when calling eachBatch/g)?.length ?? 0;
