import type { Kafka } from 'kafkajs';

export interface TopicSettings {
  partitions: number;
  replicationFactor: number;
}

/**
 * Creates the topics a process reads or writes when they do not exist yet (existing topics
 * are left as they are). Consumers of a missing topic fail at subscribe, so ingest calls this
 * before it starts; clusters whose topics are managed elsewhere turn it off.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: string[],
  settings: TopicSettings,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: settings.partitions,
          replicationFactor: settings.replicationFactor,
        })),
      });
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}
