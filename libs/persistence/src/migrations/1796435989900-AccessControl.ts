import { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * The audit chain, frozen here as it ran: each row's hash covers its own columns and the hash of
 * the row before it, so an edited, removed or reordered row breaks the chain from there on.
 * `audit_row_hash` is the one definition of that hash, used by the insert trigger and by
 * `npm run audit:verify`. The insert trigger takes a transaction-level advisory lock, so rows of
 * concurrent requests (any replica) are chained one after another, and gives the id: gapless and
 * in chain order (a sequence would hand out ids before the lock, out of chain order).
 */
const AUDIT_CHAIN_LOCK = 7_311_451;

const AUDIT_CHAIN_SQL = [
  `CREATE FUNCTION audit_row_hash(r audit_log) RETURNS char(64) LANGUAGE sql IMMUTABLE AS $$
     SELECT encode(sha256(convert_to(concat_ws(E'\\x1f',
       r.id::text, to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       r.actor, r.actor_kind, coalesce(r.role, ''), coalesce(r.client_id::text, ''), r.endpoint,
       coalesce(r.purpose, ''), array_to_string(r.subject_ids, ','),
       array_to_string(r.fields_unmasked, ','), r.status::text, coalesce(r.request_id, ''),
       coalesce(r.detail::text, ''), r.prev_hash), 'UTF8')), 'hex')
   $$`,
  `CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE last audit_log%ROWTYPE;
   BEGIN
     PERFORM pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK});
     SELECT * INTO last FROM audit_log ORDER BY id DESC LIMIT 1;
     NEW.id := coalesce(last.id, 0) + 1;
     NEW.at := clock_timestamp();
     NEW.prev_hash := coalesce(last.hash, repeat('0', 64));
     NEW.hash := audit_row_hash(NEW);
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain()`,
  `CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
   END $$`,
  `CREATE TRIGGER audit_log_immutable BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()`,
  `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()`,
  `REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC`,
  // Who read a resident: GET /v1/persons/{id}/access-log.
  `CREATE INDEX "IDX_audit_log_subjects" ON audit_log USING gin (subject_ids)`,
];

export class AccessControl1796435989900 implements MigrationInterface {
  name = 'AccessControl1796435989900';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "api_client" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "feeds" text array NOT NULL DEFAULT '{}', "scopes" text array NOT NULL DEFAULT '{}', "division_code" character varying(12), "key_hash" character(64) NOT NULL, "created_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "rotated_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_82a5ec6981d2be903a9eb1d9b9a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_79ce16dd0d57df7a1736aff052" ON "api_client" ("name") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_fdadb7da6b922b466b7fd4b021" ON "api_client" ("key_hash") `,
    );
    await queryRunner.query(
      `CREATE TABLE "staff_user" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "username" character varying(64) NOT NULL, "password_hash" text NOT NULL, "role" character varying(32) NOT NULL, "division_code" character varying(12) NOT NULL, "display_name" text, "active" boolean NOT NULL DEFAULT true, "demo" boolean NOT NULL DEFAULT false, "created_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_cec9365d9fc3a3409158b645f2e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_5b021acaebf628d940d8ad2476" ON "staff_user" ("username") `,
    );
    await queryRunner.query(
      `CREATE TABLE "audit_log" ("id" bigint NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor" text NOT NULL, "actor_kind" character varying(16) NOT NULL, "role" character varying(32), "client_id" uuid, "endpoint" text NOT NULL, "purpose" character varying(64), "subject_ids" text array NOT NULL DEFAULT '{}', "fields_unmasked" text array NOT NULL DEFAULT '{}', "status" integer NOT NULL, "request_id" text, "detail" jsonb, "prev_hash" character(64) NOT NULL, "hash" character(64) NOT NULL, CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_ba27cef5b8b2b1a756e06ebcc5" ON "audit_log" ("at") `);
    for (const sql of AUDIT_CHAIN_SQL) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_ba27cef5b8b2b1a756e06ebcc5"`);
    await queryRunner.query(`DROP FUNCTION audit_row_hash(audit_log)`);
    await queryRunner.query(`DROP TABLE "audit_log"`);
    await queryRunner.query(`DROP FUNCTION audit_log_chain()`);
    await queryRunner.query(`DROP FUNCTION audit_log_refuse()`);
    await queryRunner.query(`DROP INDEX "public"."IDX_5b021acaebf628d940d8ad2476"`);
    await queryRunner.query(`DROP TABLE "staff_user"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_fdadb7da6b922b466b7fd4b021"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_79ce16dd0d57df7a1736aff052"`);
    await queryRunner.query(`DROP TABLE "api_client"`);
  }
}
