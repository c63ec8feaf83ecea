import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  getSchemaPath,
  type ApiPropertyOptions,
} from '@nestjs/swagger';

/*
 * Response shapes of the forms API (prefill.ts, form-submissions.ts), for the OpenAPI document
 * the staff page's types are generated from. Masked fields keep their type (a masked ID number
 * is still a string); the form names them in `maskedFields`.
 */

const SUBJECTS = ['person', 'household', 'place', 'division'] as const;
const TIME = { type: String, format: 'date-time', nullable: true } as const;

/** A field's value as normalized: a code, a date, a number, an address object… */
const VALUE: ApiPropertyOptions = {
  oneOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'object', additionalProperties: true },
  ],
  nullable: true,
};

export class FormSummaryDto {
  @ApiProperty({ example: 'elderly-allowance' }) id!: string;
  @ApiProperty({ example: '高龄津贴申领审核表' }) title!: string;
  @ApiProperty({ example: 'elderly-allowance-review', description: 'X-Purpose of every read' })
  purpose!: string;
  @ApiProperty({ enum: SUBJECTS, description: 'What the form is about' })
  subject!: (typeof SUBJECTS)[number];
}

export class FormListDto {
  @ApiProperty({ type: [FormSummaryDto] }) forms!: FormSummaryDto[];
}

/*
 * A template as forms/<id>.json holds it (schemas/forms/form-template.schema.json): what the form
 * asks and where each value comes from.
 */

export class AttributeSourceDto {
  @ApiProperty({ example: 'phone', description: "The chosen value of the subject's attribute" })
  attribute!: string;
}

export class ComputedSourceDto {
  @ApiProperty({
    enum: [
      'age',
      'ageBand',
      'livingAlone',
      'personStatus',
      'division',
      'gridCode',
      'houseUsage',
      'houseOwner',
    ],
    description: 'Computed on the form date',
  })
  computed!: string;
}

export class EventSourceDto {
  @ApiProperty({
    enum: ['assistance', 'elderly_allowance', 'grid_incident'],
    description: "The subject's newest current event of this type",
  })
  event!: string;
  @ApiProperty({ example: 'monthlyAmount' }) attribute!: string;
}

export class RowSourceDto {
  @ApiProperty({
    enum: ['relationToApplicant', 'date'],
    description: "A column of the table row the section's walk gave",
  })
  row!: string;
}

export class TemplateFieldDto {
  @ApiProperty({ example: 'phone' }) key!: string;
  @ApiProperty({ example: '联系电话' }) label!: string;
  @ApiPropertyOptional({
    oneOf: [AttributeSourceDto, ComputedSourceDto, EventSourceDto, RowSourceDto].map((m) => ({
      $ref: getSchemaPath(m),
    })),
    description: 'Where a prefilled value comes from',
  })
  source?: AttributeSourceDto | ComputedSourceDto | EventSourceDto | RowSourceDto;
  @ApiPropertyOptional({ description: 'Staff fill or correct it' }) staff?: boolean;
  @ApiPropertyOptional() required?: boolean;
  @ApiPropertyOptional({ enum: ['idNumber', 'phone', 'address'], description: 'Masking class' })
  mask?: 'idNumber' | 'phone' | 'address';
  @ApiPropertyOptional({
    example: 'phone',
    description: 'The person attribute a staff entry is written back as',
  })
  writeBack?: string;
}

export class TemplateRowsDto {
  @ApiProperty({
    enum: ['householdMembers', 'assistanceCases', 'elderlyAllowances', 'residents', 'incidents'],
    description: 'The entities of the table, from the subject',
  })
  walk!: string;
  @ApiPropertyOptional({ description: 'Only events of the last so many months' }) months?: number;
  @ApiPropertyOptional({ description: 'Only persons at least this old on the form date' })
  minAge?: number;
  @ApiPropertyOptional({ description: 'Only persons neither deceased nor moved out' })
  living?: boolean;
}

export class TemplateSectionDto {
  @ApiProperty({ example: 'person' }) key!: string;
  @ApiProperty({ example: '申领人' }) title!: string;
  @ApiPropertyOptional({ type: TemplateRowsDto, description: 'A table: one row per entity' })
  rows?: TemplateRowsDto;
  @ApiProperty({ type: [TemplateFieldDto] }) fields!: TemplateFieldDto[];
}

@ApiExtraModels(AttributeSourceDto, ComputedSourceDto, EventSourceDto, RowSourceDto)
export class FormTemplateDto {
  @ApiPropertyOptional({ description: "The template authors' note on the form" })
  $comment?: string;
  @ApiProperty({ example: 'elderly-allowance' }) id!: string;
  @ApiProperty({ example: '高龄津贴申领审核表' }) title!: string;
  @ApiProperty({ example: 'elderly-allowance-review', description: 'X-Purpose of every read' })
  purpose!: string;
  @ApiProperty({ type: [String], example: ['township-staff', 'community-staff'] })
  roles!: string[];
  @ApiProperty({ enum: SUBJECTS, description: 'What the form is about' })
  subject!: (typeof SUBJECTS)[number];
  @ApiProperty({ type: [TemplateSectionDto] }) sections!: TemplateSectionDto[];
}

export class FormProvenanceDto {
  @ApiProperty({ example: '公安', description: '公安, 民政, 网格, 镇街采集' }) department!: string;
  @ApiProperty({ example: 'population' }) feed!: string;
  @ApiProperty({
    example: '50011620230824000017',
    description: "The department's own record id (a submission id for 镇街采集)",
  })
  sourceRecordId!: string;
  @ApiProperty({ example: '/payload/person', description: 'JSON Pointer inside the record' })
  pointer!: string;
  @ApiProperty(TIME) observedAt!: string | null;
}

export class FormAlternativeDto {
  @ApiProperty(VALUE) value!: unknown;
  @ApiProperty({ type: String, nullable: true, example: '13823456789' }) display!: string | null;
  @ApiProperty({ type: FormProvenanceDto }) provenance!: FormProvenanceDto;
}

export class FilledFieldDto {
  @ApiProperty({ example: 'phone' }) key!: string;
  @ApiProperty({ example: '联系电话' }) label!: string;
  @ApiProperty(VALUE) value!: unknown;
  @ApiProperty({ type: String, nullable: true, example: '13823456789', description: 'As shown' })
  display!: string | null;
  @ApiProperty({
    enum: ['filled', 'missing', 'conflict', 'flagged', 'staff'],
    description:
      'filled: a source gives it; missing: none does; staff: staff fill it; conflict: a newer source disagrees; flagged: doubtful',
  })
  status!: 'filled' | 'missing' | 'conflict' | 'flagged' | 'staff';
  @ApiProperty({ type: FormProvenanceDto, nullable: true }) provenance!: FormProvenanceDto | null;
  @ApiProperty({ type: [FormAlternativeDto], description: 'What other sources say' })
  alternatives!: FormAlternativeDto[];
  @ApiProperty({ description: 'Staff fill or correct it (submitted in `values`)' })
  staff!: boolean;
  @ApiProperty() required!: boolean;
  @ApiProperty({ enum: ['idNumber', 'phone', 'address'], nullable: true })
  mask!: 'idNumber' | 'phone' | 'address' | null;
}

export class FormFlagDto {
  @ApiProperty({
    enum: ['deceased', 'moved_out', 'missing_person', 'pending_review', 'conflicting_identity'],
  })
  code!: 'deceased' | 'moved_out' | 'missing_person' | 'pending_review' | 'conflicting_identity';
  @ApiProperty({ example: '人员已死亡' }) message!: string;
  @ApiProperty({ format: 'uuid' }) entityId!: string;
}

export class FilledRowDto {
  @ApiProperty({ format: 'uuid' }) entityId!: string;
  @ApiProperty({ type: [FilledFieldDto] }) cells!: FilledFieldDto[];
  @ApiProperty({ type: [FormFlagDto] }) flags!: FormFlagDto[];
}

export class FilledSectionDto {
  @ApiProperty({ example: 'person' }) key!: string;
  @ApiProperty({ example: '申领人' }) title!: string;
  @ApiPropertyOptional({ type: [FilledFieldDto], description: 'A section of fields' })
  fields?: FilledFieldDto[];
  @ApiPropertyOptional({ type: [FilledRowDto], description: 'A table: one row per entity' })
  rows?: FilledRowDto[];
}

export class MissingFieldDto {
  @ApiProperty({ example: 'review' }) section!: string;
  @ApiProperty({ example: 'bankAccount' }) field!: string;
  @ApiProperty({ example: '银行账号' }) label!: string;
  @ApiPropertyOptional({ description: 'The table row (from 0) of a table cell' }) row?: number;
}

export class FormTemplateRefDto {
  @ApiProperty({ example: 'elderly-allowance' }) id!: string;
  @ApiProperty({ example: '高龄津贴申领审核表' }) title!: string;
  @ApiProperty({ example: 'elderly-allowance-review' }) purpose!: string;
}

export class FormSubjectRefDto {
  @ApiProperty({ enum: SUBJECTS }) kind!: (typeof SUBJECTS)[number];
  @ApiPropertyOptional({ format: 'uuid' }) personId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) placeId?: string;
  @ApiPropertyOptional({ example: '500116121204' }) divisionCode?: string;
}

export class FilledFormDto {
  @ApiProperty({ type: FormTemplateRefDto }) template!: FormTemplateRefDto;
  @ApiProperty({ example: '2026-12-05' }) formDate!: string;
  @ApiProperty({ type: [FilledSectionDto] }) sections!: FilledSectionDto[];
  @ApiProperty({ type: [MissingFieldDto], description: 'What staff still have to fill or find' })
  missing!: MissingFieldDto[];
  @ApiProperty({ type: [FormFlagDto], description: 'Deceased, moved out, pending review…' })
  flags!: FormFlagDto[];
  @ApiProperty({ type: FormSubjectRefDto }) subject!: FormSubjectRefDto;
  @ApiProperty({ description: 'Send back with a submission: a changed subject answers 409' })
  version!: string;
  @ApiProperty({ type: [String], example: ['idNumber'] }) maskedFields!: string[];
  @ApiProperty({ type: [String], example: ['phone'] }) unmaskedFields!: string[];
}

export class SubmissionResultDto {
  @ApiProperty({ format: 'uuid' }) submissionId!: string;
  @ApiProperty({ example: 'elderly-allowance' }) form!: string;
  @ApiProperty({ format: 'uuid' }) personId!: string;
  @ApiProperty({ type: [String], example: ['phone', 'bankAccount'] }) writtenBack!: string[];
  @ApiProperty({ example: 'accepted' }) outcome!: string;
  @ApiProperty({ type: [String], example: [] }) maskedFields!: string[];
}

export class ChangedFieldDto {
  @ApiProperty({ example: 'person.phone' }) field!: string;
  @ApiProperty({ example: '联系电话' }) label!: string;
  @ApiProperty(VALUE) before!: unknown;
  @ApiProperty(VALUE) after!: unknown;
  @ApiProperty({ enum: ['filled', 'missing', 'conflict', 'flagged', 'staff'] }) status!: string;
  @ApiProperty({ type: FormProvenanceDto, nullable: true }) source!: FormProvenanceDto | null;
  @ApiProperty({ type: [FormAlternativeDto] }) alternatives!: FormAlternativeDto[];
}

export class SubmissionConflictDto {
  @ApiProperty() message!: string;
  @ApiProperty({ type: [ChangedFieldDto] }) changed!: ChangedFieldDto[];
  @ApiProperty({ description: 'The version of the form now' }) version!: string;
}

export class SubmissionDetailDto {
  @ApiProperty({ format: 'uuid' }) submissionId!: string;
  @ApiProperty({ type: String, format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) submittedAt!: string;
  @ApiProperty({ example: 'elderly-allowance' }) form!: string;
  @ApiProperty({ example: '2026-12-05' }) formDate!: string;
  @ApiProperty({ example: 'demo-community', description: 'The staff account that submitted it' })
  clerk!: string;
  @ApiProperty({ example: '500116121204', description: "The clerk's division" })
  clerkDivision!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'person.phone': '13912345678' },
    description: 'The values entered or corrected, by section.field',
  })
  entered!: Record<string, string>;
  @ApiProperty({ type: [String], example: ['phone'] }) maskedFields!: string[];
}
