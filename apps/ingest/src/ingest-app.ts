import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HubConfig, requireKafka } from '@hub/config';
import { FeedCatalog, IngestMetrics } from '@hub/feeds';
import { BatchHandler, BatchKafkaServer, kafkaClientConfig, PRODUCER_CONFIG } from '@hub/kafka';
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
  const metrics = app.get(IngestMetrics);
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
            // A SIGKILLed process's member stays in the group until its session expires, and a
            // restart waits for that (kafkajs has no static membership): 10 s by default. The
            // heartbeats go on while a batch is stored (BatchKafkaServer), so a batch may take
            // longer than the session. rebalanceTimeout stays kafkajs's 60 s: how long a member
            // busy with a batch has to stop after its part in hand and join again.
            sessionTimeout: kafka.sessionTimeoutMs,
            heartbeatInterval: kafka.heartbeatIntervalMs,
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
        () => reportingProgress(metrics, (context) => consumer.handle(context)),
        { assigned: (assignment) => metrics.partitionsAssigned(assignment) },
      ),
    },
    { inheritAppConfig: true },
  );
  return app;
}

/**
 * Tells IngestMetrics how many messages wait on a partition when its batch is handed over, and
 * how many are left when the handler returns (what it stored is durable). A batch that throws
 * leaves its partition behind: with no transaction committing, the ingest's /health then fails
 * after HUB_INGEST_STALL_SECONDS (consumerLiveness in @hub/health).
 */
export function reportingProgress(metrics: IngestMetrics, handle: BatchHandler): BatchHandler {
  return async (context) => {
    const { batch } = context;
    const end = BigInt(batch.highWatermark);
    metrics.partitionWaiting(
      batch.topic,
      batch.partition,
      Number(end - BigInt(batch.firstOffset() ?? batch.highWatermark)),
    );
    const durable = await handle(context);
    if (durable !== undefined)
      metrics.partitionWaiting(batch.topic, batch.partition, Number(end - 1n - BigInt(durable)));
    return durable;
  };
}

/** The topics ingest reads and writes: each feed topic and its dead-letter topic. */
export function ingestTopics(catalog: FeedCatalog): string[] {
  return catalog.topics.flatMap((topic) => [topic, dlqTopic(topic)]);
}
