import {
  Kafka,
  KafkaConfig as KafkaJsConfig,
  logLevel,
  LogEntry,
  Partitioners,
  ProducerConfig,
  SASLOptions,
} from 'kafkajs';
import pino from 'pino';
import type { KafkaConfig } from '@hub/config';
import { serializeError } from '@hub/logging';

const PINO_LEVEL: Record<logLevel, pino.Level> = {
  [logLevel.NOTHING]: 'fatal',
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs writes its own console format; route it into the process's JSON log instead. */
export function pinoLogCreator(logger: pino.Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      // kafkajs logs the error a batch handler threw as it is: a failed query with its parameters.
      if (extra.error instanceof Error) {
        // ...and its stack beside it, which the serialized error holds already.
        if (extra.stack === extra.error.stack) delete extra.stack;
        extra.error = serializeError(extra.error);
      }
      logger[PINO_LEVEL[level]]({ kafka: namespace, ...extra }, message);
    };
}

/** The one kafkajs client configuration every hub app and test uses. */
export function kafkaClientConfig(config: KafkaConfig, logger?: pino.Logger): KafkaJsConfig {
  return {
    clientId: config.clientId,
    brokers: config.brokers,
    // SASL (SCRAM or PLAIN) and TLS from KAFKA_SASL_* / KAFKA_TLS_* (see deploy/kafka-acls.md).
    // (The cast: TypeScript does not distribute one object with a union-typed mechanism over
    // kafkajs's per-mechanism union; each of the three mechanisms takes username and password.)
    ...(config.sasl && { sasl: { ...config.sasl } as SASLOptions }),
    ...(config.ssl && { ssl: { ...config.ssl } }),
    // kafkajs INFO is a line per group join/leave; WARN and above are worth keeping.
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger ?? pino({ level: 'warn' })),
    retry: { initialRetryTime: 200, retries: 8 },
  };
}

export function createKafka(config: KafkaConfig, logger?: pino.Logger): Kafka {
  return new Kafka(kafkaClientConfig(config, logger));
}

/** Producer settings shared by every hub producer: the murmur2 partitioner Java clients use, acks from all replicas. */
export const PRODUCER_CONFIG: ProducerConfig = {
  createPartitioner: Partitioners.DefaultPartitioner,
  allowAutoTopicCreation: false,
  // A send retried after a timeout must not write its messages twice (seen in the benchmark
  // under load: a thousand extra copies, each a false reject or duplicate downstream).
  idempotent: true,
  maxInFlightRequests: 1,
  // kafkajs's own default for idempotence: a send keeps retrying while the broker is away, so a
  // batch's offsets are never committed before its rejects reached the dead-letter topic.
  retry: { retries: Number.MAX_SAFE_INTEGER },
};
