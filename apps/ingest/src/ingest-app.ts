import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HubConfig, requireKafka } from '@hub/config';
import { FeedCatalog } from '@hub/feeds';
import { BatchKafkaServer, kafkaClientConfig, PRODUCER_CONFIG } from '@hub/kafka';
import { createProcessLogger, Logger } from '@hub/logging';
import { dlqTopic, FeedBatchConsumer } from './feed-batch-consumer';
import { IngestModule } from './ingest.module';

/**
 * Builds the ingest process: a Nest app whose HTTP side serves probes and metrics, with the
 * department topics consumed in batches by one consumer group. Call `startAllMicroservices()`
 * and `listen()` to run it.
 */
export async function createIngestApp(
  config: HubConfig,
  databaseUrl: string,
): Promise<INestApplication> {
  const kafka = requireKafka(config);
  const app = await NestFactory.create(IngestModule.register(config, databaseUrl), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  const consumer = app.get(FeedBatchConsumer);
  app.connectMicroservice(
    {
      strategy: new BatchKafkaServer(
        {
          // kafkajs's warnings through the process's log (pretty on a terminal, else JSON).
          client: kafkaClientConfig(kafka, createProcessLogger(config, 'ingest')),
          consumer: {
            groupId: kafka.groupId,
            allowAutoTopicCreation: false,
            maxBytesPerPartition: 4 << 20,
            sessionTimeout: kafka.sessionTimeoutMs,
          },
          producer: PRODUCER_CONFIG,
          subscribe: { fromBeginning: true },
          // Every partition of a fetch is handed over at once, to be gathered into shared
          // transactions (see FeedBatchConsumer): more than a process is normally assigned.
          run: { partitionsConsumedConcurrently: 32 },
          // Use the configured ids as they are (Nest appends "-server" by default).
          postfixId: '',
        },
        app.get(FeedCatalog).topics,
        () => (context) => consumer.handle(context),
      ),
    },
    { inheritAppConfig: true },
  );
  return app;
}

/** The topics ingest reads and writes: each feed topic and its dead-letter topic. */
export function ingestTopics(catalog: FeedCatalog): string[] {
  return catalog.topics.flatMap((topic) => [topic, dlqTopic(topic)]);
}
