import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { KafkaOptions, Transport } from '@nestjs/microservices';
import { HubConfig, requireKafka } from '@hub/config';
import { kafkaClientConfig, PRODUCER_CONFIG } from '@hub/kafka';
import { Logger } from '@hub/logging';
import { IngestModule } from './ingest.module';

/**
 * Builds the ingest process: a Nest app whose HTTP side only serves the probes, with the
 * Kafka transport (kafkajs) connected as a microservice. Call `startAllMicroservices()` and
 * `listen()` to run it.
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
  app.connectMicroservice<KafkaOptions>(
    {
      transport: Transport.KAFKA,
      options: {
        client: kafkaClientConfig(kafka),
        consumer: { groupId: kafka.groupId, allowAutoTopicCreation: false },
        producer: PRODUCER_CONFIG,
        subscribe: { fromBeginning: true },
        // Use the configured ids as they are (Nest appends "-server" by default).
        postfixId: '',
      },
    },
    { inheritAppConfig: true },
  );
  return app;
}
