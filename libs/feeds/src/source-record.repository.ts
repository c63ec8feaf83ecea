import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { ReceivedRecord } from './received-record';

/** The only code that writes `source_record`. */
@Injectable()
export class SourceRecordRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores each record version once: a redelivered (feed, record id, version) is a no-op.
   * Returns how many rows were new.
   */
  async insertReceived(
    records: ReceivedRecord[],
    manager: EntityManager = this.dataSource.manager,
  ) {
    if (records.length === 0) return 0;
    const result: unknown[] = await manager.query(
      `INSERT INTO source_record (feed, source_record_id, version, payload, status, topic, partition, "offset")
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::text[], $7::int[], $8::bigint[])
       ON CONFLICT (feed, source_record_id, version) DO NOTHING
       RETURNING id`,
      [
        records.map((r) => r.feed),
        records.map((r) => r.sourceRecordId),
        records.map((r) => r.version),
        records.map((r) => JSON.stringify(r.payload)),
        records.map(() => 'received'),
        records.map((r) => r.coordinates?.topic ?? null),
        records.map((r) => r.coordinates?.partition ?? null),
        records.map((r) => r.coordinates?.offset ?? null),
      ],
    );
    return result.length;
  }
}
