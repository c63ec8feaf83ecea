import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { requireKafka } from '@hub/config';
import { FeedCatalog } from '@hub/feeds';
import { createKafka, ensureTopics, PRODUCER_CONFIG } from '@hub/kafka';
import { createIngestApp, ingestTopics } from '../../apps/ingest/src/ingest-app';
import { hubHttp } from '../support/access';
import { startTestApi } from '../support/scenario-api';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

/**
 * A fourth department (残联, the disability federation, fictional contract) is added with a
 * JSON Schema, a mapping file and its topic, in a folder the hub is pointed at: no pipeline code.
 */
const TOPIC = `dpf.disability.${randomUUID().slice(0, 8)}.v1`;

const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://schemas.grassroots-hub.cn/feeds/disability.schema.json',
  type: 'object',
  required: ['残疾证号', '版本', '更新时间', '姓名', '身份证号', '残疾类别', '残疾等级'],
  properties: {
    残疾证号: { type: 'string', minLength: 1 },
    版本: { type: 'integer', minimum: 1 },
    更新时间: { type: 'string', format: 'beijing-datetime' },
    姓名: { type: 'string', minLength: 1 },
    身份证号: { type: 'string', format: 'citizen-id' },
    残疾类别: { type: 'string' },
    残疾等级: { type: 'string' },
    注销: { type: 'string' },
  },
};

const mapping = {
  feed: 'disability',
  department: '残联 disability federation',
  topic: TOPIC,
  schema: 'feeds/disability.schema.json',
  recordId: '/残疾证号',
  version: { pointer: '/版本', order: 'integer' },
  observedAt: '/更新时间',
  cancel: { pointer: '/注销', equals: '是' },
  recordTypes: [
    {
      name: 'certificate',
      mentions: [
        {
          id: 'holder',
          entity: 'person',
          at: '',
          attributes: {
            name: { from: '/姓名', normalize: 'name' },
            idNumber: { from: '/身份证号', normalize: 'idNumber' },
            disabilityCategory: {
              from: '/残疾类别',
              codes: { 视力: 'visual', 听力: 'hearing', 肢体: 'physical' },
            },
            disabilityLevel: {
              from: '/残疾等级',
              codes: { 一级: '1', 二级: '2', 三级: '3', 四级: '4' },
            },
          },
        },
      ],
    },
  ],
};

describe('adding a department without touching pipeline code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hub-feed-'));
  let app: INestApplication;

  beforeAll(() => {
    mkdirSync(join(dir, 'schemas/feeds'), { recursive: true });
    mkdirSync(join(dir, 'mappings'));
    writeFileSync(join(dir, 'schemas/feeds/disability.schema.json'), JSON.stringify(schema));
    writeFileSync(join(dir, 'mappings/disability.json'), JSON.stringify(mapping));
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('consumes the new topic and maps its records with provenance', async () => {
    const config = testConfig({ HUB_FEED_DIRS: dir, KAFKA_GROUP_ID: `it-fourth-${randomUUID()}` });
    const kafka = createKafka(requireKafka(config));
    await ensureTopics(kafka, ingestTopics(FeedCatalog.withExtraDirs([dir])), {
      partitions: 1,
      replicationFactor: 1,
    });
    app = await createIngestApp(config, config.database.url!);
    await app.startAllMicroservices();
    await app.init();
    const producer = kafka.producer(PRODUCER_CONFIG);
    await producer.connect();
    const id = `CJZ-${randomUUID()}`;
    const record = {
      残疾证号: id,
      版本: 1,
      更新时间: '2023-09-01 10:00:00',
      姓名: '王建国',
      身份证号: '500381195809113110',
      残疾类别: '肢体',
      残疾等级: '二级',
    };
    await producer.send({
      topic: TOPIC,
      messages: [
        { key: id, value: JSON.stringify(record) },
        { key: 'x', value: JSON.stringify({ ...record, 残疾证号: `${id}-bad`, 残疾类别: '未知' }) },
      ],
    });
    await producer.disconnect();

    const db = app.get(DataSource);
    const values = await waitFor(
      async () => {
        const rows = await db.query<{ attribute: string; value: unknown; pointer: string }[]>(
          `SELECT a.attribute, a.value, a.pointer FROM attribute_value a JOIN source_record s ON s.id = a.source_record_id
          WHERE s.feed = 'disability' AND s.source_record_id = $1 ORDER BY a.attribute`,
          [id],
        );
        return rows.length > 0 ? rows : undefined;
      },
      { what: 'the disability record' },
    );
    expect(values).toEqual([
      { attribute: 'disabilityCategory', value: 'physical', pointer: '' },
      { attribute: 'disabilityLevel', value: '2', pointer: '' },
      { attribute: 'idNumber', value: '500381195809113110', pointer: '' },
      { attribute: 'name', value: '王建国', pointer: '' },
    ]);
    const rejects = await waitFor(
      async () => {
        const rows = await db.query(`SELECT feed, reason FROM reject WHERE topic = $1`, [TOPIC]);
        return rows.length > 0 ? rows : undefined;
      },
      { what: 'the reject' },
    );
    expect(rejects).toEqual([{ feed: 'disability', reason: 'unknown_code' }]);

    // The department's new category is added to the mapping; the operator replays the reject.
    const codes = mapping.recordTypes[0].mentions[0].attributes.disabilityCategory.codes as Record<
      string,
      string
    >;
    codes['未知'] = 'unknown';
    writeFileSync(join(dir, 'mappings/disability.json'), JSON.stringify(mapping));
    const api = await startTestApi(config, config.database.url!);
    try {
      const listed = await hubHttp(api)
        .get('/v1/admin/rejects?feed=disability&reason=unknown_code')
        .expect(200);
      expect(listed.body).toHaveLength(1);
      // The list leaves the record out; the reject itself has it.
      const reject = await hubHttp(api).get(`/v1/admin/rejects/${listed.body[0].id}`).expect(200);
      expect(JSON.parse(reject.body.raw)).toMatchObject({ 残疾类别: '未知' });
      // A job of the same rejects still running (its process refreshes it): refused.
      const [{ id: other }] = await db.query<{ id: string }[]>(
        `INSERT INTO reject_replay_job (feed, requested_by) VALUES ('disability', 'elsewhere') RETURNING id::text`,
      );
      await hubHttp(api).post('/v1/admin/rejects/replay?feed=disability').expect(409);
      // Its process died two minutes ago: interrupted, and a new job starts.
      await db.query(
        `UPDATE reject_replay_job SET heartbeat_at = now() - interval '3 minutes' WHERE id = $1`,
        [other],
      );
      const replay = await hubHttp(api)
        .post('/v1/admin/rejects/replay?feed=disability')
        .expect(202);
      expect(replay.headers.location).toBe(`/v1/admin/rejects/replay/${replay.body.id}`);
      expect(replay.body).toMatchObject({ status: 'running', feed: 'disability' });
      const done = await waitFor(
        async () => {
          const job = await hubHttp(api).get(replay.headers.location).expect(200);
          return job.body.status === 'running' ? undefined : job.body;
        },
        { what: 'the replay job done' },
      );
      expect(done).toMatchObject({ status: 'done', replayed: 1, stillRejected: 0 });
      expect(
        (await hubHttp(api).get(`/v1/admin/rejects/replay/${other}`).expect(200)).body,
      ).toMatchObject({
        status: 'interrupted',
      });
      const [{ value }] = await db.query(
        `SELECT a.value FROM attribute_value a JOIN source_record s ON s.id = a.source_record_id
          WHERE s.source_record_id = $1 AND a.attribute = 'disabilityCategory'`,
        [`${id}-bad`],
      );
      expect(value).toBe('unknown');
      const again = await hubHttp(api)
        .get('/v1/admin/rejects?feed=disability&status=open')
        .expect(200);
      expect(again.body).toEqual([]);
    } finally {
      await api.close();
    }
  });
});
