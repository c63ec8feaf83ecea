export { FEED_TOPICS, FEEDS, feedForTopic } from './feed-registry';
export type { FeedDefinition } from './feed-registry';
export { readReceivedRecord, UnreadableRecordError } from './received-record';
export type { KafkaCoordinates, ReceivedRecord } from './received-record';
export { SourceRecordRepository } from './source-record.repository';
