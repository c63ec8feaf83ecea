import { as, hubHttp, staffToken } from '../support/access';
import { feedExamples } from '../support/feed-examples';
import { readChangeFeed } from '../support/http-client';
import { apiOnScenarioDatabase } from '../support/scenario-api';

const DONGMEN = '500116005002';
const LI_XIUYING = '500381195603022029';

interface Field {
  key: string;
  value: unknown;
  status: string;
  provenance: { department: string; feed: string; sourceRecordId: string } | null;
  alternatives: { value: unknown; provenance: { department: string } }[];
}
interface Form {
  version: string;
  sections: { key: string; fields?: Field[] }[];
}
const fieldOf = (form: Form, section: string, key: string) =>
  form.sections.find((s) => s.key === section)!.fields!.find((f) => f.key === key)!;

/** Beijing time, as the police contract writes it, `seconds` from now. */
const beijing = (seconds: number) =>
  new Date(Date.now() + seconds * 1000 + 8 * 3_600_000)
    .toISOString()
    .slice(0, 19)
    .replace('T', ' ');

/**
 * The loop that makes it one form, many uses: what a clerk corrects on one form comes back on
 * the next, from the hub's own source 镇街采集 with the clerk as provenance, reaches subscribers as
 * a change, and a newer department record that disagrees makes the field a conflict.
 */
describe('form write-back', () => {
  const suite = apiOnScenarioDatabase();
  let clerk: string;

  beforeAll(async () => {
    for (const example of feedExamples())
      await hubHttp(suite.api)
        .post(`/v1/feeds/${example.feed}/records`)
        .send([example.value])
        .expect(200);
    clerk = await staffToken(suite.api, {
      username: 'loop-clerk',
      role: 'community-staff',
      divisionCode: DONGMEN,
    });
  });

  const prefill = async (form: string, purpose: string) =>
    (
      await as(suite.api, clerk, purpose)
        .post(`/v1/forms/${form}/prefill`)
        .send({ idNumber: LI_XIUYING })
        .expect(200)
    ).body as Form;
  const submit = (form: string, purpose: string, body: object) =>
    as(suite.api, clerk, purpose)
      .post(`/v1/forms/${form}/submissions`)
      .send({ idNumber: LI_XIUYING, ...body });

  it('brings a phone corrected on the 低保 form back on the 高龄津贴 form, then a newer police phone is a conflict', async () => {
    const dibao = await prefill('dibao-household', 'dibao-review');
    expect(fieldOf(dibao, 'applicant', 'phone').value).toBe('13823456789');
    const { next } = await readChangeFeed(suite.api);

    // Required staff fields left empty: refused, nothing written.
    const incompleteRes = await submit('dibao-household', 'dibao-review', {
      values: { 'applicant.phone': '13912345678' },
      prefill: dibao,
    }).expect(400);
    const incomplete = incompleteRes;
    expect(incomplete.body.missing.map((m: { field: string }) => m.field)).toEqual([
      'monthlyIncome',
      'reason',
    ]);
    // A field staff do not fill: refused.
    await submit('dibao-household', 'dibao-review', {
      values: { 'applicant.name': '别人' },
      prefill: dibao,
    }).expect(400);

    const submitted = await submit('dibao-household', 'dibao-review', {
      values: {
        'applicant.phone': '139 1234 5678',
        'declaration.monthlyIncome': '1200',
        'declaration.reason': '丈夫残疾，无固定收入',
      },
      prefill: dibao,
    }).expect(201);
    expect(submitted.body).toMatchObject({
      form: 'dibao-household',
      writtenBack: ['phone', 'householdMonthlyIncome'],
      outcome: 'accepted',
    });

    const allowance = await prefill('elderly-allowance', 'elderly-allowance-review');
    expect(fieldOf(allowance, 'person', 'phone')).toMatchObject({
      value: '13912345678',
      status: 'filled',
      provenance: {
        department: '镇街采集',
        feed: 'township',
        sourceRecordId: submitted.body.submissionId,
      },
    });
    // Only what the clerk entered flows back: the address they left alone keeps its source.
    expect(fieldOf(allowance, 'person', 'residenceAddress').provenance?.feed).not.toBe('township');
    expect(fieldOf(allowance, 'person', 'phone').alternatives).toEqual([
      expect.objectContaining({
        value: '13823456789',
        provenance: expect.objectContaining({ department: '网格' }),
      }),
    ]);

    // Subscribers learn of it as a change of the person.
    const { events } = await readChangeFeed(suite.api, next);
    const updated = events.find(
      (e) => e.type === 'cn.gov.hub.person.updated' && e.subject === submitted.body.personId,
    );
    expect(updated?.data).toMatchObject({
      changed: { phone: { before: '13823456789', after: '13912345678' } },
    });

    // The submission is kept whole: the form as shown, the values entered, the clerk.
    const kept = await as(suite.api, clerk, 'dibao-review')
      .get(`/v1/forms/submissions/${submitted.body.submissionId}`)
      .expect(200);
    expect(kept.body).toMatchObject({
      form: 'dibao-household',
      clerk: 'loop-clerk',
      clerkDivision: DONGMEN,
      entered: { 'applicant.phone': '139 1234 5678', 'declaration.monthlyIncome': '1200' },
      shown: { version: dibao.version },
    });

    // A newer police record with another phone: the form shows a conflict, both values.
    const [police] = feedExamples();
    await hubHttp(suite.api)
      .post('/v1/feeds/population/records')
      .send([{ ...police.value, SJBBH: '4', BDSJ: beijing(60), LXDH: '13500001111' }])
      .expect(200);
    const after = await prefill('elderly-allowance', 'elderly-allowance-review');
    const phone = fieldOf(after, 'person', 'phone');
    expect(phone).toMatchObject({
      value: '13912345678',
      status: 'conflict',
      provenance: { department: '镇街采集' },
    });
    expect(phone.alternatives.map((a) => a.value)).toContain('13500001111');
  });

  it("reads an address the clerk typed without its divisions in the clerk's own division", async () => {
    const form = await prefill('elderly-allowance', 'elderly-allowance-review');
    await submit('elderly-allowance', 'elderly-allowance-review', {
      values: {
        'person.residenceAddress': '东门路12号3-2-501',
        'review.bankAccount': '6217000000000001',
        'review.opinion': '同意',
      },
      prefill: form,
      confirm: true,
    }).expect(201);
    const address = fieldOf(
      await prefill('elderly-allowance', 'elderly-allowance-review'),
      'person',
      'residenceAddress',
    );
    expect(address.provenance?.feed).toBe('township');
    expect(address.value).toMatchObject({
      divisionCode: DONGMEN,
      standard: '东门路12号3栋2单元501室',
    });
  });

  it('answers 409 with what changed when the subject changed since the prefill, unless confirmed', async () => {
    const stale = await prefill('elderly-allowance', 'elderly-allowance-review');
    const [police] = feedExamples();
    await hubHttp(suite.api)
      .post('/v1/feeds/population/records')
      .send([{ ...police.value, SJBBH: '5', BDSJ: beijing(120), LXDH: '13500002222' }])
      .expect(200);
    const values = { 'review.bankAccount': '6217000000000001', 'review.opinion': '同意' };
    const conflict = await submit('elderly-allowance', 'elderly-allowance-review', {
      values,
      prefill: stale,
    }).expect(409);
    expect(conflict.body.changed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'person.phone', label: '联系电话' }),
      ]),
    );
    await submit('elderly-allowance', 'elderly-allowance-review', {
      values,
      prefill: stale,
      confirm: true,
    }).expect(201);
  });
});
