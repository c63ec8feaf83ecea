import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/*
 * Response shapes of the report routes (report-engine.ts, reports.service.ts), for the OpenAPI
 * document the staff page's types are generated from.
 */

const MEASURES = ['persons', 'households', 'events', 'sum'] as const;
const PERIODS = ['date', 'month', 'range'] as const;

const CELLS = {
  type: 'object',
  additionalProperties: { type: 'number' },
  example: { dibaoHouseholds: 12, dibaoPersons: 19, dibaoAmount: 8450 },
  description: 'A number per column key',
} as const;

export class ReportColumnDto {
  @ApiProperty({ example: 'dibaoHouseholds' }) key!: string;
  @ApiProperty({ example: '城乡低保户数(户)' }) label!: string;
  @ApiProperty({ enum: MEASURES }) measure!: (typeof MEASURES)[number];
}

/** A template a caller may pull. */
export class ReportSummaryDto {
  @ApiProperty({ example: 'assistance-monthly' }) id!: string;
  @ApiProperty({ example: '城乡低保/特困救助对象统计月报' }) title!: string;
  @ApiProperty({ example: 'statistics', description: "X-Purpose of the report's cells" })
  purpose!: string;
  @ApiProperty({
    enum: PERIODS,
    description: 'What the request gives: date (as of), month, or range (from, to)',
  })
  period!: (typeof PERIODS)[number];
  @ApiProperty({ type: [String], example: ['township'], description: 'Rows: place, then month' })
  groupBy!: string[];
  @ApiProperty({ type: [ReportColumnDto] }) columns!: ReportColumnDto[];
  @ApiProperty({ description: 'Whether you may list the persons a cell counts (…/cells)' })
  cells!: boolean;
}

export class ReportListDto {
  @ApiProperty({ type: [ReportSummaryDto] }) reports!: ReportSummaryDto[];
}

export class ReportTemplateRefDto {
  @ApiProperty({ example: 'assistance-monthly' }) id!: string;
  @ApiProperty({ example: '城乡低保/特困救助对象统计月报' }) title!: string;
  @ApiProperty({ example: 'statistics' }) purpose!: string;
}

export class ReportDivisionDto {
  @ApiProperty({ example: '500116' }) code!: string;
  @ApiProperty({ type: String, nullable: true, example: '江津区' }) name!: string | null;
}

/** The days a report covers, both included, and the day ages are on. */
export class ReportPeriodDto {
  @ApiProperty({ enum: PERIODS }) kind!: (typeof PERIODS)[number];
  @ApiProperty({ example: '2026-11-01' }) from!: string;
  @ApiProperty({ example: '2026-11-30' }) to!: string;
  @ApiProperty({ example: '2026-11-30', description: 'The report date: ages are on it' })
  date!: string;
  @ApiPropertyOptional({ example: '2026-11', description: 'When the period is one month' })
  month?: string;
}

export class ReportTableColumnDto extends ReportColumnDto {
  @ApiPropertyOptional({ example: 'monthlyAmount', description: 'sum: the attribute summed' })
  amount?: string;
}

export class ReportRowDto {
  @ApiProperty({ example: '500116005', description: 'The row key (…/cells takes it)' })
  key!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { township: '500116005' },
    description: 'The value of each groupBy level',
  })
  groups!: Record<string, string>;
  @ApiProperty({ type: String, nullable: true, example: '500116005' })
  divisionCode!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '鼎山街道' })
  divisionName!: string | null;
  @ApiPropertyOptional({
    type: Boolean,
    example: true,
    description: 'Its subjects are known only to this division, coarser than the rows',
  })
  unplaced?: true;
  @ApiProperty(CELLS) cells!: Record<string, number>;
}

export class ReportTotalsDto {
  @ApiProperty({ enum: ['total'] }) key!: 'total';
  @ApiProperty(CELLS) cells!: Record<string, number>;
}

export class ReportTableDto {
  @ApiProperty({ type: ReportTemplateRefDto }) template!: ReportTemplateRefDto;
  @ApiProperty({ type: ReportDivisionDto }) division!: ReportDivisionDto;
  @ApiProperty({ type: ReportPeriodDto }) period!: ReportPeriodDto;
  @ApiProperty({ type: [String], example: ['township'] }) groupBy!: string[];
  @ApiProperty({ type: [ReportTableColumnDto] }) columns!: ReportTableColumnDto[];
  @ApiProperty({ type: [ReportRowDto] }) rows!: ReportRowDto[];
  @ApiProperty({ type: ReportTotalsDto }) totals!: ReportTotalsDto;
}

/** The subjects one cell counts. */
export class ReportCellSubjectsDto {
  @ApiProperty({ example: 'assistance-monthly' }) template!: string;
  @ApiProperty({ example: '500116' }) division!: string;
  @ApiProperty({ type: ReportPeriodDto }) period!: ReportPeriodDto;
  @ApiProperty({ example: '500116005' }) row!: string;
  @ApiProperty({ example: 'dibaoPersons' }) column!: string;
  @ApiProperty({ enum: ['person', 'event'] }) subjectType!: 'person' | 'event';
  @ApiProperty({ type: [String], format: 'uuid', description: 'Persons or events' })
  ids!: string[];
  @ApiProperty({ type: [String], example: [] }) maskedFields!: string[];
}
