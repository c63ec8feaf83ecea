import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { asDepartments, hubHttp } from '../support/access';
import { feedExamples } from '../support/feed-examples';
import { startTestApi } from '../support/scenario-api';
import { testConfig } from '../support/test-config';

describe('API process on a real PostgreSQL', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const config = testConfig();
    app = await startTestApi(config, config.database.url!);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('serves liveness', async () => {
    await request(app.getHttpServer())
      .get('/health')
      .expect(200, { status: 'ok', info: {}, error: {}, details: {} });
  });

  it('serves readiness on PostgreSQL alone: the API does not wait for Kafka', async () => {
    const res = await request(app.getHttpServer()).get('/ready').expect(200);
    expect(res.body.details).toEqual({ postgres: { status: 'up' } });
  });

  it('serves the OpenAPI document at /docs', async () => {
    await request(app.getHttpServer()).get('/docs').expect(200).expect('content-type', /html/);
    const spec = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining(['/health', '/ready', '/v1/divisions/{code}']),
    );
  });

  it('reads a seeded division of Jiangjin with its parent and children', async () => {
    const res = await hubHttp(app).get('/v1/divisions/500116005').expect(200);
    expect(res.body).toMatchObject({ code: '500116005', name: '鼎山街道', level: 'township' });
    expect(res.body.parent).toMatchObject({ code: '500116', name: '江津区' });
    expect(res.body.children.map((c: { code: string }) => c.code)).toContain('500116005002');
  });

  it('answers an unknown division with 404 and a reason', async () => {
    const res = await hubHttp(app).get('/v1/divisions/999999').expect(404);
    expect(res.body.message).toMatch(/999999/);
  });

  it("takes a JSON array push and answers each record's outcome", async () => {
    const [police] = feedExamples();
    const record = { ...police.value, RKBM: `5001162023${String(Date.now()).slice(-10)}` };
    const res = await hubHttp(app)
      .post('/v1/feeds/population/records')
      .send([record, record, { ...record, SJBBH: '1' }, { ...record, XBDM: '7', SJBBH: '9' }])
      .expect(200);
    expect(res.body).toMatchObject({ accepted: 1, duplicate: 1, stale: 1, rejected: 1 });
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual([
      'accepted',
      'duplicate',
      'stale',
      'rejected',
    ]);
    expect(res.body.results[3]).toMatchObject({
      reason: 'unknown_code',
      message: expect.stringMatching(/gender/),
    });
  });

  it('answers a feed not the client’s own with 403 and a body that is neither array nor NDJSON with 400', async () => {
    await asDepartments(app).post('/v1/feeds/nope/records').send([]).expect(403);
    await hubHttp(app).post('/v1/feeds/grid/records').send({ not: 'a list' }).expect(400);
  });
});
