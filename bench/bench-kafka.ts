import { Admin, CompressionTypes, Kafka, logLevel, type Producer } from 'kafkajs';
import { CHANGES_TOPIC } from '@hub/config';
import { FeedCatalog } from '@hub/feeds';
import { ingestTopics } from '../apps/ingest/src/ingest-app';
import { AppProcess } from '../test/support/app-process';
import { freePort } from '../test/support/free-port';

/**
 * A quiet kafkajs client for a benchmark, with the hub's topics under `prefix` created: the
 * feed topics, their dead-letter topics and the change-event topic the relay publishes to.
 */
export async function benchKafka(
  brokers: string,
  prefix: string,
  partitions: number,
): Promise<{ kafka: Kafka; admin: Admin; topics: string[] }> {
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const topics = [
    ...ingestTopics(FeedCatalog.withExtraDirs([], prefix)),
    `${prefix}${CHANGES_TOPIC}`,
  ];
  await admin.createTopics({
    topics: topics.map((topic) => ({ topic, numPartitions: partitions })),
    waitForLeaders: true,
  });
  return { kafka, admin, topics };
}

/** The hub's own settings (HUB_…) in the benchmark's environment, passed on to the processes it starts. */
export const hubSettingsFromEnvironment = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => e[0].startsWith('HUB_') && e[1] !== undefined,
    ),
  );

/**
 * Where a benchmark runs the change relay: as deployed (deploy/), a process of its own beside
 * ingest processes that run with HUB_CHANGE_RELAY=false; BENCH_RELAY=ingest keeps it inside the
 * ingest process instead.
 */
export const benchRelay = {
  inIngest: () => process.env.BENCH_RELAY === 'ingest',
  /** Settings for the ingest processes. */
  ingestSettings(): Record<string, string> {
    return this.inIngest() ? {} : { HUB_CHANGE_RELAY: 'false' };
  },
  /** The relay process, unless it runs in the ingest. */
  async start(env: Record<string, string>): Promise<AppProcess | undefined> {
    if (this.inIngest()) return undefined;
    return AppProcess.start(
      'relay',
      { ...env, RELAY_HTTP_PORT: String(await freePort()) },
      // as BENCH_INGEST_NODE_ARGS, for the relay
      process.env.BENCH_RELAY_NODE_ARGS?.split(' ').filter(Boolean),
    );
  },
};

/**
 * Sends a stream's messages to its topics under `prefix`, in sequential batches of 2,000: each
 * key's messages stay in stream order within its partition.
 */
export async function produceInOrder(
  producer: Producer,
  prefix: string,
  messages: readonly { topic: string; key: string; value: string | Buffer }[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += 2000)
    await producer.sendBatch({
      compression: CompressionTypes.None,
      topicMessages: messages
        .slice(i, i + 2000)
        .map((m) => ({ topic: `${prefix}${m.topic}`, messages: [{ key: m.key, value: m.value }] })),
    });
}
