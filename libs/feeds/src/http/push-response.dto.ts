import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REJECT_REASONS } from '@hub/model';
import type { MessageResult } from '../pipeline/feed-pipeline';

export class RecordOutcomeDto {
  @ApiProperty({ description: 'position of the record in the pushed body, from 0' }) index!: number;
  @ApiProperty({ enum: ['accepted', 'duplicate', 'stale', 'rejected'] }) outcome!: string;
  @ApiPropertyOptional({ example: '50011620230824000017' }) sourceRecordId?: string;
  @ApiPropertyOptional({ example: '3' }) version?: string;
  @ApiPropertyOptional({ enum: REJECT_REASONS })
  reason?: string;
  @ApiPropertyOptional({ example: '/GMSFHM: must match format "citizen-id"' }) message?: string;
}

export class PushResponseDto {
  @ApiProperty() accepted = 0;
  @ApiProperty() duplicate = 0;
  @ApiProperty() stale = 0;
  @ApiProperty() rejected = 0;
  @ApiProperty({ type: [RecordOutcomeDto] }) results: RecordOutcomeDto[] = [];

  static empty(): PushResponseDto {
    return new PushResponseDto();
  }

  add(results: MessageResult[]) {
    for (const r of results) {
      this[r.outcome] += 1;
      this.results.push({
        index: r.index,
        outcome: r.outcome,
        sourceRecordId: r.sourceRecordId,
        version: r.version,
        reason: r.reason,
        message: r.message,
      });
    }
  }
}
