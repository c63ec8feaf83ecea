import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { idCheckCharacter } from '@hub/normalize';
import { createApiApp } from '../../apps/api/src/api-app';
import { feedExamples } from '../support/feed-examples';
import { readChangeFeed } from '../support/http-client';
import { scenarioDatabase } from '../support/scenario-database';
import { testConfig } from '../support/test-config';

const withCheck = (first17: string) => first17 + idCheckCharacter(first17);
const LI_XIUYING = '500381195603022029';

/**
 * The persons API over records pushed by HTTP: the contracts' three records of 李秀英 as one
 * person; twins 李娜 / 李那 (homophones, one birth date, one household and phone) with a grid
 * observation that fits both, decided by an operator; a split of a wrong link.
 */
describe('persons API', () => {
  let api: INestApplication;
  let scenario: Awaited<ReturnType<typeof scenarioDatabase>>;
  const http = () => request(api.getHttpServer());
  const [police, assistance, grid] = feedExamples();
  const twin = (n: number, name: string, first17: string) => ({
    ...police.value,
    RKBM: `5001162023082490000${n}`,
    GMSFHM: withCheck(first17),
    XM: name,
    CSRQ: '19900101',
    HH: '500116005000999',
    YHZGXDM: '20',
    LXDH: '13900000000',
  });
  const twins = [twin(1, '李娜', '50011619900101002'), twin(2, '李那', '50011619900101004')];
  const gridLina = {
    ...grid.value,
    记录编号: 'WG-500116005002-03-20230824-9001',
    姓名: '李娜',
    出生年月: '1990.01',
    手机号: '13900000000',
    人员类别: '',
    户主姓名: '',
  } as Record<string, unknown>;
  delete gridLina['身份证号'];

  const push = (feed: string, records: unknown[]) =>
    http()
      .post(`/v1/feeds/${feed}/records`)
      .send(records)
      .expect(200)
      .then((r) => r.body as { accepted: number });
  const personOf = async (idNumber: string) => {
    const { body } = await http().get('/v1/persons').query({ idNumber }).expect(200);
    expect(body.persons).toHaveLength(1);
    return body.persons[0].id as string;
  };

  beforeAll(async () => {
    scenario = await scenarioDatabase();
    api = await createApiApp(testConfig(), scenario.url);
    await api.init();
    await push('population', [police.value, ...twins]);
    await push('assistance', [assistance.value]);
    await push('grid', [grid.value, gridLina]);
  });
  afterAll(async () => {
    await api?.close();
    await scenario?.drop();
  });

  it('gives the golden record with every candidate value, its provenance, household and places', async () => {
    const id = await personOf(LI_XIUYING);
    const { body } = await http().get(`/v1/persons/${id}`).expect(200);
    expect(body).toMatchObject({
      id,
      name: '李秀英',
      idNumber: LI_XIUYING,
      birthDate: '1956-03-02',
      gender: '2',
      phone: '13823456789',
      flags: [],
      mergedInto: null,
    });
    expect(
      body.candidates.birthDate
        .map((c: { feed: string; value: string }) => [c.feed, c.value])
        .sort(),
    ).toEqual([
      ['assistance', '1956-03-02'],
      ['grid', '1956-03'],
      ['population', '1956-03-02'],
    ]);
    expect(body.candidates.name[0]).toMatchObject({
      pointer: expect.any(String),
      sourceRecordId: expect.any(String),
    });
    expect(
      body.mentions.map((m: { feed: string; pointer: string }) => `${m.feed}${m.pointer}`).sort(),
    ).toEqual(['assistance/payload/applicant', 'grid', 'population']);
    expect(body.households).toEqual([
      { number: '500116005000231', members: [{ personId: id, relationToHead: '02' }] },
    ]);
    expect(body.relations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'registered_in',
          otherType: 'place',
          placeCode: '500116005',
        }),
        expect.objectContaining({ type: 'involves', direction: 'in', otherType: 'event' }),
      ]),
    );
  });

  it('searches by name and birth date, and by phone', async () => {
    const id = await personOf(LI_XIUYING);
    const byName = await http()
      .get('/v1/persons')
      .query({ name: '李秀英', birthDate: '1956' })
      .expect(200);
    expect(byName.body.persons.map((p: { id: string }) => p.id)).toEqual([id]);
    const byPhone = await http().get('/v1/persons').query({ phone: '138 2345 6789' }).expect(200);
    expect(byPhone.body.persons.map((p: { id: string }) => p.id)).toEqual([id]);
    await http().get('/v1/persons').expect(400);
  });

  it('explains each link with its rule, score and evidence', async () => {
    const id = await personOf(LI_XIUYING);
    const { body } = await http().get(`/v1/persons/${id}/explain`).expect(200);
    const gridMention = body.mentions.find((m: { feed: string }) => m.feed === 'grid');
    expect(gridMention.link).toMatchObject({ rule: 'score', score: expect.any(Number) });
    expect(gridMention.link.evidence.map((e: { rule: string }) => e.rule)).toEqual(
      expect.arrayContaining(['id-number-one-edit-apart', 'same-phone', 'same-name']),
    );
    expect(
      body.mentions.filter((m: { link: { rule: string } }) => m.link.rule === 'id-number'),
    ).toHaveLength(2);
  });

  it('streams every mention and its entity as NDJSON', async () => {
    const id = await personOf(LI_XIUYING);
    const res = await http()
      .get('/v1/resolution/links')
      .expect(200)
      .expect('content-type', /ndjson/);
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(
      lines
        .filter((l) => l.entityId === id)
        .map((l) => `${l.feed}${l.pointer}`)
        .sort(),
    ).toEqual(['assistance/payload/applicant', 'grid', 'population']);
    expect(Object.keys(lines[0]).sort()).toEqual([
      'entityId',
      'entityType',
      'feed',
      'pointer',
      'sourceRecordId',
    ]);
  });

  it('sends an observation that fits both twins to review, and follows the decision', async () => {
    const lina = await personOf(twins[0].GMSFHM);
    const lina2 = await personOf(twins[1].GMSFHM);
    const { body } = await http().get('/v1/review-tasks').expect(200);
    const task = body.tasks.find(
      (t: { sourceRecordId: string }) => t.sourceRecordId === gridLina['记录编号'],
    );
    expect(task.candidates.map((c: { entityId: string }) => c.entityId).sort()).toEqual(
      [lina, lina2].sort(),
    );
    expect(task.personId).not.toBe(lina);

    await http().post(`/v1/review-tasks/${task.id}/decision`).send({ verdict: 'same' }).expect(400);
    const decided = await http()
      .post(`/v1/review-tasks/${task.id}/decision`)
      .send({ verdict: 'same', personId: lina })
      .expect(200);
    expect(decided.body).toMatchObject({ verdict: 'same', personId: lina });
    const explained = await http().get(`/v1/persons/${lina}/explain`).expect(200);
    expect(explained.body.mentions.find((m: { feed: string }) => m.feed === 'grid').link.rule).toBe(
      'decision',
    );
    // The person the observation was on alone merged into 李娜.
    const { body: old } = await http().get(`/v1/persons/${task.personId}`).expect(301);
    expect(old).toEqual({ id: task.personId, mergedInto: lina });
    await http()
      .post(`/v1/review-tasks/${task.id}/decision`)
      .send({ verdict: 'different' })
      .expect(409);

    // The decision wins when the record comes again in a new version.
    await push('grid', [{ ...gridLina, 采集时间: '2023/9/1 10:00' }]);
    const again = await http().get(`/v1/persons/${lina}/explain`).expect(200);
    expect(again.body.mentions.find((m: { feed: string }) => m.feed === 'grid').link.rule).toBe(
      'decision',
    );
  });

  it('splits a wrong link: the mention leaves for a person of its own, and stays apart', async () => {
    const id = await personOf(LI_XIUYING);
    const gridRef = { feed: 'grid', sourceRecordId: grid.key, pointer: '' };
    await http()
      .post(`/v1/persons/${id}/split`)
      .send({
        mentions: [{ feed: 'population', sourceRecordId: police.key, pointer: '' }, gridRef],
      })
      .expect(409); // same valid ID as the civil-affairs applicant
    const { body } = await http()
      .post(`/v1/persons/${id}/split`)
      .send({ mentions: [gridRef] })
      .expect(200);
    expect(body.splitInto).toHaveLength(1);
    expect(body.splitInto[0]).not.toBe(id);
    const person = await http().get(`/v1/persons/${id}`).expect(200);
    expect(person.body.mentions).toHaveLength(2);

    const events = (await readChangeFeed(api, '0')).events.filter((e) => e.subject === id);
    expect(events.map((e) => e.type)).toContain('cn.gov.hub.person.split');
    await push('grid', [{ ...grid.value, 采集时间: '2023/9/2 10:00' }]);
    const after = await http().get(`/v1/persons/${id}`).expect(200);
    expect(after.body.mentions).toHaveLength(2);
  });
});
