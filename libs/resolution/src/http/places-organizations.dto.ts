import { ApiExtraModels, ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { PLACE_LEVELS } from '@hub/model';
import { CANDIDATES_SCHEMA, CandidateValueDto, MentionDto, RelationDto } from './read.dto';

/*
 * Response shapes of the place and organization routes, for the OpenAPI document the staff
 * page's types are generated from.
 */

const MASKED_FIELDS: ApiPropertyOptions = { type: [String], example: [] };

/** 地: an administrative division, a grid, or a standard address. */
export class PlaceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: PLACE_LEVELS, example: 'address' }) level!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '500116005002',
    description: 'Division or grid code; null for a standard address',
  })
  code!: string | null;
  @ApiProperty({ example: '鼎山街道东门路12号3-2-501' }) name!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '500116005',
    description: 'A standard address: the division it is keyed in',
  })
  divisionCode!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: {
      community: null,
      group: null,
      road: '东门路',
      number: '12',
      annex: null,
      building: '3',
      unit: '2',
      floor: null,
      room: '501',
      rest: '',
    },
    description:
      'A standard address: its parts (masked like every address). Places stored before a part was read lack it.',
  })
  address!: Record<string, unknown> | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      'A standard address: the place one step less specific (a flat’s unit or building, a building’s house number); null for a house number',
  })
  parentId!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '鼎山街道',
    description: 'The division it lies in (its parent for a division)',
  })
  divisionName!: string | null;
}

export class PlaceSearchResultDto {
  @ApiProperty({ type: [PlaceDto], description: 'The place, or none' }) places!: PlaceDto[];
  @ApiProperty(MASKED_FIELDS) maskedFields!: string[];
}

@ApiExtraModels(CandidateValueDto)
export class PlaceDetailDto extends PlaceDto {
  @ApiProperty(CANDIDATES_SCHEMA) candidates!: Record<string, CandidateValueDto[]>;
  @ApiProperty({ type: [RelationDto], description: 'Who lives, is registered, is located there' })
  relations!: RelationDto[];
  @ApiProperty({ type: [MentionDto] }) mentions!: MentionDto[];
  @ApiProperty(MASKED_FIELDS) maskedFields!: string[];
}

/** 组织: an enterprise, a social organization, a community committee, a premises operator. */
export class OrganizationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '515001160640464627',
    description: '统一社会信用代码 (GB 32100)',
  })
  uscc!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '江津区书法协会' })
  name!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '社会团体' })
  orgType!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '500116005002' })
  divisionCode!: string | null;
}

export class OrganizationSearchResultDto {
  @ApiProperty({ type: [OrganizationDto], description: 'The organization, or none' })
  organizations!: OrganizationDto[];
  @ApiProperty(MASKED_FIELDS) maskedFields!: string[];
}

@ApiExtraModels(CandidateValueDto)
export class OrganizationDetailDto extends OrganizationDto {
  @ApiProperty(CANDIDATES_SCHEMA) candidates!: Record<string, CandidateValueDto[]>;
  @ApiProperty({
    type: [RelationDto],
    description: 'Representative, premises, facilities',
  })
  relations!: RelationDto[];
  @ApiProperty({ type: [MentionDto] }) mentions!: MentionDto[];
  @ApiProperty(MASKED_FIELDS) maskedFields!: string[];
}
