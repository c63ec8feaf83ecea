import type { FieldSource, FormField, FormSection, FormTemplate } from './form-template';
import { choose, type Candidate, type Choice } from './choose-value';
import { asText, displayOf } from './display';
import type { RelationToApplicant } from './household-relations';

/** What the hub knows of one entity, as a form reads it: golden values and every candidate. */
export interface EntitySnapshot {
  id: string;
  /** Golden columns (persons: name, idNumber, gender, birthDate, status, phone, divisionCode). */
  golden: Record<string, unknown>;
  /** Every current value stated about the entity, by attribute, with its source. */
  candidates: Record<string, Candidate[]>;
}

export interface PersonSnapshot extends EntitySnapshot {
  /** Identity attributes sources disagree on (the golden record's flags). */
  conflicts: string[];
  openReviewTasks: number;
  /** Current events the person is involved in (assistance cases, allowances, incidents). */
  events: EventSnapshot[];
}

export interface EventSnapshot extends EntitySnapshot {
  eventType: string;
  occurredAt: string | null;
}

export interface HouseholdMember {
  person: PersonSnapshot;
  relation: RelationToApplicant;
}

/** Everything a template may read about its subject, loaded by the form repository. */
export interface SubjectSnapshot {
  person?: PersonSnapshot;
  household?: HouseholdMember[];
  place?: EntitySnapshot & { house?: { usage: Candidate[]; owner: Candidate[] } };
  residents?: PersonSnapshot[];
  incidents?: EventSnapshot[];
  /** Division code → name, for display. */
  divisionNames: Record<string, string>;
}

export type FieldStatus = 'filled' | 'missing' | 'conflict' | 'flagged' | 'staff';

export interface Provenance {
  department: string;
  feed: string;
  /** The department's own record id. */
  sourceRecordId: string;
  pointer: string;
  observedAt: string | null;
}

export interface FilledField {
  key: string;
  label: string;
  value: unknown;
  display: string | null;
  status: FieldStatus;
  provenance: Provenance | null;
  alternatives: { value: unknown; display: string | null; provenance: Provenance }[];
  staff: boolean;
  required: boolean;
  mask: FormField['mask'] | null;
}

export interface FilledRow {
  entityId: string;
  cells: FilledField[];
  flags: FormFlag[];
}

export interface FilledSection {
  key: string;
  title: string;
  fields?: FilledField[];
  rows?: FilledRow[];
}

export interface FormFlag {
  code: 'deceased' | 'moved_out' | 'missing_person' | 'pending_review' | 'conflicting_identity';
  message: string;
  entityId: string;
}

export interface FilledForm {
  template: { id: string; title: string; purpose: string };
  formDate: string;
  sections: FilledSection[];
  /** What the clerk still has to fill or find: section, field and row where it is a table cell. */
  missing: { section: string; field: string; label: string; row?: number }[];
  /** What must stop a clerk from trusting the form blindly. */
  flags: FormFlag[];
}

const STATUS_FLAGS: Record<string, FormFlag['code'] | undefined> = {
  deceased: 'deceased',
  moved_out: 'moved_out',
  missing: 'missing_person',
};
const FLAG_MESSAGES: Record<FormFlag['code'], string> = {
  deceased: '人员已死亡',
  moved_out: '人员已迁出',
  missing_person: '人员下落不明',
  pending_review: '身份待核实(有待审核的合并)',
  conflicting_identity: '身份信息在各部门间不一致',
};

/**
 * Fills a form template from what the hub knows of its subject, on the form date: each field's
 * value with its source, the alternatives where sources disagree, its status, the list of what
 * is missing, and the flags a clerk must see. Pure: the snapshot is loaded elsewhere.
 */
export function prefill(
  template: FormTemplate,
  subject: SubjectSnapshot,
  formDate: string,
  context: {
    order: (attribute: string) => readonly string[];
    department: (feed: string) => string;
  },
): FilledForm {
  const flags: FormFlag[] = [];
  const missing: FilledForm['missing'] = [];
  const filler = new FieldFiller(subject, formDate, context);
  if (subject.person) flags.push(...personFlags(subject.person));
  const sections = template.sections.map((section): FilledSection => {
    if (!section.rows) {
      const entity = subject.person ?? subject.place;
      const fields = section.fields.map((field) => filler.fill(field, entity, undefined));
      fields.forEach((f) => {
        if (f.required && (f.status === 'missing' || (f.status === 'staff' && f.value === null)))
          missing.push({ section: section.key, field: f.key, label: f.label });
      });
      return { key: section.key, title: section.title, fields };
    }
    const rows = walk(section, subject, formDate).map((row, index): FilledRow => {
      const cells = section.fields.map((field) => filler.fill(field, row.entity, row));
      cells.forEach((c) => {
        if (c.required && c.status === 'missing')
          missing.push({ section: section.key, field: c.key, label: c.label, row: index });
      });
      const rowFlags = 'conflicts' in row.entity ? personFlags(row.entity as PersonSnapshot) : [];
      return { entityId: row.entity.id, cells, flags: rowFlags };
    });
    return { key: section.key, title: section.title, rows };
  });
  return {
    template: { id: template.id, title: template.title, purpose: template.purpose },
    formDate,
    sections,
    missing,
    flags,
  };
}

function personFlags(person: PersonSnapshot): FormFlag[] {
  const flags: FormFlag[] = [];
  const status = STATUS_FLAGS[asText(person.golden.status) || 'normal'];
  if (status) flags.push({ code: status, message: FLAG_MESSAGES[status], entityId: person.id });
  if (person.openReviewTasks > 0)
    flags.push({
      code: 'pending_review',
      message: FLAG_MESSAGES.pending_review,
      entityId: person.id,
    });
  if (person.conflicts.length > 0)
    flags.push({
      code: 'conflicting_identity',
      message: `${FLAG_MESSAGES.conflicting_identity}: ${person.conflicts.join(', ')}`,
      entityId: person.id,
    });
  return flags;
}

interface Row {
  entity: EntitySnapshot;
  relation?: RelationToApplicant;
  occurredAt?: string | null;
}

/** The rows a table section walks to from the subject. */
function walk(section: FormSection, subject: SubjectSnapshot, formDate: string): Row[] {
  const rows = section.rows!;
  switch (rows.walk) {
    case 'householdMembers':
      return (subject.household ?? []).map((m) => ({ entity: m.person, relation: m.relation }));
    case 'assistanceCases':
    case 'elderlyAllowances': {
      const type = rows.walk === 'assistanceCases' ? 'assistance' : 'elderly_allowance';
      return (subject.person?.events ?? [])
        .filter((e) => e.eventType === type)
        .map((e) => ({ entity: e, occurredAt: e.occurredAt }));
    }
    case 'residents':
      return (subject.residents ?? [])
        .filter((p) => rows.living !== true || !STATUS_FLAGS[asText(p.golden.status) || 'normal'])
        .filter((p) => {
          if (rows.minAge === undefined) return true;
          const age = ageOn(asText(p.golden.birthDate), formDate);
          return age !== null && age >= rows.minAge;
        })
        .map((p) => ({ entity: p }));
    case 'incidents': {
      const since = rows.months ? monthsBefore(formDate, rows.months) : '';
      return (subject.incidents ?? [])
        .filter((e) => (e.occurredAt ?? '') >= since)
        .sort((a, b) => (b.occurredAt ?? '').localeCompare(a.occurredAt ?? ''))
        .map((e) => ({ entity: e, occurredAt: e.occurredAt }));
    }
  }
}

/** Fills one field of one entity (the subject, or a table row's entity). */
class FieldFiller {
  constructor(
    private readonly subject: SubjectSnapshot,
    private readonly formDate: string,
    private readonly context: {
      order: (attribute: string) => readonly string[];
      department: (feed: string) => string;
    },
  ) {}

  fill(field: FormField, entity: EntitySnapshot | undefined, row: Row | undefined): FilledField {
    const base = {
      key: field.key,
      label: field.label,
      staff: field.staff === true,
      required: field.required === true,
      mask: field.mask ?? null,
    };
    const choice = field.source && entity ? this.resolve(field.source, entity, row) : undefined;
    if (!choice || choice.value === null || choice.value === undefined)
      return {
        ...base,
        value: null,
        display: null,
        status: field.source ? 'missing' : 'staff',
        provenance: null,
        alternatives: [],
      };
    return {
      ...base,
      value: choice.value,
      display: displayOf(field, choice.value, this.subject.divisionNames),
      status: choice.status,
      provenance: choice.source ? this.provenance(choice.source) : null,
      alternatives: choice.alternatives.map((a) => ({
        value: a.value,
        display: displayOf(field, a.value, this.subject.divisionNames),
        provenance: this.provenance(a),
      })),
    };
  }

  private provenance(c: Candidate): Provenance {
    return {
      department: this.context.department(c.feed),
      feed: c.feed,
      sourceRecordId: c.sourceRecordId,
      pointer: c.pointer,
      observedAt: c.observedAt,
    };
  }

  private attribute(entity: EntitySnapshot, attribute: string): Choice {
    const conflicts = 'conflicts' in entity ? (entity as PersonSnapshot).conflicts : [];
    return choose(entity.candidates[attribute] ?? [], this.context.order(attribute), {
      golden: entity.golden[attribute],
      conflicting: conflicts.includes(attribute),
    });
  }

  private resolve(source: FieldSource, entity: EntitySnapshot, row: Row | undefined): Choice {
    if ('row' in source) {
      if (source.row === 'relationToApplicant')
        return derived(row?.relation ? row.relation.code : null, row?.relation?.certain === false);
      return derived(row?.occurredAt?.slice(0, 10) ?? null);
    }
    if ('event' in source) {
      const person = entity as PersonSnapshot;
      const event = (person.events ?? [])
        .filter((e) => e.eventType === source.event)
        .sort((a, b) => (b.occurredAt ?? '').localeCompare(a.occurredAt ?? ''))[0];
      return event ? this.attribute(event, source.attribute) : derived(null);
    }
    if ('attribute' in source) return this.attribute(entity, source.attribute);
    switch (source.computed) {
      case 'age': {
        const birth = this.attribute(entity, 'birthDate');
        return {
          ...birth,
          value: ageOn(asText(birth.value), this.formDate),
          alternatives: [],
        };
      }
      case 'ageBand': {
        const age = ageOn(asText(this.attribute(entity, 'birthDate').value), this.formDate);
        return derived(age === null ? null : ageBand(age));
      }
      case 'livingAlone': {
        const tags = this.attribute(entity, 'tags');
        if (tags.value === null) return derived(null);
        const alone = (tags.value as string[]).some((t) => t.includes('独居'));
        return { ...tags, value: alone ? '是' : '否', alternatives: [] };
      }
      case 'personStatus': {
        const status = this.attribute(entity, 'status');
        const value = status.value ?? entity.golden.status ?? null;
        return {
          ...status,
          value,
          status: STATUS_FLAGS[asText(value)] ? 'flagged' : status.status,
        };
      }
      case 'division': {
        // Urban addresses often name only the township; a grid code starts with its community.
        const division = asText(entity.golden.divisionCode);
        const grid = asText(this.attribute(entity, 'gridCode').value).slice(0, 12);
        return derived(
          grid.length === 12 && (division === '' || grid.startsWith(division))
            ? grid
            : division || null,
        );
      }
      case 'gridCode':
        return this.attribute(entity, 'gridCode');
      case 'houseUsage':
        return choose(this.subject.place?.house?.usage ?? [], []);
      case 'houseOwner':
        return choose(this.subject.place?.house?.owner ?? [], []);
    }
  }
}

/** A value the hub derives itself (no department states it). */
const derived = (value: unknown, uncertain = false): Choice => ({
  value,
  source: undefined,
  alternatives: [],
  status: uncertain ? 'flagged' : 'filled',
});

/** Whole years on `date` (YYYY-MM-DD) since a birth date (YYYY, YYYY-MM or YYYY-MM-DD). */
export function ageOn(birthDate: string, date: string): number | null {
  const birth = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(birthDate);
  const on = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!birth || !on) return null;
  let age = Number(on[1]) - Number(birth[1]);
  const monthDay = `${birth[2] ?? '01'}-${birth[3] ?? '01'}`;
  if (`${on[2]}-${on[3]}` < monthDay) age -= 1;
  return age < 0 ? null : age;
}

/** The elderly allowance's bands: 80-89, 90-99, 100+; none below 80. */
export function ageBand(age: number): string | null {
  if (age >= 100) return '100+';
  if (age >= 90) return '90-99';
  if (age >= 80) return '80-89';
  return null;
}

function monthsBefore(date: string, months: number): string {
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}
