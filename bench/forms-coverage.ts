/**
 * Coverage of `npm run bench:forms` (see forms.ts): the four forms prefilled in-process
 * (FormsService.prefill, a district admin of the whole hub) for a sample of generated residents,
 * their residence places and a few villages, each field compared with the truth when some
 * record of the resident carries what the field shows.
 */
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessPolicy, type Principal } from '@hub/access';
import { FeedCatalog } from '@hub/feeds';
import type { DivisionIndex } from '@hub/normalize';
import { DIVISION_INDEX } from '@hub/places';
import { FormsService } from '../libs/forms/src/forms.service';
import { ageOn, type FilledField, type FilledForm } from '../libs/forms/src/prefill';
import type { Resident } from '../test/generators/feed-messages';
import {
  entitiesOf,
  learnKnowledge,
  mainEntity,
  seededShuffle,
  type Generated,
  type Knowledge,
  type MentionKey,
} from './forms-population';
import { personTruth, placedIn, placeTruth, Tally, type TruthField } from './forms-truth';

/** The fields compared with the truth, by form section: the rest have no truth to compare. */
const PERSON_FIELDS = {
  'elderly-allowance': [
    'name',
    'idNumber',
    'gender',
    'birthDate',
    'age',
    'ageBand',
    'hukouAddress',
    'residenceAddress',
    'phone',
  ],
  'dibao-household': [
    'name',
    'idNumber',
    'gender',
    'ethnicity',
    'birthDate',
    'phone',
    'hukouAddress',
    'residenceAddress',
    'community',
  ],
};
const MEMBER_FIELDS = ['name', 'idNumber', 'birthDate'];
const VISIT_ROW_FIELDS = ['name', 'idNumber', 'gender', 'age', 'phone'];
const ROSTER_FIELDS = [
  'name',
  'gender',
  'idNumber',
  'birthDate',
  'age',
  'residenceAddress',
  'phone',
];

type Prefilled = FilledForm & { subject: unknown };

const fieldOf = (form: FilledForm | undefined, section: string, key: string) =>
  form?.sections.find((s) => s.key === section)?.fields?.find((f) => f.key === key);
const cellOf = (cells: FilledField[] | undefined, key: string) => cells?.find((c) => c.key === key);

/** Runs `work` on each item, `width` at a time. */
async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? null
    : Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1));

export interface CoverageOptions {
  sample: number;
  villages: number;
  formDate: string;
  seed: number;
  target: number;
  log: (m: string) => void;
}

export async function measureCoverage(
  app: INestApplication,
  generated: Generated,
  o: CoverageOptions,
) {
  const forms = app.get(FormsService);
  const divisions = app.get<DivisionIndex>(DIVISION_INDEX);
  const principal: Principal = app
    .get(AccessPolicy)
    .staff('bootstrap', 'bench-forms', 'bench-forms', 'district-admin', null);
  const { residents } = generated;
  const appearing = residents.filter((r) => generated.appearing[r.id]);
  const sample = seededShuffle(appearing, o.seed).slice(0, o.sample);
  const isElder = (r: Resident) => (ageOn(r.birthDate, o.formDate) ?? 0) >= 80;
  const eldersByVillage = new Map<string, Resident[]>();
  for (const r of appearing.filter(isElder)) {
    const code = r.household.community.code;
    (eldersByVillage.get(code) ?? eldersByVillage.set(code, []).get(code)!).push(r);
  }
  const villages = [...eldersByVillage]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .slice(0, o.villages);
  const households = [...new Set(sample.map((r) => r.household))];
  const wanted = new Set<number>([
    ...households.flatMap((h) => h.members.map((m) => m.id)),
    ...villages.flatMap(([, elders]) => elders.map((r) => r.id)),
  ]);
  o.log(`learning what the records say of ${wanted.size} residents`);
  const { knowledge, rejected } = await learnKnowledge(
    generated,
    wanted,
    app.get(FeedCatalog),
    divisions,
  );
  const k = (r: Resident): Knowledge | undefined => knowledge.get(r.id);
  const keys: MentionKey[] = [...knowledge.values()].flatMap((x) => [
    ...x.mentions,
    ...x.residencePlaces,
  ]);
  const entities = await entitiesOf(app.get(DataSource), keys);
  const hub = new Map([...knowledge].map(([id, x]) => [id, mainEntity(x.mentions, entities)]));
  // The resident behind a hub person: the one of those followed with most mentions in it.
  const residentOf = new Map<string, { resident: number; n: number }>();
  for (const [id, x] of knowledge) {
    const counts = new Map<string, number>();
    for (const m of x.mentions) {
      const e = entities.get(`${m.feed}\u001f${m.id}\u001f${m.pointer}`);
      if (e) counts.set(e, (counts.get(e) ?? 0) + 1);
    }
    for (const [e, n] of counts)
      if ((residentOf.get(e)?.n ?? 0) < n) residentOf.set(e, { resident: id, n });
  }
  const rowResident = (entityId: string) => residentOf.get(entityId)?.resident;

  const tally = new Tally();
  const stats = new Map<
    string,
    {
      ms: number[];
      errors: number;
      errorExamples: string[];
      flags: Record<string, number>;
      extraRows: number;
      extraRowExamples: Record<string, unknown>[];
      absentRows: number;
    }
  >();
  const stat = (form: string) =>
    stats.get(form) ??
    stats
      .set(form, {
        ms: [],
        errors: 0,
        errorExamples: [],
        flags: {},
        extraRows: 0,
        extraRowExamples: [],
        absentRows: 0,
      })
      .get(form)!;
  const prefill = async (
    form: string,
    subject: Record<string, string>,
  ): Promise<Prefilled | undefined> => {
    const s = stat(form);
    const started = performance.now();
    try {
      const purpose = forms.template(principal, form).purpose;
      const filled = (await forms.prefill(
        principal,
        purpose,
        form,
        subject,
        o.formDate,
      )) as Prefilled;
      s.ms.push(performance.now() - started);
      for (const f of filled.flags) s.flags[f.code] = (s.flags[f.code] ?? 0) + 1;
      return filled;
    } catch (error) {
      s.errors++;
      if (s.errorExamples.length < 3)
        s.errorExamples.push(`${JSON.stringify(subject)}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const truthOf = (r: Resident) => personTruth(r, k(r), o.formDate, divisions);
  const context = (r: Resident, extra: Record<string, unknown> = {}) => ({
    resident: r.id,
    ...((hub.get(r.id)?.spread ?? 0) > 1 ? { hubPersons: hub.get(r.id)!.spread } : {}),
    ...extra,
  });
  /** Rows of a table matched to the residents expected in it; the others counted as extra. */
  const scoreRows = (
    form: string,
    section: string,
    rows: { entityId: string; cells: FilledField[] }[] | undefined,
    expected: Resident[],
    fields: string[],
    truth: (r: Resident) => Record<string, TruthField>,
    extra: (r: Resident) => Record<string, unknown> = () => ({}),
  ) => {
    const byResident = new Map<number, FilledField[]>();
    for (const row of rows ?? []) {
      const resident = rowResident(row.entityId);
      if (resident !== undefined && expected.some((e) => e.id === resident)) {
        byResident.set(resident, row.cells);
        continue;
      }
      const s = stat(form);
      s.extraRows++;
      const r = resident === undefined ? undefined : residents[resident];
      if (s.extraRowExamples.length < 3)
        s.extraRowExamples.push(
          r
            ? {
                resident: r.id,
                community: r.household.community.code,
                age: ageOn(r.birthDate, o.formDate),
                shownAge: cellOf(row.cells, 'age')?.value ?? null,
              }
            : { hubPerson: row.entityId, resident: 'none of those followed' },
        );
    }
    for (const r of expected) {
      const cells = byResident.get(r.id);
      if (!cells) stat(form).absentRows++;
      const t = truth(r);
      for (const f of fields)
        tally.count(form, `${section}.${f}`, cellOf(cells, f), t[f], context(r, extra(r)));
    }
  };

  o.log(`prefilling elderly-allowance and dibao-household for ${sample.length} residents`);
  let noHubPerson = 0;
  await pool(sample, 4, async (r) => {
    const personId = hub.get(r.id)?.entity;
    if (!personId) noHubPerson++;
    const t = truthOf(r);
    for (const [form, section] of [
      ['elderly-allowance', 'person'],
      ['dibao-household', 'applicant'],
    ] as const) {
      const filled = personId ? await prefill(form, { personId }) : undefined;
      for (const f of PERSON_FIELDS[form])
        if (t[f])
          tally.count(form, `${section}.${f}`, fieldOf(filled, section, f), t[f], context(r));
      if (form !== 'dibao-household') continue;
      // Members the sources put in the applicant's household: the police household (户号) both
      // are registered in, or a civil-affairs case with the applicant listing them.
      const households = new Set(
        (k(r)?.values.get('householdNumber') ?? []).map((v) => String(v.value)),
      );
      const listed = new Map<number, unknown>();
      for (const c of k(r)?.cases ?? []) for (const [m, relation] of c) listed.set(m, relation);
      const members = r.household.members.filter(
        (m) =>
          m !== r &&
          (listed.has(m.id) ||
            (k(m)?.values.get('householdNumber') ?? []).some((v) =>
              households.has(String(v.value)),
            )),
      );
      const memberTruth = (m: Resident) => {
        const fields = truthOf(m);
        if (r.relationCode !== '02') return fields;
        const carried = k(m)?.values.get('relationToHead') ?? [];
        return {
          ...fields,
          relationToApplicant: {
            known: carried.length > 0 || listed.get(m.id) !== undefined,
            right: (v: unknown) => v === m.relationCode,
            carried:
              carried.some((c) => c.value === m.relationCode) ||
              listed.get(m.id) === m.relationCode,
            truth: m.relationCode,
            show: String,
          },
        };
      };
      const memberFields =
        r.relationCode === '02' ? [...MEMBER_FIELDS, 'relationToApplicant'] : MEMBER_FIELDS;
      const rows = filled?.sections.find((s) => s.key === 'members')?.rows;
      scoreRows(form, 'members', rows, members, memberFields, memberTruth, () => ({
        applicant: r.id,
      }));
    }
  });

  // grid-visit: the place most of a household's lives_at mentions are in, with the members
  // some record says live at the household's address.
  const visits = households
    .map((h) => {
      const living = h.members.filter((m) => (k(m)?.residencePlaces.length ?? 0) > 0);
      return {
        h,
        living,
        place: mainEntity(
          living.flatMap((m) => k(m)!.residencePlaces),
          entities,
        ).entity,
      };
    })
    .filter((v) => v.place !== undefined);
  o.log(`prefilling grid-visit for ${visits.length} residence places`);
  await pool(visits, 4, async ({ h, living, place }) => {
    const filled = await prefill('grid-visit', { placeId: place! });
    tally.count(
      'grid-visit',
      'house.address',
      fieldOf(filled, 'house', 'address'),
      placeTruth(h, divisions),
      { household: h.no },
    );
    const rows = filled?.sections.find((s) => s.key === 'residents')?.rows;
    scoreRows('grid-visit', 'residents', rows, living, VISIT_ROW_FIELDS, truthOf, (m) => ({
      household: h.no,
      ...(mainEntity(k(m)!.residencePlaces, entities).entity !== place
        ? { livesAtAnotherHubPlace: true }
        : {}),
    }));
  });

  o.log(`prefilling elderly-roster for ${villages.length} villages`);
  const rosters: {
    divisionCode: string;
    elders: number;
    placedBySources: number;
    rows: number;
  }[] = [];
  for (const [code, elders] of villages) {
    // The rows some source knows: elders some record places in the village, by their actual
    // residence, their grid or their registered address (the generator's registered households
    // live where they are registered). The others (an urban address naming only the road and
    // the township) count in `elders` only: no record says which community they live in.
    const expected = elders.filter((r) => placedIn(code, (a) => k(r)?.values.get(a) ?? []));
    const filled = await prefill('elderly-roster', { divisionCode: code });
    const rows = filled?.sections.find((s) => s.key === 'elders')?.rows;
    rosters.push({
      divisionCode: code,
      elders: elders.length,
      placedBySources: expected.length,
      rows: rows?.length ?? 0,
    });
    scoreRows('elderly-roster', 'elders', rows, expected, ROSTER_FIELDS, truthOf);
  }

  return {
    formDate: o.formDate,
    sampleResidents: sample.length,
    // Residents whose mentions the hub keeps in more than one person (their form shows one).
    sampleSplit: sample.filter((r) => (hub.get(r.id)?.spread ?? 0) > 1).length,
    sampleWithoutHubPerson: noHubPerson,
    recordsRejectedByMapping: rejected,
    residencePlaces: visits.length,
    rosters,
    coverage: tally.report(o.target),
    prefills: Object.fromEntries(
      [...stats].map(([form, s]) => {
        const ms = [...s.ms].sort((a, b) => a - b);
        return [
          form,
          {
            forms: ms.length,
            inProcessMs: { p50: percentile(ms, 50), p99: percentile(ms, 99) },
            errors: s.errors,
            ...(s.errorExamples.length ? { errorExamples: s.errorExamples } : {}),
            flags: s.flags,
            // Table rows the truth does not expect there, and expected ones the form lacks.
            extraRows: s.extraRows,
            ...(s.extraRowExamples.length ? { extraRowExamples: s.extraRowExamples } : {}),
            absentRows: s.absentRows,
          },
        ];
      }),
    ),
    /** The sample residents, and the hub person of each (what its forms were prefilled for). */
    sample,
    hubPersonOf: (r: Resident) => hub.get(r.id)?.entity,
  };
}
