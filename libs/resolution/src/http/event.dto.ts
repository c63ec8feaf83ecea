import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import {
  CANDIDATES_SCHEMA,
  CandidateValueDto,
  LABELS_SCHEMA,
  MentionDto,
  ProvenanceDto,
  RelatedPersonDto,
} from './read.dto';

export class PersonEventsQueryDto {
  @ApiPropertyOptional({
    example: 'assistance',
    description: 'Only events of this type: assistance, elderly_allowance, grid_incident',
  })
  @IsOptional()
  @Matches(/^[a-z_]{1,64}$/)
  type?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

const VALUES_SCHEMA = {
  type: 'object',
  additionalProperties: {},
  description: 'The value of each attribute (the newest valid one when records disagree)',
  example: { assistanceType: '城乡低保', monthlyAmount: '650.00', startDate: '2021-05-01' },
} as const;

class EventBaseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    example: 'assistance',
    enum: ['assistance', 'elderly_allowance', 'grid_incident'],
  })
  eventType!: string;
  @ApiProperty({ type: String, nullable: true, example: 'active' }) status!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Start date' })
  occurredAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '500116005002' })
  divisionCode!: string | null;
  @ApiProperty({
    ...LABELS_SCHEMA,
    example: { eventType: '社会救助', status: '享受中', division: '东门社区' },
  })
  labels!: Record<string, string>;
  @ApiProperty(VALUES_SCHEMA) values!: Record<string, unknown>;
}

export class EventPersonDto extends RelatedPersonDto {
  @ApiProperty({ type: String, nullable: true, example: 'applicant' }) role!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '申请人' }) roleLabel!: string | null;
  @ApiProperty({ example: '民政' }) department!: string;
  @ApiProperty({ example: 'assistance' }) feed!: string;
  @ApiProperty({ example: 'CA-DB-2023-000481' }) sourceRecordId!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) observedAt!: string | null;
}

export class EventPlaceDto extends ProvenanceDto {
  @ApiProperty({ format: 'uuid' }) placeId!: string;
  @ApiProperty({ example: 'happened_in', description: 'happened_in (a division), happened_at' })
  relation!: string;
  @ApiProperty({ type: String, nullable: true, example: '500116005002' }) placeCode!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '东门社区', description: 'A division' })
  name!: string | null;
  @ApiPropertyOptional({ example: '东门路15号', description: 'A standard address (masked)' })
  address?: string;
}

@ApiExtraModels(CandidateValueDto)
export class EventDetailDto extends EventBaseDto {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Cancelled at' })
  endedAt!: string | null;
  @ApiProperty(CANDIDATES_SCHEMA) candidates!: Record<string, CandidateValueDto[]>;
  @ApiProperty({ type: [EventPersonDto] }) persons!: EventPersonDto[];
  @ApiProperty({ type: [EventPlaceDto] }) places!: EventPlaceDto[];
  @ApiProperty({ type: [MentionDto] }) mentions!: MentionDto[];
  @ApiProperty({ type: [String], example: [] }) maskedFields!: string[];
}

export class PersonEventDto extends EventBaseDto {
  @ApiProperty({ type: String, nullable: true, example: 'applicant' }) role!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '申请人' }) roleLabel!: string | null;
  @ApiProperty({ example: '民政' }) department!: string;
  @ApiProperty({ example: 'assistance' }) feed!: string;
  @ApiProperty({ example: 'CA-DB-2023-000481' }) sourceRecordId!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) observedAt!: string | null;
}

export class PersonEventListDto {
  @ApiProperty({ type: [PersonEventDto] }) events!: PersonEventDto[];
  @ApiProperty({ type: [String], example: [] }) maskedFields!: string[];
}

/** The answer for a merged person, with 301 and a Location to the survivor's events. */
export class MergedPersonEventsDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The person it was merged into' })
  mergedInto!: string;
  @ApiProperty({ type: [PersonEventDto], example: [], description: 'Always empty' })
  events!: PersonEventDto[];
  @ApiProperty({ type: [String], example: [] }) maskedFields!: string[];
}
