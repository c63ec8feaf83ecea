import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfigOrExit, requireKafka } from '@hub/config';
import { createKafka, ensureTopics } from '@hub/kafka';
import { createProcessLogger, Logger } from '@hub/logging';
import { exitOnStartFailure, shutdownOnSignals } from '@hub/runtime';
import { RelayModule } from './relay.module';

async function main() {
  const config = loadConfigOrExit((c) => {
    requireKafka(c);
    if (!c.database.url) throw new ConfigError(['DATABASE_URL: must be set for the relay process']);
  });
  const log = createProcessLogger(config, 'relay');
  const kafka = requireKafka(config);
  if (kafka.topicPartitions > 0) {
    const created = await ensureTopics(createKafka(kafka, log), [config.changes.topic], {
      partitions: kafka.topicPartitions,
      replicationFactor: kafka.topicReplication,
    });
    if (created.length > 0) log.info(`created missing topics: ${created.join(', ')}`);
  }
  const app = await NestFactory.create(RelayModule.register(config, config.database.url!), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  // app.close() stops the relay (its in-flight send finishes, the lease is released), then the
  // probes and the database pool.
  shutdownOnSignals(log, [{ name: 'relay', run: () => app.close() }]);
  await app.listen(config.relayHttpPort, '0.0.0.0');
  // The one line a person starting the relay needs: what it publishes, and where.
  log.info(
    `relay started: change events from the outbox to ${config.changes.topic} on ${kafka.brokers.join(',')} · probes http://127.0.0.1:${config.relayHttpPort}/ready`,
  );
}

main().catch(exitOnStartFailure('relay'));
