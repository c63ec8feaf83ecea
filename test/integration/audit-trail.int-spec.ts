import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { AuditRepository } from '@hub/access';
import { as, asAdmin, hubHttp, staffToken } from '../support/access';
import { gridResident, withCheck } from '../support/residents';
import { apiOnScenarioDatabase } from '../support/scenario-api';

const run = promisify(execFile);

/**
 * The audit trail: one row per personal-data read with who, why and what was shown in full;
 * append-only for the application; a hash chain that names the first row tampered with; and
 * no data leaves when the row cannot be written.
 */
describe('audit trail of personal-data reads', () => {
  const suite = apiOnScenarioDatabase();
  const community = '500116005001';
  const id17 = '50011619800101002';
  let personId: string;
  let clerk: string;
  let gridWorker: string;

  beforeAll(async () => {
    await hubHttp(suite.api)
      .post('/v1/feeds/grid/records')
      .send([
        gridResident({
          n: 1,
          community,
          communityName: '琅山社区',
          name: '许桂兰',
          idFirst17: id17,
          phone: '13900002001',
        }),
      ])
      .expect(200);
    const found = await hubHttp(suite.api)
      .get('/v1/persons')
      .query({ idNumber: withCheck(id17) });
    personId = found.body.persons[0].id as string;
    clerk = await staffToken(suite.api, {
      username: 'audit-clerk',
      role: 'community-staff',
      divisionCode: community,
    });
    gridWorker = await staffToken(suite.api, {
      username: 'audit-grid',
      role: 'grid-worker',
      divisionCode: community,
    });
  });

  const auditRows = () =>
    suite.scenario.db.query<
      {
        actor: string;
        role: string;
        endpoint: string;
        purpose: string;
        subject_ids: string[];
        fields_unmasked: string[];
      }[]
    >(
      `SELECT actor, role, endpoint, purpose, subject_ids, fields_unmasked FROM audit_log ORDER BY id`,
    );

  it('writes one row per read with actor, role, endpoint, purpose, subject and unmasked fields', async () => {
    const before = (await auditRows()).length;
    for (let i = 0; i < 3; i++)
      await as(suite.api, clerk, 'elderly-allowance-review')
        .get(`/v1/persons/${personId}`)
        .expect(200);
    const masked = await as(suite.api, gridWorker, 'grid-visit')
      .get(`/v1/persons/${personId}`)
      .expect(200);
    expect(masked.body.idNumber).toBe(`500116********${withCheck(id17).slice(-4)}`);
    expect(masked.body.maskedFields).toEqual(['idNumber']);
    expect(masked.headers['x-masked-fields']).toBe('idNumber');

    const rows = (await auditRows()).slice(before);
    expect(rows).toHaveLength(4);
    for (const row of rows.slice(0, 3))
      expect(row).toEqual({
        actor: 'audit-clerk',
        role: 'community-staff',
        endpoint: 'GET /v1/persons/:id',
        purpose: 'elderly-allowance-review',
        subject_ids: [personId],
        fields_unmasked: expect.arrayContaining(['idNumber', 'phone']),
      });
    expect(rows[3]).toMatchObject({
      actor: 'audit-grid',
      role: 'grid-worker',
      purpose: 'grid-visit',
    });
    expect(rows[3].fields_unmasked).not.toContain('idNumber');
  });

  it('tells an admin who looked at the resident, when and why', async () => {
    const res = await asAdmin(suite.api, 'resident-request')
      .get(`/v1/persons/${personId}/access-log`)
      .expect(200);
    const entries = res.body.entries as { actor: string; purpose: string; purposeLabel: string }[];
    expect(entries.filter((e) => e.actor === 'audit-clerk')).toHaveLength(3);
    expect(entries.find((e) => e.actor === 'audit-grid')).toMatchObject({
      purpose: 'grid-visit',
      purposeLabel: '网格走访',
    });
    // Clerks may not read the access log.
    await as(suite.api, clerk, 'resident-request')
      .get(`/v1/persons/${personId}/access-log`)
      .expect(403);
  });

  it('lets the application append only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    const db = suite.scenario.db;
    await expect(db.query(`UPDATE audit_log SET actor = 'someone else'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(db.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
  });

  it('fails closed: when the row cannot be written, the data does not leave', async () => {
    const db = suite.scenario.db;
    await db.query(
      `CREATE TRIGGER audit_log_down BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()`,
    );
    try {
      const res = await as(suite.api, clerk, 'dibao-review')
        .get(`/v1/persons/${personId}`)
        .expect(503);
      expect(JSON.stringify(res.body)).not.toContain(withCheck(id17));
      expect(JSON.stringify(res.body)).not.toContain('许桂兰');
    } finally {
      await db.query(`DROP TRIGGER audit_log_down ON audit_log`);
    }
  });

  it('verifies the chain, and names the first row changed or removed behind the triggers', async () => {
    const verify = async () => {
      const result = await run(
        'node',
        [
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          'scripts/audit-verify.ts',
        ],
        {
          env: { ...process.env, DATABASE_URL: suite.scenario.url, LOG_LEVEL: 'silent' },
        },
      ).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      );
      return result;
    };
    const rows = (await auditRows()).length;
    expect(await verify()).toEqual({ code: 0, stdout: `audit chain holds: ${rows} rows\n` });

    // Someone with the power to switch the triggers off (a superuser) edits row 3.
    const db = suite.scenario.db;
    await db.query(`ALTER TABLE audit_log DISABLE TRIGGER USER`);
    try {
      await db.query(`UPDATE audit_log SET purpose = 'statistics' WHERE id = 3`);
      expect(await verify()).toEqual({
        code: 1,
        stdout:
          'audit chain broken at row 3: its content does not match its hash (the row was changed)\n',
      });
      // In process from here (the command runs the same repository call): recomputing the
      // edited row's hash does not help, the next row's link breaks; removed rows leave a gap.
      const chain = new AuditRepository(db);
      await db.query(`UPDATE audit_log a SET hash = audit_row_hash(a) WHERE id = 3`);
      expect((await chain.verify()).broken).toEqual({ id: '4', reason: 'link' });
      await db.query(`DELETE FROM audit_log WHERE id > 1 AND id < 5`);
      expect((await chain.verify()).broken).toEqual({ id: '5', reason: 'gap' });
    } finally {
      await db.query(`ALTER TABLE audit_log ENABLE TRIGGER USER`);
    }
  });

  it('needs a credential for the access log itself', async () => {
    await request(suite.api.getHttpServer()).get(`/v1/persons/${personId}/access-log`).expect(401);
  });
});
