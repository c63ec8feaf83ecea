import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  CANDIDATES_SCHEMA,
  CandidateValueDto,
  LABELS_SCHEMA,
  MentionDto,
  ProvenanceDto,
  RelatedPersonDto,
  RelationDto,
} from './read.dto';
import { ReviewEvidenceDto, ReviewMentionRefDto } from './review-task.dto';

export class PersonSearchDto {
  @ApiPropertyOptional({ example: '500381198001012029' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  idNumber?: string;

  @ApiPropertyOptional({
    example: '李秀',
    description:
      'The whole name or a part of it (李秀 and 秀英 find 李秀英): the name itself first, then names it begins, then names it is inside',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  name?: string;

  @ApiPropertyOptional({
    example: '1980-01',
    description: 'YYYY, YYYY-MM or YYYY-MM-DD; only with name',
  })
  @IsOptional()
  @Matches(/^\d{4}(-\d{2}(-\d{2})?)?$/)
  birthDate?: string;

  @ApiPropertyOptional({ example: '13812346789' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  phone?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class MentionRefDto {
  @ApiProperty({ example: 'grid' })
  @IsString()
  feed!: string;

  @ApiProperty({
    example: 'WG-500116005002-03-20230824-0101',
    description: "The department's own record id",
  })
  @IsString()
  sourceRecordId!: string;

  @ApiProperty({
    example: '',
    description: 'JSON Pointer of the mention inside its record ("" for the whole record)',
  })
  @IsString()
  pointer!: string;
}

export class SplitDto {
  @ApiProperty({
    type: [MentionRefDto],
    minItems: 1,
    description: 'The mentions that are another person; they move to a new person together',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => MentionRefDto)
  mentions!: MentionRefDto[];
}

export class PersonSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true, example: '李秀英' }) name!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '500381195603022029' })
  idNumber!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2', description: 'GB/T 2261.1' })
  gender!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1956-03-02' }) birthDate!: string | null;
  @ApiProperty({ example: 'normal', enum: ['normal', 'deceased', 'moved_out', 'missing'] })
  status!: string;
  @ApiProperty({ type: String, nullable: true, example: '13823456789' }) phone!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '500116005002' })
  divisionCode!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) flags!: unknown[];
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) mergedInto!: string | null;
  @ApiProperty(LABELS_SCHEMA) labels!: Record<string, string>;
}

export class PersonSearchResultDto {
  @ApiProperty({ type: [PersonSummaryDto] }) persons!: PersonSummaryDto[];
  @ApiProperty({ type: [String], example: [] }) maskedFields!: string[];
}

export class RelatedPersonWithRelationDto extends RelatedPersonDto {
  @ApiProperty({ type: String, nullable: true, example: '10', description: 'GB/T 4761' })
  relationToHead!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '配偶' }) relationLabel!: string | null;
}

export class HouseholdMemberDto extends RelatedPersonWithRelationDto {
  @ApiProperty({ example: '公安' }) department!: string;
  @ApiProperty({ example: 'population' }) feed!: string;
  @ApiProperty({ example: '50011620230824000017' }) sourceRecordId!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) observedAt!: string | null;
}

export class HouseholdDto {
  @ApiProperty({ example: '500116005000231', description: '户号' }) number!: string;
  @ApiProperty({ type: [HouseholdMemberDto] }) members!: HouseholdMemberDto[];
}

export class FamilyDto {
  @ApiProperty({ type: ProvenanceDto }) source!: ProvenanceDto;
  @ApiProperty({ format: 'uuid' }) headId!: string;
  @ApiProperty({ type: RelatedPersonDto }) head!: RelatedPersonDto;
  @ApiProperty({ type: [RelatedPersonWithRelationDto] }) members!: RelatedPersonWithRelationDto[];
}

@ApiExtraModels(CandidateValueDto)
export class PersonDetailDto extends PersonSummaryDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '01',
    description: 'GB 3304, from the sources in rules/survivorship.json order',
  })
  ethnicity!: string | null;
  @ApiProperty(CANDIDATES_SCHEMA) candidates!: Record<string, CandidateValueDto[]>;
  @ApiProperty({ type: [HouseholdDto], description: 'Police households (户号) and their members' })
  households!: HouseholdDto[];
  @ApiProperty({ type: [FamilyDto], description: 'Families records state (a civil-affairs case)' })
  families!: FamilyDto[];
  @ApiProperty({ type: [RelationDto] }) relations!: RelationDto[];
  @ApiProperty({ type: [MentionDto] }) mentions!: MentionDto[];
  @ApiProperty({ type: [String], example: [] }) maskedFields!: string[];
}

/** The answer of a merged person's routes, with 301 and a Location to the survivor. */
export class MergedPersonDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The person it was merged into' })
  mergedInto!: string;
  @ApiProperty({ type: [String], example: [] }) maskedFields!: string[];
}

/** Why the matcher put a mention on its person (scorePair's evidence, or the rule that decided). */
export class MentionLinkDto {
  @ApiProperty({
    enum: ['id-number', 'score', 'decision', 'alone'],
    description:
      'id-number: the same valid ID number; score: the matcher scored a pair; decision: a reviewer or a split; alone: nothing matched',
  })
  rule!: 'id-number' | 'score' | 'decision' | 'alone';
  @ApiPropertyOptional({ example: 0.92, description: '0..1' }) score?: number;
  @ApiPropertyOptional({ description: 'The key of the mention it matched' }) matchedKey?: string;
  @ApiPropertyOptional({ type: [ReviewEvidenceDto] }) evidence?: ReviewEvidenceDto[];
}

export class ExplainedMentionDto extends MentionDto {
  @ApiProperty({ type: MentionLinkDto, nullable: true }) link!: MentionLinkDto | null;
}

/** A review candidate as stored: the person, the score and the mention it matched. */
export class StoredReviewCandidateDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) entityId!: string | null;
  @ApiProperty({ example: 0.6, description: '0..1' }) score!: number;
  @ApiProperty({ type: [ReviewEvidenceDto] }) evidence!: ReviewEvidenceDto[];
  @ApiProperty({ type: ReviewMentionRefDto }) matched!: ReviewMentionRefDto;
}

export class OpenReviewTaskDto extends ReviewMentionRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: [StoredReviewCandidateDto], description: 'Best first' })
  candidates!: StoredReviewCandidateDto[];
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
}

export class PersonExplanationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) mergedInto!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) flags!: unknown[];
  @ApiProperty({ type: [ExplainedMentionDto] }) mentions!: ExplainedMentionDto[];
  @ApiProperty({
    type: [OpenReviewTaskDto],
    description: 'Open review tasks of its mentions, or naming it as a candidate',
  })
  reviewTasks!: OpenReviewTaskDto[];
  @ApiProperty({ type: [String], example: [] }) maskedFields!: string[];
}

export class SplitResultDto {
  @ApiProperty({ format: 'uuid', description: 'The person split' }) personId!: string;
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'The person (or persons) the given mentions are on now',
  })
  splitInto!: string[];
  @ApiProperty({ type: [String], example: [] }) maskedFields!: string[];
}
