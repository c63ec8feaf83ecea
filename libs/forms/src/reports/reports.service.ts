import {
  BadRequestException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { covers, jurisdictionOf, type Principal } from '@hub/access';
import { todayInBeijing } from '../forms.service';
import {
  assembleTable,
  cellSubjectType,
  columnOf,
  parseRowKey,
  planReport,
  type ReportPlan,
  type ReportTable,
} from './report-engine';
import { ReportRequestError, resolvePeriod, type PeriodRequest } from './report-period';
import type { ReportTemplate } from './report-template';
import { REPORT_TEMPLATES } from './report-templates.provider';
import { ReportRepository } from './report.repository';

export interface ReportRequest extends PeriodRequest {
  divisionCode: string;
}

/** What a cell counts: the ids of its persons or events. */
export interface ReportCell {
  template: string;
  division: string;
  period: ReportTable['period'];
  row: string;
  column: string;
  subjectType: 'person' | 'event';
  ids: string[];
}

/** The permission a report needs; its cells (ids of persons) need persons:read besides. */
export const REPORTS_READ = 'reports:read';

/**
 * Reports (报表) a department pulls itself: a template's table for a division inside the
 * caller's jurisdiction, and the subjects behind one cell.
 */
@Injectable()
export class ReportsService {
  constructor(
    @Inject(REPORT_TEMPLATES) private readonly templates: ReportTemplate[],
    private readonly reports: ReportRepository,
  ) {}

  /** The templates the caller may pull: all of them with reports:read, else none. */
  available(principal: Principal): ReportTemplate[] {
    return principal.permissions.has(REPORTS_READ) ? this.templates : [];
  }

  template(id: string): ReportTemplate {
    const template = this.templates.find((t) => t.id === id);
    if (!template) throw new NotFoundException(`no report ${id}`);
    return template;
  }

  async table(principal: Principal, id: string, request: ReportRequest): Promise<ReportTable> {
    const { template, plan, period, division } = await this.prepare(principal, id, request);
    return assembleTable(template, plan, period, division, await this.reports.aggregate(plan));
  }

  /** The ids a cell counts, for staff who may read persons and pull reports. */
  async cell(
    principal: Principal,
    purpose: string | null,
    id: string,
    request: ReportRequest & { row: string; column: string },
  ): Promise<ReportCell> {
    if (!principal.permissions.has(REPORTS_READ))
      throw new ForbiddenException(`this needs the permission ${REPORTS_READ}`);
    const template = this.template(id);
    if (purpose !== template.purpose)
      throw new BadRequestException(
        `${template.title} is read for the purpose ${template.purpose}: send X-Purpose: ${template.purpose}`,
      );
    const { plan, period, division } = await this.prepare(principal, id, request);
    const { column, row } = badRequest(() => ({
      column: columnOf(plan, request.column),
      row: parseRowKey(plan, request.row),
    }));
    return {
      template: template.id,
      division: division.code,
      period,
      row: request.row,
      column: column.key,
      subjectType: cellSubjectType(plan, column),
      ids: await this.reports.cell(plan, column, row),
    };
  }

  private async prepare(principal: Principal, id: string, request: ReportRequest) {
    const template = this.template(id);
    const code = request.divisionCode;
    if (!covers(principal.jurisdiction, code))
      throw new ForbiddenException(`division ${code} is outside your jurisdiction`);
    const division = await this.reports.division(code);
    if (!division) throw new NotFoundException(`no division ${code}`);
    const period = badRequest(() => resolvePeriod(template.period, request, todayInBeijing()));
    const plan: ReportPlan = planReport(template, jurisdictionOf(code), period);
    return { template, plan, period, division };
  }
}

function badRequest<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ReportRequestError) throw new BadRequestException(error.message);
    throw error;
  }
}
