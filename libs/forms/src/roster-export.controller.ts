import {
  Controller,
  Get,
  Logger,
  Query,
  Req,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import type { Request, Response } from 'express';
import { accessOf, AuditTrail, PersonalData } from '@hub/access';
import {
  contentDisposition,
  ROSTER_FORM,
  ROSTER_MEDIA_TYPES,
  RosterExport,
  type RosterFormat,
} from './roster-export';

export class RosterExportQueryDto {
  @ApiProperty({
    example: '500116121204',
    description: 'The village, community, township or district (6, 9 or 12 digits)',
  })
  @Matches(/^(\d{6}|\d{9}|\d{12})$/)
  divisionCode!: string;

  @ApiPropertyOptional({
    example: '2026-12-05',
    description: 'The form date (ages are on it); today in Beijing by default',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  formDate?: string;

  @ApiPropertyOptional({ enum: ['xlsx', 'csv'], default: 'xlsx' })
  @IsOptional()
  @IsIn(['xlsx', 'csv'])
  format?: RosterFormat;
}

/**
 * The 80+ roster as a file. Declared before FormsController (forms.module.ts), and two path
 * segments long, so `GET /v1/forms/:templateId` never takes it.
 */
@ApiTags('forms')
@Controller('forms')
export class RosterExportController {
  private readonly log = new Logger(RosterExportController.name);

  constructor(
    private readonly roster: RosterExport,
    private readonly trail: AuditTrail,
  ) {}

  /**
   * Checked, then audited once as a bulk read (the division and form date: its range; the count
   * is not known before the stream ends), then streamed a keyset page at a time.
   */
  @Get(`${ROSTER_FORM}/export`)
  @PersonalData('forms:prefill', { action: 'read', selfAudited: true })
  @ApiOperation({
    summary:
      '辖区80周岁以上老人花名册 of a division in your jurisdiction as a workbook (format=xlsx: the roster, then 来源 with each cell’s department, record and time) or CSV (UTF-8 with BOM): every living resident aged 80 or more on the form date, masked by your role (X-Masked-Fields). X-Purpose must be elderly-allowance-review.',
  })
  @ApiOkResponse({
    description:
      'The roster as an attachment (Content-Disposition names the file); X-Masked-Fields names the fields masked for your role',
    headers: {
      'X-Masked-Fields': {
        description: 'Fields masked for your role, comma-separated, or none',
        schema: { type: 'string', example: 'idNumber,phone' },
      },
    },
    content: {
      [ROSTER_MEDIA_TYPES.xlsx]: { schema: { type: 'string', format: 'binary' } },
      'text/csv': { schema: { type: 'string', description: 'UTF-8 with BOM' } },
    },
  })
  async export(
    @Query() query: RosterExportQueryDto,
    @Req() request: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { principal, purpose } = accessOf(request);
    const plan = await this.roster.plan(principal, purpose, query);
    try {
      await this.trail.record(request, {
        subjects: [],
        fieldsUnmasked: plan.unmasked,
        status: 200,
        detail: {
          form: plan.template.id,
          divisionCode: plan.divisionCode,
          formDate: plan.formDate,
          format: plan.format,
        },
      });
    } catch (error) {
      this.log.error(`audit row not written for the roster export: ${String(error)}`);
      throw new ServiceUnavailableException(
        'the audit trail cannot be written; nothing was returned',
      );
    }
    res.status(200);
    res.setHeader('Content-Type', ROSTER_MEDIA_TYPES[plan.format]);
    res.setHeader('Content-Disposition', contentDisposition(plan.fileName, plan.asciiFileName));
    res.setHeader('X-Masked-Fields', plan.masked.join(',') || 'none');
    res.setHeader('Cache-Control', 'no-store');
    try {
      const rows =
        plan.format === 'csv'
          ? await this.roster.writeCsv(plan, res)
          : await this.roster.writeXlsx(plan, res);
      this.log.log(`roster ${plan.divisionCode} ${plan.formDate} ${plan.format}: ${rows} rows`);
    } catch (error) {
      this.log.error(`roster export failed: ${String(error)}`);
      if (!res.headersSent) {
        res.removeHeader('Content-Disposition');
        throw error;
      }
      // The status is gone already: end the download broken rather than let it look whole.
      res.destroy(error as Error);
    }
  }
}
