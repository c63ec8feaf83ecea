import { Injectable } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import { PinoLogger } from 'nestjs-pino';
import {
  feedForTopic,
  readReceivedRecord,
  SourceRecordRepository,
  UnreadableRecordError,
} from '@hub/feeds';

/**
 * First step of the pipeline: store every department message, exactly as received, as a
 * source record (a redelivered version is a no-op).
 */
@Injectable()
export class FeedIntakeService {
  constructor(
    private readonly sourceRecords: SourceRecordRepository,
    private readonly log: PinoLogger,
  ) {}

  async receive(value: unknown, context: KafkaContext): Promise<void> {
    const topic = context.getTopic();
    const coordinates = {
      topic,
      partition: context.getPartition(),
      offset: context.getMessage().offset,
    };
    try {
      const record = readReceivedRecord(feedForTopic(topic), value, coordinates);
      const stored = await this.sourceRecords.insertReceived([record]);
      this.log.debug(
        { ...coordinates, sourceRecordId: record.sourceRecordId, stored },
        'record received',
      );
    } catch (error) {
      if (!(error instanceof UnreadableRecordError)) throw error;
      this.log.error({ ...coordinates, reason: error.message }, 'unreadable record');
    }
  }
}
