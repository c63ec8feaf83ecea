import { ApiProperty } from '@nestjs/swagger';

/*
 * Response shapes of the review-task routes, for the OpenAPI document the staff page's types are
 * generated from.
 */

/** Where a person mention is: the department's record and the JSON Pointer inside it. */
export class ReviewMentionRefDto {
  @ApiProperty({ example: 'population' }) feed!: string;
  @ApiProperty({ example: '50011620220329000001', description: "The department's own record id" })
  sourceRecordId!: string;
  @ApiProperty({ example: '', description: 'JSON Pointer inside the record ("" for all of it)' })
  pointer!: string;
}

const VALUES = {
  type: 'object',
  additionalProperties: true,
  description:
    'What the record states at this pointer, by attribute, as normalized (masked by your role like every personal field)',
  example: { name: '李娜', idNumber: '500116199001010020', gender: '2', birthDate: '1990-01-01' },
} as const;

const LABELS = {
  type: 'object',
  additionalProperties: { type: 'string' },
  description: 'Texts of its coded values, by attribute',
  example: { gender: '女', relationToHead: '子' },
} as const;

/** A mention with what its record says. */
export class ReviewMentionDto extends ReviewMentionRefDto {
  @ApiProperty({ example: '公安', description: '公安, 民政, 网格, 镇街采集' }) department!: string;
  @ApiProperty(VALUES) values!: Record<string, unknown>;
  @ApiProperty(LABELS) labels!: Record<string, string>;
}

/** One piece of evidence the matcher weighed (scorePair). */
export class ReviewEvidenceDto {
  @ApiProperty({ example: 'same-household' }) rule!: string;
  @ApiProperty({ example: 4, description: 'Negative for evidence against' }) weight!: number;
}

export class ReviewCandidateDto {
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The person the mention might be',
  })
  entityId!: string | null;
  @ApiProperty({ example: 0.6, description: '0..1' }) score!: number;
  @ApiProperty({ type: [ReviewEvidenceDto] }) evidence!: ReviewEvidenceDto[];
  @ApiProperty({ type: ReviewMentionDto, description: 'The mention of that person it matched' })
  matched!: ReviewMentionDto;
}

/** A task: the mention under review (what its record says) and its candidates. */
export class ReviewTaskDto extends ReviewMentionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The person the mention is on while undecided' })
  personId!: string;
  @ApiProperty({ type: [ReviewCandidateDto], description: 'Best first' })
  candidates!: ReviewCandidateDto[];
  @ApiProperty({ enum: ['open', 'decided', 'moot'] }) status!: 'open' | 'decided' | 'moot';
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    example: { verdict: 'same', personId: null, by: 'demo-reviewer' },
  })
  decision!: Record<string, unknown> | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt!: string | null;
}

export class ReviewTaskListDto {
  @ApiProperty({ type: [ReviewTaskDto] }) tasks!: ReviewTaskDto[];
  @ApiProperty({ type: [String], example: [] }) maskedFields!: string[];
}

export class DecisionResultDto {
  @ApiProperty({ format: 'uuid' }) reviewTask!: string;
  @ApiProperty({ enum: ['same', 'different'] }) verdict!: 'same' | 'different';
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The person the mention is on after the decision',
  })
  personId!: string | null;
  @ApiProperty({ type: [String], example: [] }) maskedFields!: string[];
}
