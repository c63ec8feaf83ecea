/** Where a message was read from, when it came over Kafka. */
export interface KafkaCoordinates {
  topic: string;
  partition: number;
  offset: string;
}

/** One department message as it reached the hub, over Kafka or HTTP. */
export interface InboundMessage {
  value: Buffer | string | null;
  key?: string | null;
  coordinates?: KafkaCoordinates;
}
