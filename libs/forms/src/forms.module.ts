import { Module } from '@nestjs/common';
import { FeedsHttpModule } from '@hub/feeds';
import { ResolutionModule } from '@hub/resolution';
import { FormSubjectRepository } from './form-subject.repository';
import { FormSubmissions } from './form-submissions';
import { FORM_TEMPLATES_PROVIDER } from './form-templates.provider';
import { FormsController } from './forms.controller';
import { FormsService } from './forms.service';
import { RosterExport } from './roster-export';
import { RosterExportController } from './roster-export.controller';
import { REPORT_TEMPLATES_PROVIDER } from './reports/report-templates.provider';
import { ReportRepository } from './reports/report.repository';
import { ReportsController } from './reports/reports.controller';
import { ReportsService } from './reports/reports.service';

/** 一表通: form templates (forms/), prefilled from the unified model. */
@Module({
  imports: [ResolutionModule, FeedsHttpModule],
  // The roster export first: its path is more specific than FormsController's /:templateId.
  controllers: [RosterExportController, FormsController, ReportsController],
  providers: [
    FORM_TEMPLATES_PROVIDER,
    FormSubjectRepository,
    FormsService,
    FormSubmissions,
    RosterExport,
    REPORT_TEMPLATES_PROVIDER,
    ReportRepository,
    ReportsService,
  ],
})
export class FormsModule {}
