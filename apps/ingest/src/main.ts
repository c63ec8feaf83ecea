import 'reflect-metadata';
import { ConfigError, loadConfigOrExit, requireKafka } from '@hub/config';
import { FeedCatalog } from '@hub/feeds';
import { createKafka, ensureTopics } from '@hub/kafka';
import { createProcessLogger } from '@hub/logging';
import { exitOnStartFailure, shutdownOnSignals } from '@hub/runtime';
import { createIngestApp, ingestTopics } from './ingest-app';

async function main() {
  const config = loadConfigOrExit((c) => {
    requireKafka(c);
    // Two processes cannot share one embedded data directory: ingest needs a real server URL.
    if (!c.database.url)
      throw new ConfigError(['DATABASE_URL: must be set for the ingest process']);
  });
  const log = createProcessLogger(config, 'ingest');
  const kafka = requireKafka(config);
  if (kafka.topicPartitions > 0) {
    const created = await ensureTopics(
      createKafka(kafka, log),
      [...ingestTopics(FeedCatalog.forConfig(config)), config.changes.topic],
      {
        partitions: kafka.topicPartitions,
        replicationFactor: kafka.topicReplication,
      },
    );
    if (created.length > 0) log.info(`created missing topics: ${created.join(', ')}`);
  }
  const app = await createIngestApp(config, config.database.url!);
  // app.close() stops the Kafka consumer first (kafkajs lets the in-flight batch finish and
  // commits its offsets), then the HTTP probes, then the database pool.
  shutdownOnSignals(log, [{ name: 'ingest', run: () => app.close() }]);
  await app.startAllMicroservices();
  await app.listen(config.ingestHttpPort, '0.0.0.0');
  // The one line a person starting the ingest needs: what it reads, and where it writes changes.
  const topics = app.get(FeedCatalog).topics.join(', ');
  const relay = config.changes.relay
    ? `relaying changes to ${config.changes.topic}`
    : 'change relay off (HUB_CHANGE_RELAY=false: apps/relay publishes)';
  log.info(
    `ingest consuming ${topics} from ${kafka.brokers.join(',')} (group ${kafka.groupId}) · ${relay} · probes http://127.0.0.1:${config.ingestHttpPort}/ready`,
  );
}

main().catch(exitOnStartFailure('ingest'));
