import {
  BadRequestException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { covers, jurisdictionOf, type Principal } from '@hub/access';
import { FeedCatalog } from '@hub/feeds';
import { normalizeIdNumber } from '@hub/normalize';
import { PersonReadRepository, SURVIVORSHIP_RULES, type SurvivorshipRules } from '@hub/resolution';
import type { FormTemplate } from './form-template';
import { FormSubjectRepository } from './form-subject.repository';
import { maskForm } from './form-masking';
import {
  relationToApplicant,
  type RelationCode,
  type RelationToApplicant,
} from './household-relations';
import { createHash } from 'node:crypto';
import { prefill, type FilledForm, type HouseholdMember, type SubjectSnapshot } from './prefill';
import { FORM_TEMPLATES } from './form-templates.provider';
import { asText } from './display';

export interface FormSubject {
  personId?: string;
  idNumber?: string;
  placeId?: string;
  divisionCode?: string;
}

const RELATION_CODES = new Set(['02', '10', '20', '30', '40', '50', '60', '70', '80']);

/** Beijing's calendar date today: the default form date. */
export const todayInBeijing = (now = new Date()): string =>
  new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * Forms for a caller: the templates their role may use, and a template prefilled for a subject
 * inside their jurisdiction, masked by their role.
 */
@Injectable()
export class FormsService {
  private readonly departments: Map<string, string>;

  constructor(
    @Inject(FORM_TEMPLATES) private readonly templates: FormTemplate[],
    @Inject(SURVIVORSHIP_RULES) private readonly rules: SurvivorshipRules,
    catalog: FeedCatalog,
    private readonly subjects: FormSubjectRepository,
    private readonly persons: PersonReadRepository,
  ) {
    // "公安 public security: …" → 公安: the department as staff name it.
    this.departments = new Map(
      catalog.feeds.map((f) => [f.mapping.feed, f.mapping.department.split(/\s/)[0]]),
    );
  }

  usable(principal: Principal): FormTemplate[] {
    return this.templates.filter(
      (t) => principal.role !== null && t.roles.includes(principal.role),
    );
  }

  /** The template, when the caller's role may use it (else 404: as if there were none). */
  template(principal: Principal, id: string): FormTemplate {
    const template = this.usable(principal).find((t) => t.id === id);
    if (!template) throw new NotFoundException(`no form ${id}`);
    return template;
  }

  /** The template for a read under `purpose`: 404 as template(), 400 for another purpose. */
  templateFor(principal: Principal, id: string, purpose: string | null): FormTemplate {
    const template = this.template(principal, id);
    if (purpose !== template.purpose)
      throw new BadRequestException(
        `${template.title} is read for the purpose ${template.purpose}: send X-Purpose: ${template.purpose}`,
      );
    return template;
  }

  /**
   * A division form filled for one page of its residents (ids, in the order given), exactly as
   * prefill fills it: for exports that page through a division instead of loading it whole.
   */
  async fillResidents(template: FormTemplate, ids: string[], date: string): Promise<FilledForm> {
    const position = new Map(ids.map((id, i) => [id, i]));
    const residents = (await this.subjects.persons(ids)).sort(
      (a, b) => position.get(a.id)! - position.get(b.id)!,
    );
    const divisionNames = await this.subjects.divisionNames(divisionCodesOf(residents));
    return prefill(template, { residents, divisionNames }, date, this.fillContext);
  }

  /** Survivorship order and department names, as every form is filled with them. */
  private readonly fillContext = {
    order: (attribute: string) => this.order(attribute),
    department: (feed: string) => this.departments.get(feed) ?? feed,
  };

  async prefill(
    principal: Principal,
    purpose: string | null,
    id: string,
    subject: FormSubject,
    formDate?: string,
  ) {
    const template = this.templateFor(principal, id, purpose);
    const date = formDate ?? todayInBeijing();
    const snapshot = await this.snapshot(template, subject, principal.jurisdiction, date);
    const filled = prefill(template, snapshot.subject, date, this.fillContext);
    const { form, masked, unmasked } = maskForm(filled, principal.fieldPolicy);
    return {
      ...form,
      subject: snapshot.ref,
      version: formVersion(filled),
      maskedFields: masked,
      unmaskedFields: unmasked,
      /** Not sent: what a submission needs of the subject, unmasked. */
      identity: identityOf(snapshot.subject),
    };
  }

  /** The feeds in order of authority for an attribute (rules/survivorship.json). */
  private order(attribute: string): readonly string[] {
    return (
      (this.rules.person as Record<string, string[] | undefined>)[attribute] ??
      this.rules.attributes?.[attribute] ??
      []
    );
  }

  private async snapshot(
    template: FormTemplate,
    subject: FormSubject,
    jurisdiction: string,
    date: string,
  ) {
    switch (template.subject) {
      case 'person':
      case 'household':
        return this.personSubject(template, subject, jurisdiction);
      case 'place':
        return this.placeSubject(subject, jurisdiction);
      case 'division':
        return this.divisionSubject(template, subject, jurisdiction, date);
    }
  }

  private async personId(subject: FormSubject, jurisdiction: string): Promise<string> {
    if (subject.personId) {
      if (!(await this.persons.summary(subject.personId, jurisdiction)))
        throw new NotFoundException(`no person ${subject.personId}`);
      return subject.personId;
    }
    if (subject.idNumber) {
      const idNumber = normalizeIdNumber(subject.idNumber)?.value;
      if (!idNumber) throw new BadRequestException('idNumber is not an ID number');
      const [found] = await this.persons.search({ idNumber }, jurisdiction, 1);
      if (!found) throw new NotFoundException('no person with this ID number');
      return found.id;
    }
    throw new BadRequestException('this form is about a person: give personId or idNumber');
  }

  private async personSubject(template: FormTemplate, subject: FormSubject, jurisdiction: string) {
    const personId = await this.personId(subject, jurisdiction);
    const household =
      template.subject === 'household' ? await this.subjects.household(personId) : [];
    const loaded = await this.subjects.persons([personId, ...household.map((h) => h.personId)]);
    const person = loaded.find((p) => p.id === personId);
    if (!person) throw new NotFoundException(`no person ${personId}`);
    const members = loaded.filter((p) => p.id !== personId);
    const applicantToHead = household.find(
      (h) => h.personId === personId && !h.direct,
    )?.relationToHead;
    const relations = new Map(household.map((h) => [h.personId, h]));
    const householdMembers: HouseholdMember[] = members.map((member) => ({
      person: member,
      relation: this.relationOf(relations.get(member.id)!, applicantToHead, member.golden.gender),
    }));
    const snapshot: SubjectSnapshot = {
      person,
      household: householdMembers,
      divisionNames: await this.subjects.divisionNames(divisionCodesOf([person, ...members])),
    };
    return {
      subject: snapshot,
      ref: { kind: template.subject, personId },
    };
  }

  private relationOf(
    row: { relationToHead: string | null; direct: boolean },
    applicantToHead: string | null | undefined,
    gender: unknown,
  ): RelationToApplicant {
    const code = row.relationToHead;
    if (!code || !RELATION_CODES.has(code)) return { code: '80', label: '其他', certain: false };
    if (row.direct) return relationToApplicant('02', code as RelationCode, asText(gender));
    const applicant =
      applicantToHead && RELATION_CODES.has(applicantToHead)
        ? (applicantToHead as RelationCode)
        : '02';
    return relationToApplicant(applicant, code as RelationCode, asText(gender));
  }

  private async placeSubject(subject: FormSubject, jurisdiction: string) {
    if (!subject.placeId)
      throw new BadRequestException('this form is about an address: give placeId');
    const found = await this.subjects.place(subject.placeId);
    // Addresses often name only their township: a place is also inside a jurisdiction when
    // someone living at it is (by their grid, say).
    const inside =
      found &&
      (covers(jurisdiction, found.place.divisionCode ?? found.place.code) ||
        (await this.persons.inJurisdiction(found.residentIds, jurisdiction)).size > 0);
    if (!found || !inside) throw new NotFoundException(`no place ${subject.placeId}`);
    const [residents, incidents, house] = await Promise.all([
      this.subjects.persons(found.residentIds),
      this.subjects.events(found.incidentIds),
      this.subjects.house(found.houseIds),
    ]);
    const snapshot: SubjectSnapshot = {
      place: {
        id: found.place.id,
        golden: { address: found.place.address, divisionCode: found.place.divisionCode },
        candidates: found.place.candidates,
        house,
      },
      residents,
      incidents,
      divisionNames: await this.subjects.divisionNames([
        found.place.divisionCode ?? '',
        ...divisionCodesOf(residents),
      ]),
    };
    return {
      subject: snapshot,
      ref: { kind: 'place' as const, placeId: found.place.id },
    };
  }

  private async divisionSubject(
    template: FormTemplate,
    subject: FormSubject,
    jurisdiction: string,
    date: string,
  ) {
    const code = subject.divisionCode;
    if (!code || !/^(\d{6}|\d{9}|\d{12})$/.test(code))
      throw new BadRequestException(
        'this form is about a division: give divisionCode (6, 9 or 12 digits)',
      );
    if (!covers(jurisdiction, code))
      throw new ForbiddenException(`division ${code} is outside your jurisdiction`);
    const bornBy = latestBirthDate(template, date);
    const residents = await this.subjects.persons(
      await this.subjects.residentsOfDivision(jurisdictionOf(code), bornBy),
    );
    return {
      subject: {
        residents,
        divisionNames: await this.subjects.divisionNames(divisionCodesOf(residents)),
      },
      ref: { kind: 'division' as const, divisionCode: code },
    };
  }
}

/** The latest birth date a row of the template's age-limited table may have on `date`. */
export function latestBirthDate(template: FormTemplate, date: string): string | undefined {
  const minAge = template.sections.find((s) => s.rows?.minAge !== undefined)?.rows?.minAge;
  return minAge === undefined
    ? undefined
    : `${Number(date.slice(0, 4)) - minAge}${date.slice(4, 10)}`;
}

/**
 * What the form showed, as a short hash of every value and its source: a submission started
 * from another version finds the subject changed since (another clerk, a new record).
 */
export function formVersion(form: FilledForm): string {
  const values = form.sections.map((s) => [
    s.key,
    (s.fields ?? []).map((f) => [
      f.key,
      f.value,
      f.provenance?.sourceRecordId,
      f.provenance?.observedAt,
    ]),
    (s.rows ?? []).map((r) => [r.entityId, r.cells.map((c) => [c.key, c.value])]),
  ]);
  return createHash('sha256').update(JSON.stringify(values)).digest('base64url').slice(0, 22);
}

/** The subject person's identity as the hub knows it: what a write-back resolves by. */
function identityOf(subject: SubjectSnapshot) {
  const golden = subject.person?.golden;
  if (!golden) return undefined;
  return {
    personId: subject.person!.id,
    idNumber: asText(golden.idNumber) || null,
    name: asText(golden.name) || null,
    gender: asText(golden.gender) || null,
    birthDate: asText(golden.birthDate) || null,
  };
}

function divisionCodesOf(
  entities: { golden: Record<string, unknown>; candidates: Record<string, { value: unknown }[]> }[],
): string[] {
  const codes: string[] = [];
  for (const e of entities) {
    if (typeof e.golden.divisionCode === 'string') codes.push(e.golden.divisionCode);
    for (const attribute of ['residenceAddress', 'hukouAddress'])
      for (const c of e.candidates[attribute] ?? []) {
        const code = (c.value as { divisionCode?: unknown } | null)?.divisionCode;
        if (typeof code === 'string') codes.push(code);
      }
  }
  return codes;
}
