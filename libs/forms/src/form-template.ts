import { findRepoFolder, loadCheckedFiles, SchemaRegistry } from '@hub/contracts';

/** forms/<id>.json, as schemas/forms/form-template.schema.json describes it. */
export interface FormTemplate {
  id: string;
  title: string;
  /** The purpose every read of this form is made and audited under. */
  purpose: string;
  roles: string[];
  subject: 'person' | 'household' | 'place' | 'division';
  sections: FormSection[];
}

export type Walk =
  'householdMembers' | 'assistanceCases' | 'elderlyAllowances' | 'residents' | 'incidents';

export interface FormSection {
  key: string;
  title: string;
  /** A table: one row per entity the walk gives. */
  rows?: { walk: Walk; months?: number; minAge?: number; living?: boolean };
  fields: FormField[];
}

export type Computed =
  | 'age'
  | 'ageBand'
  | 'livingAlone'
  | 'personStatus'
  | 'division'
  | 'gridCode'
  | 'houseUsage'
  | 'houseOwner';

export type FieldSource =
  | { attribute: string }
  | { computed: Computed }
  | { event: 'assistance' | 'elderly_allowance' | 'grid_incident'; attribute: string }
  | { row: 'relationToApplicant' | 'date' };

export interface FormField {
  key: string;
  label: string;
  source?: FieldSource;
  staff?: boolean;
  required?: boolean;
  mask?: 'idNumber' | 'phone' | 'address';
  writeBack?: string;
}

/** Walks whose rows are persons (the others give events). */
export const PERSON_WALKS: readonly Walk[] = ['householdMembers', 'residents'];

/**
 * Reads and checks every template of `forms/`: its JSON Schema, then what a schema cannot say —
 * the file is named after its id, the purpose and roles exist, row sources sit in tables, and
 * write-back keys on staff fields only. Throws naming the file and the field.
 */
export function loadFormTemplates(
  known: { purposes: string[]; roles: string[] },
  dir = findRepoFolder('forms'),
  schemas = new SchemaRegistry(),
): FormTemplate[] {
  return loadCheckedFiles<FormTemplate>(
    'form template',
    dir,
    'forms/form-template.schema.json',
    schemas,
    (data, fileId) => templateProblems(data, fileId, known),
  );
}

/** What the schema cannot check; each problem names the field as a JSON path. */
export function templateProblems(
  template: FormTemplate,
  fileId: string,
  known: { purposes: string[]; roles: string[] },
): string[] {
  const problems: string[] = [];
  if (template.id !== fileId) problems.push(`/id: ${template.id} is not the file name ${fileId}`);
  if (!known.purposes.includes(template.purpose))
    problems.push(`/purpose: ${template.purpose} is not a purpose of rules/access/purposes.json`);
  template.roles.forEach((role, i) => {
    if (!known.roles.includes(role)) problems.push(`/roles/${i}: ${role} is not a role`);
  });
  const sectionKeys = new Set<string>();
  template.sections.forEach((section, s) => {
    if (sectionKeys.has(section.key)) problems.push(`/sections/${s}/key: ${section.key} twice`);
    sectionKeys.add(section.key);
    const fieldKeys = new Set<string>();
    section.fields.forEach((field, f) => {
      const at = `/sections/${s}/fields/${f}`;
      if (fieldKeys.has(field.key)) problems.push(`${at}/key: ${field.key} twice`);
      fieldKeys.add(field.key);
      const source = field.source;
      if (source && 'row' in source && !section.rows)
        problems.push(`${at}/source: a row source belongs in a table section`);
      if (
        source &&
        'row' in source &&
        source.row === 'relationToApplicant' &&
        section.rows?.walk !== 'householdMembers'
      )
        problems.push(`${at}/source: relationToApplicant needs the householdMembers walk`);
      if (field.writeBack && !field.staff)
        problems.push(`${at}/writeBack: only fields staff fill are written back`);
      if (field.writeBack && section.rows)
        problems.push(`${at}/writeBack: table cells are not written back`);
    });
  });
  return problems;
}
