import { AccessPolicy } from '@hub/access';
import { loadReportTemplates } from './report-template';

/** The report templates of reports/, checked at start. */
export const REPORT_TEMPLATES = Symbol('REPORT_TEMPLATES');

export const REPORT_TEMPLATES_PROVIDER = {
  provide: REPORT_TEMPLATES,
  inject: [AccessPolicy],
  useFactory: (policy: AccessPolicy) =>
    loadReportTemplates({ purposes: policy.purposes.map((p) => p.code) }),
};
