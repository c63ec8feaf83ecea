import { ApiProperty } from '@nestjs/swagger';
import { REJECT_REASONS } from '@hub/model';
import { RecordOutcomeDto } from './push-response.dto';

/*
 * Response shapes of the reject routes, for the OpenAPI document the staff page's types are
 * generated from.
 */

/** A kept reject without the record itself: its reason and coordinates. */
export class RejectDto {
  @ApiProperty({ example: '17', description: 'Reject id (a bigint, as text)' }) id!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'population',
    description: 'null when no feed could be told (unknown topic)',
  })
  feed!: string | null;
  @ApiProperty({ enum: REJECT_REASONS }) reason!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { message: '/GMSFHM: must match format "citizen-id"' },
    description: 'What was wrong: `message`, and what the reason adds',
  })
  detail!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true, description: 'The Kafka message key' })
  messageKey!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'ps.population.v1' })
  topic!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 0 }) partition!: number | null;
  @ApiProperty({ type: String, nullable: true, example: '1204', description: 'Kafka offset' })
  offset!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ enum: ['open', 'replayed'] }) status!: 'open' | 'replayed';
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) replayedAt!: string | null;
  @ApiProperty({ example: 412, description: 'Size of the message as received' }) bytes!: number;
}

/** A reject with the message as received. */
export class RejectWithRecordDto extends RejectDto {
  @ApiProperty({ description: 'The message: UTF-8 text when it is text, else base64' })
  raw!: string;
  @ApiProperty({ enum: ['utf8', 'base64'] }) rawEncoding!: 'utf8' | 'base64';
  @ApiProperty({ type: [String], example: [] }) maskedFields!: string[];
}

export class RejectCountDto {
  @ApiProperty({ type: String, nullable: true, example: 'population' }) feed!: string | null;
  @ApiProperty({ enum: REJECT_REASONS }) reason!: string;
  @ApiProperty({ enum: ['open', 'replayed'] }) status!: string;
  @ApiProperty({ example: 3 }) count!: number;
}

/** A reject run through the pipeline again: its new outcome. */
export class ReplayResultDto extends RecordOutcomeDto {
  @ApiProperty({ example: '17' }) rejectId!: string;
  @ApiProperty({ type: String, nullable: true, example: 'population' }) feed!: string | null;
}

export class ReplayJobDto {
  @ApiProperty({ example: '3' }) id!: string;
  @ApiProperty({ type: String, nullable: true, example: 'population' }) feed!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'unknown_code' }) reason!: string | null;
  @ApiProperty({
    enum: ['running', 'done', 'failed', 'interrupted'],
    description: 'interrupted: its API process stopped or died; start it again',
  })
  status!: string;
  @ApiProperty({ description: 'Rejects that went through so far (accepted, duplicate or stale)' })
  replayed!: number;
  @ApiProperty({ description: 'Rejects that still fail so far, kept with their new reason' })
  stillRejected!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The last reject replayed' })
  lastRejectId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why a failed job stopped' })
  error!: string | null;
  @ApiProperty({ description: 'Who started it' }) requestedBy!: string;
  @ApiProperty({ type: String, format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'Written after every page' })
  heartbeatAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
}
