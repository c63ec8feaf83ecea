import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CANDIDATES_SCHEMA,
  CandidateValueDto,
  LABELS_SCHEMA,
  MentionDto,
  ProvenanceDto,
  RelatedPersonDto,
  RelationDto,
} from './read.dto';

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
