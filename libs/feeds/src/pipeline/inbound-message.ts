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
  /**
   * The Content-Type the message declared (a Kafka header `content-type`, an HTTP push's
   * header): its `charset` says how to read a Buffer value (UTF-8 when none; GBK, GB2312 and
   * GB18030 are read as GB18030). A string value is text already.
   */
  contentType?: string | null;
  coordinates?: KafkaCoordinates;
}
