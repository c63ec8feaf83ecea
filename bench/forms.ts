/**
 * `npm run bench:forms`: how much of the forms (一表通) the hub prefills right, and how fast.
 * Never part of `npm test`. Prints one JSON object.
 *
 * A generated population with known truth (FeedMessageFactory: BENCH_FORMS_RECORDS records of
 * the three feeds, one version each, seed fixed, as bench:er generates them) goes through the
 * ingest pipeline in-process into a fresh database of the bench's PostgreSQL (embedded, or
 * BENCH_DATABASE_URL). Then:
 *  - coverage: for BENCH_FORMS_SAMPLE residents some record names, elderly-allowance and
 *    dibao-household (with its members), grid-visit for their residence places and
 *    elderly-roster for the BENCH_FORMS_VILLAGES villages with most elders, prefilled in-process
 *    (FormsService.prefill, a district admin), each field compared with the resident's truth when
 *    some record of that resident carries what the field shows (see forms-truth.ts), with the
 *    misses by reason and a few examples (ID numbers and phones masked); target 95 %;
 *  - prefill latency through HTTP (autocannon, 127.0.0.1) of the built API in a process of its
 *    own (`nest build api` runs first): POST /v1/forms/elderly-allowance/prefill
 *    by ID number as a logged-in district admin, one connection, a steady 100 requests/s, and
 *    50 connections unlimited, BENCH_FORMS_SECONDS each; target p99 <= 50 ms at 100/s;
 *  - the roster workbook's export, once libs/forms/src/roster-export.ts exists;
 *  - ceilings from the same run: person by id in SQL, an authenticated request that reads no
 *    data, and machine.cpuReferenceMs (see process-cpu.ts).
 * The issue asks for the latency with a million persons: BENCH_FORMS_RECORDS=2500000 gives about
 * a million (as bench:er's 2,500,000 records name about a million residents; storing them takes
 * about half an hour). The default is small:
 *   BENCH_FORMS_RECORDS=5000 BENCH_FORMS_SAMPLE=500 BENCH_FORMS_SECONDS=5 npm run bench:forms
 * The rate limit per client is lifted for the run (HUB_RATE_LIMIT_PER_MINUTE).
 * BENCH_FORMS_KEEP=<folder> keeps the bench's PostgreSQL in that folder: the first run stores the
 * records, later runs with the same BENCH_FORMS_RECORDS find them stored and only measure.
 * BENCH_FORMS_ONLY=roster measures the roster export alone (no coverage, latency or ceilings).
 */
import '../test/support/register-paths';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AccessPolicy } from '@hub/access';
import { createApiApp } from '../apps/api/src/api-app';
import { FormsService, todayInBeijing } from '../libs/forms/src/forms.service';
import { DATASET_NOW, isoDate } from '../test/generators/feed-messages';
import { testConfig } from '../test/support/test-config';
import { startBenchPostgres, startKeptBenchPostgres } from './bench-services';
import { measureCoverage } from './forms-coverage';
import {
  type ApiUnderTest,
  ceilings,
  prefillLatency,
  rosterExport,
  startApiUnderTest,
} from './forms-http';
import { generatePopulation, storeRecords } from './forms-population';
import { cpuReferenceMs, treeCpuSeconds } from './process-cpu';

const log = (m: string) => process.stderr.write(`[bench:forms] ${m}\n`);
const envInt = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SEED = 20231124;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-forms-'));
  try {
    await measure(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(dir: string) {
  const total = envInt('BENCH_FORMS_RECORDS', 20_000);
  const seconds = envInt('BENCH_FORMS_SECONDS', 20);
  // The generated data describe the district on this day: ages and the roster are on it.
  const formDate = isoDate(DATASET_NOW);
  const cpuReference = cpuReferenceMs();
  log(`generating ${total} records`);
  const generated = await generatePopulation(total, SEED, dir);
  const kept = process.env.BENCH_FORMS_KEEP;
  const postgres = kept
    ? await startKeptBenchPostgres(kept, `hub_forms_${total}`)
    : await startBenchPostgres();
  const config = testConfig({ LOG_LEVEL: 'error', HUB_RATE_LIMIT_PER_MINUTE: '100000000' });
  const app = await createApiApp(config, postgres.url);
  await app.init();
  let server: ApiUnderTest | undefined;
  try {
    const db = app.get(DataSource);
    const stored = (
      await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM feed_record_head')
    )[0].n;
    const started = performance.now();
    if (stored === 0) {
      let logged = 0;
      await storeRecords(
        app,
        generated.file('records.tsv'),
        config.ingest.catchUpTransactionRecords,
        config.ingest.concurrentTransactions,
        (done) => {
          if (done >= ((logged + 1) * total) / 10) log(`${done} records stored (${++logged}/10)`);
        },
      );
    } else log(`${stored} records stored by an earlier run (BENCH_FORMS_KEEP): not stored again`);
    const ingestSeconds = stored === 0 ? (performance.now() - started) / 1000 : null;
    const personCount = async () =>
      (
        await db.query<{ n: number }[]>(
          'SELECT count(*)::int AS n FROM person WHERE merged_into IS NULL',
        )
      )[0].n;
    const persons = await personCount();

    /** Coverage, prefill latency and the ceilings: all but the roster. */
    async function latencyAndCoverage(server: ApiUnderTest) {
      const coverage = await measureCoverage(app, generated, {
        sample: envInt('BENCH_FORMS_SAMPLE', 2_000),
        villages: envInt('BENCH_FORMS_VILLAGES', 3),
        formDate,
        seed: SEED,
        target: 95,
        log,
      });

      // The latency's subjects: sample residents a district admin of Jiangjin finds by the ID
      // number on their card (the others would answer 404 and time nothing).
      const forms = app.get(FormsService);
      const clerk = app
        .get(AccessPolicy)
        .staff('user', 'bench-forms', 'bench-forms', 'district-admin', '500116');
      const bodies: string[] = [];
      for (const r of coverage.sample) {
        if (bodies.length >= 1_000) break;
        const body = { idNumber: r.idNumber, formDate };
        try {
          await forms.prefill(
            clerk,
            'elderly-allowance-review',
            'elderly-allowance',
            body,
            formDate,
          );
          bodies.push(JSON.stringify(body));
        } catch {
          // not found by this ID number in the district: left out
        }
      }
      const ids = coverage.sample.map(coverage.hubPersonOf).filter((id): id is string => !!id);
      log(`ceilings, ${Math.min(seconds, 10)} s each`);
      const ceiling = await ceilings(postgres.url, ids, server, Math.min(seconds, 10));
      const latency = bodies.length
        ? await prefillLatency(server, bodies, dir, seconds, log, () =>
            postgres.pid ? treeCpuSeconds(postgres.pid) : undefined,
          )
        : 'not measured: no sample resident found by ID number';
      return { coverage, latency, ceiling, subjects: bodies.length };
    }

    const rosterOnly = process.env.BENCH_FORMS_ONLY === 'roster';
    const api = await startApiUnderTest(app, postgres.url);
    server = api;
    const measured = rosterOnly ? undefined : await latencyAndCoverage(api);
    const bornBy = (date: string) => `${Number(date.slice(0, 4)) - 80}${date.slice(4)}`;
    const roster = await rosterExport(
      api,
      async (digits) =>
        (
          await db.query<{ code: string; elders: number }[]>(
            `SELECT left(division_code, $2) AS code, count(*)::int AS elders FROM person
              WHERE merged_into IS NULL AND length(division_code) >= $2 AND birth_date <= $1
              GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
            [bornBy(todayInBeijing()), digits],
          )
        )[0],
      async () =>
        (
          await db.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM person
              WHERE merged_into IS NULL AND division_code LIKE '500116%' AND birth_date <= $1`,
            [bornBy(todayInBeijing())],
          )
        )[0].n,
      () => (postgres.pid ? treeCpuSeconds(postgres.pid) : undefined),
    );
    console.log(
      JSON.stringify(
        {
          measuredAt: new Date().toISOString(),
          // See cpuReferenceMs: figures of two runs compare only beside it.
          machine: {
            cpus: cpus().length,
            cpuReferenceMs: { atStart: cpuReference, atEnd: cpuReferenceMs() },
          },
          postgres: postgres.description,
          records: total,
          // Residents the records name, and the persons the hub made of them.
          truePersons: generated.appearing.reduce((s, x) => s + x, 0),
          persons,
          ingest:
            ingestSeconds === null
              ? 'stored by an earlier run (BENCH_FORMS_KEEP)'
              : {
                  seconds: Number(ingestSeconds.toFixed(1)),
                  recordsPerSecond: Math.round(total / ingestSeconds),
                },
          ...(measured && withoutSample(measured.coverage)),
          prefillLatency: measured && {
            // The issue asks for these with a million persons (BENCH_FORMS_RECORDS=2500000).
            persons,
            subjects: measured.subjects,
            seconds,
            ...(typeof measured.latency === 'string'
              ? { result: measured.latency }
              : measured.latency),
          },
          roster,
          ceilings: measured?.ceiling,
        },
        null,
        2,
      ),
    );
  } finally {
    await server?.stop();
    await app.close();
    await postgres.stop();
  }
}

const withoutSample = ({
  sample: _,
  hubPersonOf: __,
  ...report
}: Awaited<ReturnType<typeof measureCoverage>>) => report;

if (require.main === module)
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
