import {
  BadRequestException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { covers, jurisdictionOf, type Principal } from '@hub/access';
import { FeedCatalog } from '@hub/feeds';
import { normalizeIdNumber, type DivisionIndex } from '@hub/normalize';
import { DIVISION_INDEX } from '@hub/places';
import {
  PersonReadRepository,
  placeKeyOfText,
  SURVIVORSHIP_RULES,
  type SurvivorshipRules,
} from '@hub/resolution';
import type { FormTemplate } from './form-template';
import { FormSubjectRepository } from './form-subject.repository';
import { maskForm } from './form-masking';
import { personReads, type PersonReads } from './person-reads';
import {
  relationToApplicant,
  statedRelationToApplicant,
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
  /** An address as staff type it; divisions it does not name are the caller's own. */
  address?: string;
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
    @Inject(DIVISION_INDEX) private readonly divisions: DivisionIndex,
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
  async fillResidents(
    template: FormTemplate,
    ids: string[],
    date: string,
    reads?: PersonReads,
  ): Promise<FilledForm> {
    const position = new Map(ids.map((id, i) => [id, i]));
    const residents = (await this.subjects.persons(ids, reads)).sort(
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
    const snapshot = await this.snapshot(template, subject, principal, date);
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
    principal: Principal,
    date: string,
  ) {
    const { jurisdiction } = principal;
    switch (template.subject) {
      case 'person':
      case 'household':
        return this.personSubject(template, subject, jurisdiction);
      case 'place':
        return this.placeSubject(subject, principal);
      case 'division':
        return this.divisionSubject(template, subject, jurisdiction, date);
    }
  }

  /** The subject person by id or ID number, inside the jurisdiction (else 404). */
  private async subjectPerson(subject: FormSubject, jurisdiction: string) {
    if (subject.personId) {
      const person = await this.subjects.personInJurisdiction(subject.personId, jurisdiction);
      if (!person) throw new NotFoundException(`no person ${subject.personId}`);
      return person;
    }
    if (subject.idNumber) {
      const idNumber = normalizeIdNumber(subject.idNumber)?.value;
      if (!idNumber) throw new BadRequestException('idNumber is not an ID number');
      const person = await this.subjects.personByIdNumber(idNumber, jurisdiction);
      if (!person) throw new NotFoundException('no person with this ID number');
      return person;
    }
    throw new BadRequestException('this form is about a person: give personId or idNumber');
  }

  private async personSubject(template: FormTemplate, subject: FormSubject, jurisdiction: string) {
    const person = await this.subjectPerson(subject, jurisdiction);
    const household =
      template.subject === 'household' ? await this.subjects.household(person.id) : [];
    const members = await this.subjects.persons(
      household.map((h) => h.personId).filter((id) => id !== person.id),
    );
    const applicantToHead = household.find(
      (h) => h.personId === person.id && !h.direct,
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
      ref: { kind: template.subject, personId: person.id },
    };
  }

  /**
   * A member's relation to the applicant: as a civil-affairs case states it, refined by the
   * member's gender or the police household when it says only 子女 or 其他; else from both
   * relations to the police head.
   */
  private relationOf(
    row: {
      relationToHead: string | null;
      direct: boolean;
      statedRelation?: string | null;
      policeRelationToHead?: string | null;
    },
    applicantToHead: string | null | undefined,
    gender: unknown,
  ): RelationToApplicant {
    const memberGender = asText(gender);
    const isCode = (c: string | null | undefined): c is RelationCode =>
      !!c && RELATION_CODES.has(c);
    if (row.direct) {
      const viaHead =
        isCode(applicantToHead) && isCode(row.policeRelationToHead)
          ? relationToApplicant(applicantToHead, row.policeRelationToHead, memberGender)
          : undefined;
      return statedRelationToApplicant(
        { code: row.relationToHead, text: row.statedRelation ?? null },
        memberGender,
        viaHead,
      );
    }
    const code = row.relationToHead;
    if (!isCode(code)) return { code: '80', label: '其他', certain: false };
    const applicant = isCode(applicantToHead) ? applicantToHead : '02';
    return relationToApplicant(applicant, code, memberGender);
  }

  /**
   * The place a form about an address is for: by id, or by the address as staff type it, keyed
   * as ingest keys addresses (东门路12号3-2-501 is 东门路12号3栋2单元501室), inside the divisions
   * it names or else the caller's own division.
   */
  private placeIdOf(subject: FormSubject, principal: Principal): string {
    if (subject.placeId) return subject.placeId;
    if (!subject.address)
      throw new BadRequestException('this form is about an address: give placeId or address');
    const key = placeKeyOfText(
      subject.address,
      this.divisions,
      principal.divisionCode ?? undefined,
    );
    if (!key)
      throw new BadRequestException(
        'the address names no division the hub knows: write it from the township (镇/街道) on',
      );
    if (key.kind !== 'keyed')
      throw new BadRequestException(
        'the address names only a division: give the road or village group and the number',
      );
    return key.id;
  }

  private async placeSubject(subject: FormSubject, principal: Principal) {
    const { jurisdiction } = principal;
    const placeId = this.placeIdOf(subject, principal);
    const found = await this.subjects.place(placeId);
    // Addresses often name only their township: a place is also inside a jurisdiction when
    // someone living at it is (by their grid, say).
    const inside =
      found &&
      (covers(jurisdiction, found.place.divisionCode ?? found.place.code) ||
        (await this.persons.inJurisdiction(found.residentIds, jurisdiction)).size > 0);
    if (!found || !inside)
      throw new NotFoundException(
        subject.placeId ? `no place ${subject.placeId}` : 'no place known at this address',
      );
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
      personReads(template.sections.flatMap((s) => (s.rows?.walk === 'residents' ? s.fields : []))),
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
