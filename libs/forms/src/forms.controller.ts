import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import {
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import type { Request } from 'express';
import { accessOf, Authenticated, PersonalData } from '@hub/access';
import { FormSubmissions } from './form-submissions';
import {
  FilledFormDto,
  FormListDto,
  FormTemplateDto,
  SubmissionConflictDto,
  SubmissionDetailDto,
  SubmissionResultDto,
} from './forms.dto';
import { FormsService } from './forms.service';

export class PrefillDto {
  @ApiPropertyOptional({ description: 'Person forms: the person' })
  @IsOptional()
  @IsUUID()
  personId?: string;

  @ApiPropertyOptional({ description: 'Person forms: the person by ID number' })
  @IsOptional()
  @MaxLength(32)
  idNumber?: string;

  @ApiPropertyOptional({ description: 'Address forms: the place (GET /v1/places?address=…)' })
  @IsOptional()
  @IsUUID()
  placeId?: string;

  @ApiPropertyOptional({
    example: '鼎山街道双福大道72号2-3-501',
    description:
      'Address forms: the address as written (any spelling of the same flat); divisions it does not name are your own',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  address?: string;

  @ApiPropertyOptional({
    example: '500116121204',
    description: 'Division forms: the village, community or township',
  })
  @IsOptional()
  @Matches(/^(\d{6}|\d{9}|\d{12})$/)
  divisionCode?: string;

  @ApiPropertyOptional({
    example: '2026-12-05',
    description: 'The form date (ages are on it); today in Beijing by default',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  formDate?: string;
}

export class SubmissionDto extends PrefillDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', nullable: true },
    example: { 'person.phone': '13912345678', 'review.bankAccount': '6217 0000 0000 0000' },
    description: 'Entered or corrected values by section.field (fields staff fill)',
  })
  @IsObject()
  values!: Record<string, string | null>;

  @ApiProperty({
    type: 'object',
    properties: { version: { type: 'string' } },
    additionalProperties: true,
    description: 'The prefilled form the clerk started from, as it came from …/prefill',
  })
  @IsObject()
  prefill!: { version: string } & Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Submit although the subject changed since that prefill' })
  @IsOptional()
  @IsBoolean()
  confirm?: boolean;
}

type Prefilled = Awaited<ReturnType<FormsService['prefill']>>;

const TEMPLATE_ID = ApiParam({
  name: 'templateId',
  example: 'elderly-allowance',
  description: 'A form of GET /v1/forms',
});

/** 一表通 forms: templates as data, prefilled from the model for a subject. */
@ApiTags('forms')
@Controller('forms')
export class FormsController {
  constructor(
    private readonly forms: FormsService,
    private readonly submissions: FormSubmissions,
  ) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'The form templates your role may use' })
  @ApiOkResponse({ type: FormListDto })
  list(@Req() request: Request) {
    return {
      forms: this.forms
        .usable(accessOf(request).principal)
        .map(({ id, title, purpose, subject }) => ({
          id,
          title,
          purpose,
          subject,
        })),
    };
  }

  @Get(':templateId')
  @Authenticated()
  @ApiOperation({
    summary: 'One form template: its sections and fields, where each value comes from',
  })
  @TEMPLATE_ID
  @ApiOkResponse({ type: FormTemplateDto })
  get(@Param('templateId') id: string, @Req() request: Request) {
    return this.forms.template(accessOf(request).principal, id);
  }

  @Post(':templateId/prefill')
  @HttpCode(200)
  @PersonalData('forms:prefill', {
    action: 'read',
    // The subject and every person or event a table row shows.
    subjects: (body: Prefilled) => [
      ...Object.values(body.subject).filter((v) => v !== body.subject.kind),
      ...body.sections.flatMap((s) => (s.rows ?? []).map((r) => r.entityId)),
    ],
    unmasked: (body: Prefilled) => body.unmaskedFields,
    detail: (body: Prefilled) => ({ form: body.template.id, formDate: body.formDate }),
  })
  @ApiOperation({
    summary:
      'The form prefilled for a subject in your jurisdiction: each field with its value, display text, status, source and alternatives; what is missing; flags (deceased, moved out, pending review, conflicting identity). X-Purpose must be the form’s purpose.',
  })
  @TEMPLATE_ID
  @ApiOkResponse({ type: FilledFormDto })
  async prefill(
    @Param('templateId') id: string,
    @Body() body: PrefillDto,
    @Req() request: Request,
  ) {
    const { principal, purpose } = accessOf(request);
    const { formDate, ...subject } = body;
    const form = await this.forms.prefill(principal, purpose, id, subject, formDate);
    // The unmasked identity is for write-back only; it never leaves.
    delete (form as Partial<typeof form>).identity;
    return form;
  }

  @Post(':templateId/submissions')
  @PersonalData('forms:submit', {
    action: 'write',
    subjects: (body: { personId?: string; submissionId: string }) => [
      body.personId,
      body.submissionId,
    ],
    detail: (body: { form: string; writtenBack: string[] }) => ({
      form: body.form,
      writtenBack: body.writtenBack,
    }),
  })
  @ApiOperation({
    summary:
      'Submit a form: the values entered or corrected (by section.field), and the prefill it started from. Kept whole as a 镇街采集 record; its values enter the model through the pipeline. 409 with what changed when the subject changed since that prefill (send confirm: true to submit anyway).',
  })
  @TEMPLATE_ID
  @ApiCreatedResponse({ type: SubmissionResultDto })
  @ApiConflictResponse({
    type: SubmissionConflictDto,
    description: 'The subject changed since the prefill: what changed',
  })
  submit(@Param('templateId') id: string, @Body() body: SubmissionDto, @Req() request: Request) {
    const { principal, purpose } = accessOf(request);
    const {
      personId,
      idNumber,
      placeId,
      address,
      divisionCode,
      formDate,
      values,
      prefill,
      confirm,
    } = body;
    return this.submissions.submit(principal, purpose, id, {
      subject: { personId, idNumber, placeId, address, divisionCode },
      formDate,
      values,
      prefill,
      confirm,
    });
  }

  @Get('submissions/:submissionId')
  @PersonalData('forms:prefill', {
    action: 'read',
    subjects: (body: { submissionId: string }) => [body.submissionId],
  })
  @ApiOperation({
    summary: 'A submission as it was made: the form as shown and the values entered',
  })
  @ApiParam({ name: 'submissionId', format: 'uuid' })
  @ApiOkResponse({ type: SubmissionDetailDto })
  submission(@Param('submissionId', ParseUUIDPipe) id: string, @Req() request: Request) {
    return this.submissions.find(accessOf(request).principal, id);
  }
}
