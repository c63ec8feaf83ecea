export { BatchKafkaServer } from './batch-kafka-server';
export type { BatchContext, BatchHandler, ConsumerGroupListener } from './batch-kafka-server';
export { createKafka, kafkaClientConfig, PRODUCER_CONFIG } from './kafka-client';
export { KafkaHealthIndicator } from './kafka-health.indicator';
export { ensureTopics } from './topic-provisioning';
export type { TopicSettings } from './topic-provisioning';
