import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class AccessLogQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({
    example: '1042',
    description: 'Older entries than this audit id (the last `id` of the previous page)',
  })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'before must be an audit id: digits, at most 18 of them' })
  before?: string;
}

/** One audited read or change that named the resident. */
export class AccessLogEntryDto {
  @ApiProperty({ example: '1042', description: 'Audit id; newest first' }) id!: string;
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
  @ApiProperty({ example: 'dongmen-clerk', description: 'The staff user or client' })
  actor!: string;
  @ApiProperty({ example: 'user', description: 'user, client, bootstrap, external' })
  actorKind!: string;
  @ApiProperty({ type: String, nullable: true, example: 'community-staff' }) role!: string | null;
  @ApiProperty({ example: 'GET /v1/persons/:id' }) endpoint!: string;
  @ApiProperty({ type: String, nullable: true, example: 'grid-visit' }) purpose!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '网格走访' })
  purposeLabel!: string | null;
  @ApiProperty({
    type: [String],
    example: ['phone'],
    description: 'Policed fields it was shown in full',
  })
  fieldsUnmasked!: string[];
}

export class AccessLogDto {
  @ApiProperty({ format: 'uuid' }) personId!: string;
  @ApiProperty({ type: [AccessLogEntryDto] }) entries!: AccessLogEntryDto[];
  @ApiProperty({ type: [String], example: [] }) maskedFields!: string[];
}
