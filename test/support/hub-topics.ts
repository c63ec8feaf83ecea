import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { requireKafka, type HubConfig } from '@hub/config';
import { FeedCatalog } from '@hub/feeds';
import { createKafka, ensureTopics } from '@hub/kafka';
import { ingestTopics } from '../../apps/ingest/src/ingest-app';

/** A kafkajs client with the hub's topics under the config's prefix: feeds, dead letters, changes. */
export async function hubTopics(config: HubConfig, partitions: number): Promise<Kafka> {
  const kafka = createKafka(requireKafka(config));
  await ensureTopics(
    kafka,
    [...ingestTopics(FeedCatalog.forConfig(config)), config.changes.topic],
    { partitions, replicationFactor: 1 },
  );
  return kafka;
}

/** A subscriber of its own group reading the change-event topic from its start. */
export async function subscribeToChanges(
  kafka: Kafka,
  config: HubConfig,
  onMessage: (message: KafkaMessage) => void,
): Promise<Consumer> {
  const subscriber = kafka.consumer({ groupId: `sub-${randomUUID()}` });
  await subscriber.connect();
  await subscriber.subscribe({ topic: config.changes.topic, fromBeginning: true });
  await subscriber.run({ eachMessage: async ({ message }) => onMessage(message) });
  return subscriber;
}
