export { FormsModule } from './forms.module';
export { loadFormTemplates } from './form-template';
export type { FormTemplate } from './form-template';
export { prefill } from './prefill';
export type { FilledForm } from './prefill';
export { relationToApplicant } from './household-relations';
export { FormsService } from './forms.service';
