import { AccessPolicy, ROLES } from '@hub/access';
import { loadFormTemplates } from './form-template';

/** The form templates of forms/, checked at start. */
export const FORM_TEMPLATES = Symbol('FORM_TEMPLATES');

export const FORM_TEMPLATES_PROVIDER = {
  provide: FORM_TEMPLATES,
  inject: [AccessPolicy],
  useFactory: (policy: AccessPolicy) =>
    loadFormTemplates({ purposes: policy.purposes.map((p) => p.code), roles: [...ROLES] }),
};
