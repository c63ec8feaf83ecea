import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/*
 * Response shapes of the read API (persons, events, places, organizations), for the OpenAPI
 * document the staff page's types are generated from. Masked fields keep their type (a masked
 * ID number is still a string); every personal-data response also names them in `maskedFields`.
 */

/** An entity id in the path. */
export class EntityIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

const TIME = { type: String, format: 'date-time', nullable: true } as const;

export class ProvenanceDto {
  @ApiProperty({ example: '公安', description: '公安, 民政, 网格, 镇街采集' }) department!: string;
  @ApiProperty({ example: 'population' }) feed!: string;
  @ApiProperty({ example: '50011620230824000017', description: "The department's own record id" })
  sourceRecordId!: string;
  @ApiProperty(TIME) observedAt!: string | null;
}

export class CandidateValueDto extends ProvenanceDto {
  @ApiProperty({
    description: 'The value as normalized (a code, a date, an address object, a list of tags…)',
    oneOf: [
      { type: 'string' },
      { type: 'number' },
      { type: 'boolean' },
      { type: 'array', items: {} },
      { type: 'object', additionalProperties: true },
    ],
  })
  value!: unknown;
  @ApiPropertyOptional({ example: '女', description: 'The text of a coded value' })
  label?: string;
  @ApiProperty({
    description: 'False when the value failed its check (a wrong ID check character)',
  })
  valid!: boolean;
  @ApiProperty({ example: '/payload/applicant', description: 'JSON Pointer inside the record' })
  pointer!: string;
}

/** `candidates`: every current value by attribute. */
export const CANDIDATES_SCHEMA = {
  type: 'object',
  additionalProperties: { type: 'array', items: { $ref: getSchemaPath(CandidateValueDto) } },
  example: { gender: [{ value: '2', label: '女', department: '公安', feed: 'population' }] },
} as const;

export const LABELS_SCHEMA = {
  type: 'object',
  additionalProperties: { type: 'string' },
  description: 'Texts of the coded values, by attribute',
  example: { gender: '女', ethnicity: '汉族', status: '正常', division: '东门社区' },
} as const;

export class MentionDto {
  @ApiProperty({ example: '公安' }) department!: string;
  @ApiProperty({ example: 'population' }) feed!: string;
  @ApiProperty({ example: '50011620230824000017' }) sourceRecordId!: string;
  @ApiProperty({ example: '' }) pointer!: string;
  @ApiProperty() active!: boolean;
}

export class RelationDto extends ProvenanceDto {
  @ApiProperty({ example: 'lives_at' }) type!: string;
  @ApiProperty({ enum: ['out', 'in'] }) direction!: 'out' | 'in';
  @ApiProperty({ enum: ['person', 'event', 'object', 'place', 'organization'] })
  otherType!: string;
  @ApiProperty({ format: 'uuid' }) otherId!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '东门社区',
    description: "A person's or organization's name, a division's, an event's type",
  })
  otherName!: string | null;
  @ApiPropertyOptional({ description: 'A standard address, masked like every address' })
  address?: string;
  @ApiProperty({ type: String, nullable: true, example: '500116005' }) placeCode!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  attributes!: Record<string, string>;
}

export class RelatedPersonDto {
  @ApiProperty({ format: 'uuid' }) personId!: string;
  @ApiProperty({ type: String, nullable: true, example: '王建国' }) name!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '500381195809113110' })
  idNumber!: string | null;
}
