import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import type { Request } from 'express';
import { accessOf, Authenticated, PersonalData } from '@hub/access';
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

type Prefilled = Awaited<ReturnType<FormsService['prefill']>>;

/** 一表通 forms: templates as data, prefilled from the model for a subject. */
@ApiTags('forms')
@Controller('forms')
export class FormsController {
  constructor(private readonly forms: FormsService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'The form templates your role may use' })
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
  async prefill(
    @Param('templateId') id: string,
    @Body() body: PrefillDto,
    @Req() request: Request,
  ) {
    const { principal, purpose } = accessOf(request);
    const { formDate, ...subject } = body;
    return this.forms.prefill(principal, purpose, id, subject, formDate);
  }
}
