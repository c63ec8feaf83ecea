import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import type { Request, Response } from 'express';
import { accessOf, Authenticated, Permission, PersonalData } from '@hub/access';
import type { ReportTable } from './report-engine';
import { reportWorkbook, XLSX_TYPE } from './report-workbook';
import { ReportCellSubjectsDto, ReportListDto, ReportTableDto } from './reports.dto';
import { ReportsService, type ReportCell } from './reports.service';

export class ReportRequestDto {
  @ApiProperty({
    example: '500116005',
    description: 'The district, township or village reported on (inside your jurisdiction)',
  })
  @Matches(/^(\d{6}|\d{9}|\d{12})$/)
  divisionCode!: string;

  @ApiPropertyOptional({ example: '2026-11', description: 'Monthly and range reports: the month' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}$/)
  month?: string;

  @ApiPropertyOptional({
    example: '2026-12-05',
    description: 'Reports as of a date: the report date (today in Beijing by default)',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  date?: string;

  @ApiPropertyOptional({ example: '2026-10-01', description: 'Range reports: the first day' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Range reports: the last day' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  to?: string;
}

export class ReportCellDto extends ReportRequestDto {
  @ApiProperty({
    example: '500116005002',
    description: 'The row key of the table (`total` for the totals row)',
  })
  @Matches(/^[0-9A-Za-z/-]{1,40}$/)
  row!: string;

  @ApiProperty({ example: 'age80to89', description: 'The column key of the table' })
  @Matches(/^[a-z][A-Za-z0-9]{0,63}$/)
  column!: string;
}

export class ReportFormatDto {
  @ApiPropertyOptional({ enum: ['json', 'xlsx'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'xlsx'])
  format?: 'json' | 'xlsx';
}

const TEMPLATE_ID = ApiParam({
  name: 'templateId',
  example: 'assistance-monthly',
  description: 'A report of GET /v1/reports',
});

/** What the audit row of a pulled report says (no subjects: the numbers are aggregates). */
function reportDetail(request: Request): Record<string, unknown> {
  return (request.res?.locals.reportAudit as Record<string, unknown> | undefined) ?? {};
}

/** Reports (报表): departments take the counts they need instead of asking townships. */
@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'The report templates you may pull, with their columns' })
  @ApiOkResponse({ type: ReportListDto })
  list(@Req() request: Request) {
    const principal = accessOf(request).principal;
    return {
      reports: this.reports.available(principal).map((t) => ({
        id: t.id,
        title: t.title,
        purpose: t.purpose,
        period: t.period,
        groupBy: t.groupBy,
        columns: t.columns.map(({ key, label, measure }) => ({ key, label, measure })),
        cells: principal.permissions.has('persons:read'),
      })),
    };
  }

  @Post(':templateId')
  @HttpCode(200)
  @Permission('reports:read', {
    action: 'read',
    detail: (_body: unknown, request: Request) => reportDetail(request),
  })
  @ApiOperation({
    summary:
      'A report for a division inside your jurisdiction: rows (divisions, grids, months) with their division names, columns with labels, a number per cell and the totals row; ?format=xlsx answers an Excel workbook. Counts only: audited as a bulk read, without subjects.',
  })
  @TEMPLATE_ID
  @ApiExtraModels(ReportTableDto)
  @ApiOkResponse({
    description: 'The table (format=json), or the workbook as an attachment (format=xlsx)',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ReportTableDto) } },
      [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } },
    },
  })
  async pull(
    @Param('templateId') id: string,
    @Body() body: ReportRequestDto,
    @Query() query: ReportFormatDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReportTable | StreamableFile> {
    const table = await this.reports.table(accessOf(request).principal, id, body);
    const format = query.format ?? 'json';
    response.locals.reportAudit = {
      report: table.template.id,
      divisionCode: table.division.code,
      period: table.period,
      format,
      rows: table.rows.length,
    };
    if (format === 'json') return table;
    const name = `${table.template.id}-${table.division.code}-${table.period.month ?? (table.period.from === table.period.to ? table.period.date : `${table.period.from}-${table.period.to}`)}.xlsx`;
    return new StreamableFile(await reportWorkbook(table), {
      type: XLSX_TYPE,
      disposition: `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(`${table.template.title}-${name}`)}`,
    });
  }

  @Post(':templateId/cells')
  @HttpCode(200)
  @PersonalData('persons:read', {
    action: 'read',
    subjects: (body: ReportCell) => body.ids,
    detail: (body: ReportCell) => ({
      report: body.template,
      divisionCode: body.division,
      period: body.period,
      row: body.row,
      column: body.column,
      count: body.ids.length,
    }),
  })
  @ApiOperation({
    summary:
      'The persons or events one cell of a report counts (their ids), for staff who may read persons and pull reports. X-Purpose must be the report’s purpose; audited with the ids as subjects.',
  })
  @TEMPLATE_ID
  @ApiOkResponse({ type: ReportCellSubjectsDto })
  cell(@Param('templateId') id: string, @Body() body: ReportCellDto, @Req() request: Request) {
    const { principal, purpose } = accessOf(request);
    return this.reports.cell(principal, purpose, id, body);
  }
}
