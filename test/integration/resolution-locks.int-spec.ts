import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { idCheckCharacter } from '@hub/normalize';
import { nameKeyOf, placeKey } from '@hub/resolution';
import { hubHttp } from '../support/access';
import { startTestApi } from '../support/scenario-api';
import { scenarioDatabase } from '../support/scenario-database';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

const withCheck = (first17: string) => first17 + idCheckCharacter(first17);

/** The advisory lock keys lockResolution takes (hashed with hashtextextended). */
const blockLock = (block: string) => `person-block\u001f${block}`;
const personLock = (id: string) => `person\u001f${id}`;
const idLock = (idNumber: string) => `person-id\u001f${idNumber}`;

/**
 * A batch waits for the resolution locks of its residents while another transaction moves one
 * of their mentions to another person. The batch then also locks that person, and when that
 * closes a lock cycle, PostgreSQL aborts the batch's transaction and the batch runs again.
 * Two batches whose persons are each other's family context (a family member given by name
 * only, a household member) are serialized, and the second compares them.
 */
describe('resolution locks', () => {
  let api: INestApplication;
  let scenario: Awaited<ReturnType<typeof scenarioDatabase>>;
  const clients: Client[] = [];
  const http = () => hubHttp(api);

  /** A grid resident record; `n` makes record and person their own. */
  const resident = (n: number, name: string, idFirst17: string, time: string) => ({
    记录编号: `WG-500116005002-03-20231101-000${n}`,
    记录类型: '实有人口',
    网格编码: '500116005002-03',
    采集时间: time,
    采集人: '张伟',
    姓名: name,
    身份证号: withCheck(idFirst17),
    手机号: `1390000200${n}`,
    居住地址: `鼎山街道东门路3${n}号1栋1单元101室`,
    人员类别: '',
    与户主关系: '户主',
    户主姓名: name,
  });

  /** A connection in an open transaction holding these advisory locks. */
  const holding = async (...keys: string[]) => {
    const client = new Client({ connectionString: scenario.url });
    await client.connect();
    clients.push(client);
    await client.query('BEGIN');
    for (const key of keys)
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
    return client;
  };
  /** How many sessions of the scenario's database wait for an advisory lock. */
  const waitingSessions = async () => {
    const [{ n }] = await scenario.db.query<{ n: number }[]>(
      `SELECT count(DISTINCT pid)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND NOT granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return n;
  };
  /** How many sessions wait for this advisory lock key. */
  const waitersOn = async (key: string) => {
    const [{ n }] = await scenario.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND objsubid = 1 AND NOT granted
          AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [key],
    );
    return n;
  };
  const waitForWaiter = (key: string, what: string) =>
    waitFor(async () => ((await waitersOn(key)) > 0 ? true : undefined), {
      what,
      timeoutMs: 15_000,
    });

  /**
   * Stores the resident, then holds the lock of their mention's block in a transaction that
   * moves the mention to a new person Q, as a concurrent resolution would, and pushes a new
   * version of the record, which waits for that block. Returns what the cases need.
   */
  const moveWhileWaiting = async (n: number, name: string, idFirst17: string) => {
    const record = resident(n, name, idFirst17, '2023-11-01 09:00:00');
    await http().post('/v1/feeds/grid/records').send([record]).expect(200);
    const [mention] = await scenario.db.query<{ entity_id: string; block: string }[]>(
      `SELECT entity_id, block FROM mention WHERE source_record_id = $1 AND entity_type = 'person'`,
      [record.记录编号],
    );
    const [{ id: q }] = await scenario.db.query<{ id: string }[]>(
      `INSERT INTO person (id, name, status, change_seq) VALUES (gen_random_uuid(), $1, 'normal', 1) RETURNING id`,
      [name],
    );
    const mover = await holding(blockLock(mention.block));
    await mover.query(
      `UPDATE mention SET entity_id = $2 WHERE source_record_id = $1 AND entity_type = 'person'`,
      [record.记录编号, q],
    );
    const push = http()
      .post('/v1/feeds/grid/records')
      .send([{ ...record, 采集时间: '2023-11-02 09:00:00', 人员类别: '独居老人' }])
      .then((r) => r);
    await waitForWaiter(blockLock(mention.block), 'the new version at the block lock');
    return { record, p: mention.entity_id, q, block: mention.block, mover, push };
  };

  beforeAll(async () => {
    scenario = await scenarioDatabase();
    // PostgreSQL checks a waiting lock for a cycle once, deadlock_timeout after the wait began:
    // 5 s leave the deadlock case time to close its cycle before the batch's check.
    const [{ db }] = await scenario.db.query<{ db: string }[]>(`SELECT current_database() AS db`);
    await scenario.db.query(`ALTER DATABASE "${db}" SET deadlock_timeout = '5s'`);
    api = await startTestApi(testConfig(), scenario.url);
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await api?.close();
    await scenario?.drop();
  });

  it('locks the person a mention was moved to while the batch waited', async () => {
    const { record, p, q, mover, push } = await moveWhileWaiting(1, '何建平', '50011619660606006');
    const qHolder = await holding(personLock(q));
    await mover.query('COMMIT');

    // The batch now holds the block, finds the mention on Q and waits for Q's lock.
    await waitForWaiter(personLock(q), 'the new version at the lock of the person moved to');
    await qHolder.query('COMMIT');
    const response = await push;
    expect(response.status).toBe(200);
    expect(response.body.results[0]).toMatchObject({ outcome: 'accepted' });
    // The batch resolved the mention again: it went back to P, which holds its ID, and Q, left
    // with nothing, merged into P.
    const [{ entity_id: now }] = await scenario.db.query<{ entity_id: string }[]>(
      `SELECT entity_id FROM mention WHERE source_record_id = $1 AND entity_type = 'person'`,
      [record.记录编号],
    );
    expect(now).toBe(p);
    const [{ merged_into }] = await scenario.db.query<{ merged_into: string | null }[]>(
      `SELECT merged_into FROM person WHERE id = $1`,
      [q],
    );
    expect(merged_into).toBe(p);
  });

  it('runs a batch again when its second lock statement closes a deadlock', async () => {
    const { p, q, block, mover, push } = await moveWhileWaiting(2, '孔德明', '50011619670707007');
    const qHolder = await holding(personLock(q));
    // Only the batch checks for the cycle (deadlock_timeout after its wait began), so PostgreSQL
    // aborts the batch's transaction, never this one.
    await qHolder.query(`SET LOCAL deadlock_timeout = '60s'`);
    await mover.query('COMMIT');
    await waitForWaiter(personLock(q), 'the new version at the lock of the person moved to');

    // Q's holder now wants the block the batch holds: a cycle. PostgreSQL aborts the batch's
    // transaction, which frees the block.
    await qHolder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      blockLock(block),
    ]);
    // The batch, run again, waits for the block or for Q, whichever it asks for first: Q's holder
    // has both now.
    await waitFor(
      async () =>
        (await waitersOn(blockLock(block))) + (await waitersOn(personLock(q))) > 0
          ? true
          : undefined,
      { what: 'the batch run again, at the locks Q’s holder has', timeoutMs: 15_000 },
    );
    await qHolder.query('COMMIT');
    const response = await push;
    expect(response.status).toBe(200);
    expect(response.body.results[0]).toMatchObject({ outcome: 'accepted' });

    const metrics = (await http().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^hub_batch_retries_total\{code="40P01"\} 1$/m);
    // Run again from the start: the version is stored once, its resident on one live person.
    const [{ versions }] = await scenario.db.query<{ versions: number }[]>(
      `SELECT count(*)::int AS versions FROM source_record WHERE source_record_id = $1`,
      ['WG-500116005002-03-20231101-0002'],
    );
    expect(versions).toBe(2);
    const persons = await scenario.db.query<{ id: string; merged_into: string | null }[]>(
      `SELECT p.id, p.merged_into FROM person p WHERE p.id = ANY($1::uuid[]) ORDER BY p.id`,
      [[p, q]],
    );
    expect(persons.filter((x) => x.merged_into === null)).toHaveLength(1);
  });

  /** The 64-bit hash PostgreSQL locks an advisory key by. */
  const lockHash = async (key: string) => {
    const [{ h }] = await scenario.db.query<{ h: string }[]>(
      `SELECT hashtextextended($1, 0)::text AS h`,
      [key],
    );
    return BigInt(h);
  };

  // 陈秀兰's civil-affairs case lists her husband 陈志刚 by name only: a family member, compared
  // with the persons with a valid ID under his name in her police household (route
  // `household`: her police record and his put both in household H) and with those tied to the
  // case's address (route `address`: his grid record says he lives there). The batches that
  // bring the case and his own record run at once: whichever goes second must compare them. His
  // record waits for the lock of his ID; it holds the lock the two have in common (H, or his
  // name at that address) meanwhile when that comes first in lock order, and the case waits for
  // it; otherwise the case is stored while his record waits, which then finds the case's family
  // member once it holds its locks.
  it.each([
    ['household', 'waits for his record', 1, true],
    ['household', 'is stored while his record waits', 2, false],
    ['address', 'waits for his record', 3, true],
    ['address', 'is stored while his record waits', 4, false],
  ] as const)(
    'compares a family member with a person stored at once, by %s: the case %s',
    async (route, _, n, contextLockedFirst) => {
      const wife = withCheck(`5001161952030301${n}`);
      const husbandFirst17 = `5001161950020201${n}`;
      const husband = withCheck(husbandFirst17);
      /** The first `candidate(i)` whose common lock comes before or after his ID's, as wanted. */
      const pick = async (candidate: (i: number) => { value: string; lock: string }) => {
        for (let i = 1; ; i++) {
          const c = candidate(i);
          const first = (await lockHash(c.lock)) < (await lockHash(idLock(husband)));
          if (first === contextLockedFirst) return c.value;
        }
      };
      const household = await pick((i) => ({
        value: `500116005000${900 + i}`,
        lock: `person-household\u001f500116005000${900 + i}`,
      }));
      const caseAddress = await pick((i) => {
        const detail = `西门路${n}${i}号2栋1单元301室`;
        const place = placeKey([
          { attribute: 'address', valid: true, value: { divisionCode: '500116005', detail } },
        ]);
        if (place?.kind !== 'keyed') throw new Error(`${detail} is not keyed`);
        return { value: detail, lock: blockLock(`${nameKeyOf('陈志刚')}|a${place.id}`) };
      });
      const police = (k: number, name: string, idNumber: string, birth: string) => ({
        RKBM: `500116202311200000${n}${k}`,
        SJBBH: '1',
        SJLX: 'HJRK',
        BDLX: 'XZ',
        BDSJ: '2023-11-20 09:00:00',
        GMSFHM: idNumber,
        XM: name,
        XBDM: k === 1 ? '2' : '1',
        MZDM: '01',
        CSRQ: birth,
        HJDZ_XZQHDM: '500116005',
        HJDZ_QHNXXDZ: `东门路4${n}号1栋1单元101`,
        HH: household,
        YHZGXDM: k === 1 ? '02' : '10',
        RYZTDM: '0',
      });
      const his =
        route === 'household'
          ? { feed: 'population', record: police(2, '陈志刚', husband, '19500202') }
          : {
              feed: 'grid',
              record: {
                ...resident(n, '陈志刚', husbandFirst17, '2023-11-20 09:00:00'),
                居住地址: `鼎山街道${caseAddress}`,
              },
            };
      if (route === 'household')
        await http()
          .post('/v1/feeds/population/records')
          .send([police(1, '陈秀兰', wife, '19520303')])
          .expect(200);
      const caseId = `CA-DB-2023-00090${n}`;
      const caseRecord = {
        recordId: caseId,
        recordType: 'assistance',
        version: 1,
        updatedAt: '2023-11-20T10:00:00+08:00',
        operation: 'upsert',
        payload: {
          caseNo: `JJ-DB-2023-090${n}`,
          assistanceType: 'DIBAO',
          status: 'ACTIVE',
          monthlyAmount: '650.00',
          startDate: '2023-05-01',
          endDate: null,
          applicant: {
            name: '陈秀兰',
            idCard: wife,
            gender: '女',
            birthDate: '1952-03-03',
            address: `江津区鼎山街道${caseAddress}`,
          },
          members: [{ name: '陈志刚', relation: '夫' }],
          divisionCode: '500116005002',
        },
      };

      const idHolder = await holding(idLock(husband));
      const hisPush = http()
        .post(`/v1/feeds/${his.feed}/records`)
        .send([his.record])
        .then((r) => r);
      await waitForWaiter(idLock(husband), 'his record at the lock of his ID');
      let caseStored = false;
      const casePush = http()
        .post('/v1/feeds/assistance/records')
        .send([caseRecord])
        .then((r) => ((caseStored = true), r));
      await waitFor(async () => (caseStored || (await waitingSessions()) > 1 ? true : undefined), {
        what: 'the case stored, or waiting for a lock',
        timeoutMs: 15_000,
      });
      expect(caseStored).toBe(!contextLockedFirst);
      await idHolder.query('COMMIT');
      for (const response of await Promise.all([hisPush, casePush])) {
        expect(response.status).toBe(200);
        expect(response.body.results[0]).toMatchObject({ outcome: 'accepted' });
      }

      const hisId = 'RKBM' in his.record ? his.record.RKBM : his.record.记录编号;
      const persons = await scenario.db.query<{ pointer: string; entity_id: string }[]>(
        `SELECT pointer, entity_id FROM mention
          WHERE entity_type = 'person' AND source_record_id = ANY($1) ORDER BY pointer`,
        [[caseId, hisId]],
      );
      expect(persons.map((p) => p.pointer)).toEqual([
        '',
        '/payload/applicant',
        '/payload/members/0',
      ]);
      const personOf = new Map(persons.map((p) => [p.pointer, p.entity_id]));
      expect(personOf.get('/payload/members/0')).toBe(personOf.get(''));
    },
  );

  // An operator's decision re-resolves blocks as the ingest does (resolvePersonMentions), so it
  // takes the same locks: here the lock of the valid ID of the person it splits, which a batch
  // bringing another record of that ID holds.
  it('takes the ingest’s locks for an operator’s split, the lock of the person’s ID too', async () => {
    const first17 = '50011619680808008';
    const idNumber = withCheck(first17);
    const mistyped = first17 + (idNumber.endsWith('0') ? '1' : '0');
    const own = resident(5, '钱德胜', first17, '2023-11-01 09:00:00');
    const typo = {
      ...resident(6, '钱德胜', first17, '2023-11-01 10:00:00'),
      身份证号: mistyped,
      手机号: own.手机号,
      居住地址: own.居住地址,
    };
    await http().post('/v1/feeds/grid/records').send([own, typo]).expect(200);
    const mentions = await scenario.db.query<
      { source_record_id: string; pointer: string; entity_id: string }[]
    >(
      `SELECT source_record_id, pointer, entity_id FROM mention
        WHERE entity_type = 'person' AND source_record_id = ANY($1) ORDER BY source_record_id`,
      [[own.记录编号, typo.记录编号]],
    );
    // The mistyped ID's record went to the person with the valid ID: one person to split.
    expect(new Set(mentions.map((m) => m.entity_id)).size).toBe(1);
    const person = mentions[0].entity_id;

    const idHolder = await holding(idLock(idNumber));
    const split = http()
      .post(`/v1/persons/${person}/split`)
      .send({
        mentions: [{ feed: 'grid', sourceRecordId: typo.记录编号, pointer: mentions[1].pointer }],
      })
      .then((r) => r);
    await waitForWaiter(idLock(idNumber), 'the split at the lock of the person’s ID');
    await idHolder.query('COMMIT');
    expect((await split).status).toBe(200);
    const [moved] = await scenario.db.query<{ entity_id: string }[]>(
      `SELECT entity_id FROM mention WHERE entity_type = 'person' AND source_record_id = $1`,
      [typo.记录编号],
    );
    expect(moved.entity_id).not.toBe(person);
  });
});
