import type { components } from '../../api/schema';

/** The forms API's shapes (libs/forms/src/forms.dto.ts), as the generated types give them. */
export type FormSummary = components['schemas']['FormSummaryDto'];
export type FilledForm = components['schemas']['FilledFormDto'];
export type FilledSection = components['schemas']['FilledSectionDto'];
export type FilledField = components['schemas']['FilledFieldDto'];
export type FilledRow = components['schemas']['FilledRowDto'];
export type FormFlag = components['schemas']['FormFlagDto'];
export type Provenance = components['schemas']['FormProvenanceDto'];
export type Alternative = components['schemas']['FormAlternativeDto'];
export type SubmissionConflict = components['schemas']['SubmissionConflictDto'];
export type SubmissionResult = components['schemas']['SubmissionResultDto'];

/** What a form is about, as the page's address gives it (/forms/:id?personId=…). */
export interface FormSubjectQuery {
  personId?: string;
  idNumber?: string;
  placeId?: string;
  address?: string;
  divisionCode?: string;
}

export const SUBJECT_KEYS = ['personId', 'idNumber', 'placeId', 'address', 'divisionCode'] as const;

export const SUBJECT_LABELS: Record<FormSummary['subject'], string> = {
  person: '个人',
  household: '家庭',
  place: '地址（房屋）',
  division: '村（社区）/镇街',
};
