import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '@hub/access';
import { FeedPipeline } from '@hub/feeds';
import { maskEntered, maskForm } from './form-masking';
import { FormSubjectRepository } from './form-subject.repository';
import type { FormTemplate } from './form-template';
import { FormsService, type FormSubject } from './forms.service';
import type { FilledField, FilledForm } from './prefill';

/** The hub's own feed of what staff enter on forms (镇街采集): mappings/township.json. */
export const TOWNSHIP_FEED = 'township';

export interface Submission {
  subject: FormSubject;
  formDate?: string;
  /** Entered or corrected values by `section.field`. */
  values: Record<string, string | null>;
  /** The prefilled form the clerk started from, as it was shown. */
  prefill: { version: string } & Record<string, unknown>;
  /** Submit although the subject changed since that prefill. */
  confirm?: boolean;
}

type Shown = FilledForm & { version: string };

/**
 * Form submissions: the form as shown and as submitted, kept whole as one record of the hub's own
 * feed (镇街采集), whose values then enter the model through the same pipeline as a department's
 * records: validation, mapping, resolution, survivorship, change events. The clerk and their
 * division are its provenance; the source record is the submission, immutable like every
 * version, and found again by its id.
 */
@Injectable()
export class FormSubmissions {
  constructor(
    private readonly forms: FormsService,
    private readonly pipeline: FeedPipeline,
    private readonly subjects: FormSubjectRepository,
  ) {}

  async submit(
    principal: Principal,
    purpose: string | null,
    templateId: string,
    submission: Submission,
  ) {
    const template = this.forms.template(principal, templateId);
    const current = await this.forms.prefill(
      principal,
      purpose,
      templateId,
      submission.subject,
      submission.formDate,
    );
    if (current.version !== submission.prefill.version && !submission.confirm)
      throw new ConflictException({
        message:
          'the subject changed since this form was prefilled: look at what changed, then submit with confirm: true',
        changed: changedFields(submission.prefill as unknown as Shown, current),
        version: current.version,
      });
    const entered = enteredValues(template, submission.values);
    const stillMissing = current.missing.filter(
      (m) => m.row === undefined && !entered.has(`${m.section}.${m.field}`),
    );
    if (stillMissing.length > 0)
      throw new BadRequestException({
        message: `fill ${stillMissing.map((m) => m.label).join('、')} before submitting`,
        missing: stillMissing,
      });
    const identity = current.identity;
    if (!identity?.idNumber || !identity.name)
      throw new UnprocessableEntityException(
        'this form is about a person without an ID number in the hub: it cannot be written back yet',
      );
    const writeBack: Record<string, string> = {};
    for (const section of template.sections)
      for (const field of section.fields)
        if (field.writeBack) {
          const value = entered.get(`${section.key}.${field.key}`);
          if (value) writeBack[field.writeBack] = value;
        }
    const submissionId = randomUUID();
    const record = {
      submissionId,
      submittedAt: new Date().toISOString(),
      form: template.id,
      formDate: current.formDate,
      clerk: principal.name,
      clerkDivision: principal.divisionCode ?? '500000',
      subject: submission.subject,
      person: {
        idNumber: identity.idNumber,
        name: identity.name,
        ...(identity.gender ? { gender: identity.gender } : {}),
        ...(identity.birthDate ? { birthDate: identity.birthDate } : {}),
        ...writeBack,
        // An address typed without its township or village is the clerk's division's; without
        // an entered address there is none (the clerk's division alone would state one).
        ...(writeBack.residenceAddress
          ? { residenceAddressDivision: principal.divisionCode ?? '500000' }
          : {}),
      },
      entered: Object.fromEntries(entered),
      shown: submission.prefill,
    };
    const { results } = await this.pipeline.processBatch([{ value: JSON.stringify(record) }], {
      feed: TOWNSHIP_FEED,
      transport: 'http',
      keepRejects: false,
    });
    const [result] = results;
    if (result.outcome === 'rejected')
      throw new BadRequestException({
        message: `the entered values are not valid: ${result.message ?? result.reason}`,
        reason: result.reason,
      });
    return {
      submissionId,
      form: template.id,
      personId: identity.personId,
      writtenBack: Object.keys(writeBack),
      outcome: result.outcome,
    };
  }

  /** A submission as it was made: the form as shown and the values entered. */
  async find(principal: Principal, id: string) {
    const record = await this.subjects.submission(id);
    if (!record) throw new NotFoundException(`no submission ${id}`);
    const payload = record.payload as {
      form: string;
      clerkDivision: string;
      subject: FormSubject;
      entered?: Record<string, unknown>;
      shown?: FilledForm;
    };
    // Only who may use the form, and inside their jurisdiction (the clerk's division).
    const template = this.forms.template(principal, payload.form);
    if (principal.jurisdiction !== '' && !payload.clerkDivision.startsWith(principal.jurisdiction))
      throw new NotFoundException(`no submission ${id}`);
    // The form as shown was masked for the clerk who submitted it, not for this reader; the
    // entered values are keyed by field. Both are masked here by the reader's role (the other
    // fields, person.idNumber among them, by the access interceptor).
    const shown = Array.isArray(payload.shown?.sections)
      ? maskForm(payload.shown, principal.fieldPolicy).form
      : payload.shown;
    const entered = payload.entered
      ? maskEntered(template, payload.entered, principal.fieldPolicy)
      : payload.entered;
    return { submissionId: id, receivedAt: record.receivedAt, ...payload, shown, entered };
  }
}

/** The entered values that belong to staff fields of the template; anything else is refused. */
function enteredValues(
  template: FormTemplate,
  values: Record<string, string | null>,
): Map<string, string> {
  const staff = new Set(
    template.sections.flatMap((s) =>
      s.fields.filter((f) => f.staff).map((f) => `${s.key}.${f.key}`),
    ),
  );
  const unknown = Object.keys(values).filter((k) => !staff.has(k));
  if (unknown.length > 0)
    throw new BadRequestException(
      `not fields staff fill on this form: ${unknown.join(', ')}; these are: ${[...staff].join(', ')}`,
    );
  return new Map(
    Object.entries(values).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== '',
    ),
  );
}

/** Fields whose value, source, status or alternatives differ between the form shown and now. */
function changedFields(shown: Shown, now: Shown) {
  const flat = (form: Shown) =>
    new Map(
      (form.sections ?? []).flatMap((s) =>
        (s.fields ?? []).map((f: FilledField) => [`${s.key}.${f.key}`, f] as const),
      ),
    );
  const state = (f: FilledField | undefined) =>
    JSON.stringify([
      f?.value ?? null,
      f?.provenance?.sourceRecordId ?? null,
      f?.status ?? null,
      (f?.alternatives ?? []).map((a) => a.value),
    ]);
  const before = flat(shown);
  return [...flat(now)]
    .filter(([key, field]) => state(before.get(key)) !== state(field))
    .map(([key, field]) => ({
      field: key,
      label: field.label,
      before: before.get(key)?.value ?? null,
      after: field.value,
      status: field.status,
      source: field.provenance,
      alternatives: field.alternatives,
    }));
}
