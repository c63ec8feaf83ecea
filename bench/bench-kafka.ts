import { Admin, Kafka, logLevel } from 'kafkajs';
import { CHANGES_TOPIC } from '@hub/config';
import { FeedCatalog } from '@hub/feeds';
import { ingestTopics } from '../apps/ingest/src/ingest-app';

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
