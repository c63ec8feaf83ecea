/**
 * Prefill latency, the roster export and the ceilings of `npm run bench:forms` (see forms.ts):
 * the built API (dist/, `nest build api`) in a process of its own on 127.0.0.1, on the run's
 * database; autocannon in a worker thread of the bench's process. The bench's process holds the
 * generated population (gigabytes with a million persons): its garbage collections would stall
 * an API running beside it, and be counted as the API's latency.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import { BOOTSTRAP_TOKEN, staffToken, TEST_SECRETS_KEY } from '../test/support/access';
import { AppProcess } from '../test/support/app-process';
import { freePort } from '../test/support/free-port';
import { JIANGJIN } from '../test/generators/jiangjin';
import { openLoop } from './open-loop';
import { treeCpuSeconds } from './process-cpu';

interface Histogram {
  average: number;
  p50: number;
  p99: number;
  max: number;
}
interface CannonResult {
  latency: Histogram;
  duration: number;
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
// autocannon has no type declarations; the options and results used here are typed above.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (
  opts: Record<string, unknown>,
) => Promise<CannonResult>;

const PURPOSE = 'elderly-allowance-review';

/** The API under test: its address, its process id, and a district admin's staff token. */
export interface ApiUnderTest {
  base: string;
  pid: number;
  token: string;
  stop(): Promise<unknown>;
}

/**
 * The built API on a free port of 127.0.0.1 and `databaseUrl` (as deployed: its own process),
 * and a staff token: a district-admin user created through the bootstrap token of the bench's
 * in-process app (a name of this run's own: a database kept by BENCH_FORMS_KEEP has the users of
 * earlier runs); both apps share the database, so each accepts the other's tokens.
 */
export async function startApiUnderTest(
  app: INestApplication,
  databaseUrl: string,
): Promise<ApiUnderTest> {
  const token = await staffToken(app, {
    username: `bench-forms-admin-${Date.now()}`,
    role: 'district-admin',
    divisionCode: JIANGJIN,
  });
  const port = await freePort();
  const api = AppProcess.start(
    'api',
    {
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HUB_BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN,
      HUB_SECRETS_KEY: TEST_SECRETS_KEY,
      HUB_RATE_LIMIT_PER_MINUTE: '100000000',
      LOG_LEVEL: 'error',
    },
    // e.g. BENCH_FORMS_API_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile it.
    (process.env.BENCH_FORMS_API_NODE_ARGS ?? '').split(' ').filter(Boolean),
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    await untilReady(api, base);
  } catch (error) {
    await api.stop('SIGKILL');
    throw error;
  }
  return {
    base,
    pid: api.child.pid!,
    token,
    stop: () => api.stop('SIGTERM'),
  };
}

/** Waits for the API's /ready (its log is at `error`: no line says it is up). */
async function untilReady(api: AppProcess, base: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (api.child.exitCode !== null)
      throw new Error(`API exited ${api.child.exitCode}:\n${api.output}`);
    const ok = await fetch(`${base}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`API not ready within ${timeoutMs} ms:\n${api.output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Resident set size of a process, in bytes (VmRSS of /proc/<pid>/status). */
function rssOf(pid: number): number {
  const found = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return found ? Number(found[1]) * 1024 : 0;
}

const summary = (r: CannonResult) => ({
  requestsPerSecond: Math.round((r['2xx'] + r.non2xx) / r.duration),
  latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
  ok: r['2xx'],
  ...(r.non2xx || r.errors
    ? {
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        statusCodes: Object.fromEntries(
          Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count]),
        ),
      }
    : {}),
});

/**
 * POST /v1/forms/elderly-allowance/prefill with a random one of `bodies` each time: one
 * connection, then a steady 100 requests/s (open loop: evenly spaced, however fast the answers
 * come), then 50 connections unlimited.
 */
export async function prefillLatency(
  server: ApiUnderTest,
  bodies: string[],
  dir: string,
  seconds: number,
  log: (m: string) => void,
  postgresCpuSeconds: () => number | undefined,
) {
  const file = join(dir, 'bodies.json');
  writeFileSync(file, JSON.stringify(bodies));
  process.env.BENCH_FORMS_BODIES = file;
  const run = (options: Record<string, unknown>) =>
    autocannon({
      url: `${server.base}/v1/forms/elderly-allowance/prefill`,
      workers: 1,
      headers: {
        authorization: `Bearer ${server.token}`,
        'x-purpose': PURPOSE,
        'content-type': 'application/json',
      },
      requests: [
        {
          method: 'POST',
          path: '/v1/forms/elderly-allowance/prefill',
          setupRequest: join(__dirname, 'forms-prefill-request.ts'),
        },
      ],
      ...options,
    });
  // The app's code paths are cold after the coverage: 3 s at one connection are not counted.
  await run({ connections: 1, duration: 3 });
  log(`prefill latency: one connection, ${seconds} s`);
  const single = summary(await run({ connections: 1, duration: seconds }));
  log(`prefill latency: a steady 100 requests/s (open loop), ${seconds} s`);
  const steady = await openLoop({
    url: `${server.base}/v1/forms/elderly-allowance/prefill`,
    method: 'POST',
    headers: {
      authorization: `Bearer ${server.token}`,
      'x-purpose': PURPOSE,
      'content-type': 'application/json',
    },
    bodies,
    rate: 100,
    seconds,
  });
  log(`prefill latency: 50 connections unlimited, ${seconds} s`);
  const cpuBefore = {
    api: treeCpuSeconds(server.pid),
    client: process.cpuUsage(),
    postgres: postgresCpuSeconds(),
  };
  const saturated = await run({ connections: 50, duration: seconds });
  const apiCpu = treeCpuSeconds(server.pid) - cpuBefore.api;
  const clientCpu = process.cpuUsage(cpuBefore.client);
  const postgresCpu = postgresCpuSeconds();
  const answered = saturated['2xx'] + saturated.non2xx;
  const micros = (cpuSeconds: number) => Math.round((cpuSeconds * 1e6) / Math.max(answered, 1));
  const saturation = {
    ...summary(saturated),
    // CPU per request of the API's process, of this one (autocannon's worker thread) and of the
    // bench's PostgreSQL (absent with BENCH_DATABASE_URL): 2e6 over their sum bounds the rate
    // of two busy cores.
    cpuMicrosPerRequest: {
      api: micros(apiCpu),
      client: micros((clientCpu.user + clientCpu.system) / 1e6),
      postgres:
        postgresCpu === undefined || cpuBefore.postgres === undefined
          ? undefined
          : micros(postgresCpu - cpuBefore.postgres),
    },
  };
  return {
    singleConnection: single,
    steady100PerSecond: {
      ...steady,
      target: 'p99 <= 50 ms',
      met: steady.latencyMs.p99 <= 50 && steady.ok > 0 && !steady.non2xx && !steady.errors,
    },
    saturation50Connections: saturation,
  };
}

/** Statements a second on `connections` connections of a pool, for `seconds`. */
async function sqlRate(
  url: string,
  connections: number,
  seconds: number,
  sql: string,
  params: () => unknown[],
): Promise<number> {
  const pool = new Pool({ connectionString: url, max: connections });
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = await pool.connect();
      try {
        while (performance.now() < until) {
          await client.query(sql, params());
          done++;
        }
      } finally {
        client.release();
      }
    }),
  );
  await pool.end();
  return Math.round(done / seconds);
}

/**
 * The floors a prefill cannot beat, on the run's database and app: `SELECT … FROM person WHERE
 * id = $1` (node-postgres, random persons of the sample) and the audit row every prefill appends
 * (its insert trigger chains the rows under one advisory lock, each commit waits for its WAL
 * flush), with one connection and with ten; and an authenticated request that reads no personal
 * data (GET /v1/forms) with 50 connections, and at a steady 100/s.
 */
export async function ceilings(url: string, ids: string[], server: ApiUnderTest, seconds: number) {
  const personById = (connections: number) =>
    sqlRate(
      url,
      connections,
      seconds,
      `SELECT p.id, p.name, p.id_number, p.gender, p.birth_date, p.status, p.phone,
              p.division_code, p.flags, p.merged_into FROM person p WHERE p.id = $1`,
      () => [ids[Math.floor(Math.random() * ids.length)]],
    );
  const auditAppend = (connections: number) =>
    sqlRate(
      url,
      connections,
      seconds,
      `INSERT INTO audit_log (actor, actor_kind, role, client_id, endpoint, purpose, subject_ids,
                              fields_unmasked, status, request_id, detail)
       VALUES ('bench-forms', 'user', 'district-admin', NULL,
               'POST /v1/forms/elderly-allowance/prefill', 'elderly-allowance-review', $1,
               '{idNumber,phone,address}', 200, NULL, '{"form":"elderly-allowance"}')`,
      () => [[ids[Math.floor(Math.random() * ids.length)]]],
    );
  const listRun = (options: Record<string, unknown>) =>
    autocannon({
      url: `${server.base}/v1/forms`,
      workers: 1,
      duration: seconds,
      headers: { authorization: `Bearer ${server.token}` },
      ...options,
    });
  const list = await listRun({ connections: 50 });
  // The same load as the prefill's steady run: the latency the HTTP stack and the token check
  // add by themselves.
  const listSteady = await openLoop({
    url: `${server.base}/v1/forms`,
    method: 'GET',
    headers: { authorization: `Bearer ${server.token}` },
    rate: 100,
    seconds,
  });
  return {
    seconds,
    personByIdPerSecond: {
      oneConnection: await personById(1),
      tenConnections: await personById(10),
    },
    auditAppendPerSecond: {
      oneConnection: await auditAppend(1),
      tenConnections: await auditAppend(10),
    },
    httpFormsListPerSecond50Connections: summary(list).requestsPerSecond,
    httpFormsListSteady100PerSecond: listSteady.latencyMs,
  };
}

/**
 * The roster workbook of the largest village, township and of the whole district, read to the
 * end through HTTP, with the API process's RSS every 100 ms; when the export exists.
 */
export async function rosterExport(
  server: ApiUnderTest,
  largest: (digits: 9 | 12) => Promise<{ code: string; elders: number } | undefined>,
  districtElders: () => Promise<number>,
  postgresCpuSeconds: () => number | undefined,
) {
  if (!existsSync(join(__dirname, '..', 'libs', 'forms', 'src', 'roster-export.ts')))
    return 'not measured: no export';
  const village = await largest(12);
  const township = await largest(9);
  const targets = [
    ...(village ? [{ scope: 'largestVillage', ...village }] : []),
    // With a million persons, a township's roster is about the 10,000 rows.
    ...(township ? [{ scope: 'largestTownship', ...township }] : []),
    { scope: 'district', code: JIANGJIN, elders: await districtElders() },
  ];
  const results = [];
  for (const t of targets) {
    const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
    const before = rssOf(server.pid);
    let peak = before;
    let samples = 0;
    // RSS each second: flat memory levels off, a leak keeps climbing with the rows.
    const timeline: number[] = [];
    const sampler = setInterval(() => {
      const rss = rssOf(server.pid);
      peak = Math.max(peak, rss);
      if (samples++ % 10 === 0) timeline.push(mb(rss));
    }, 100);
    const cpuBefore = { api: treeCpuSeconds(server.pid), postgres: postgresCpuSeconds() };
    const started = performance.now();
    let bytes = 0;
    let status = 0;
    try {
      const response = await fetch(
        `${server.base}/v1/forms/elderly-roster/export?divisionCode=${t.code}&format=xlsx`,
        { headers: { authorization: `Bearer ${server.token}`, 'x-purpose': PURPOSE } },
      );
      status = response.status;
      for await (const chunk of response.body ?? []) bytes += (chunk as Uint8Array).length;
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - started) / 1000;
    const apiCpu = treeCpuSeconds(server.pid) - cpuBefore.api;
    const postgresCpu = postgresCpuSeconds();
    const perRow = (cpu: number) => Number(((cpu * 1000) / Math.max(t.elders, 1)).toFixed(3));
    results.push({
      scope: t.scope,
      divisionCode: t.code,
      // Living or not: the persons of the division aged 80 or more today, as the database has them.
      personsAged80: t.elders,
      status,
      bytes,
      seconds: Number(seconds.toFixed(2)),
      // CPU per row (ms) of the API's process and of the bench's PostgreSQL (absent with
      // BENCH_DATABASE_URL): less swayed by other load on the machine than the wall time, and
      // 2,000 ms over their sum bounds the rows a second of two busy cores.
      cpuMsPerRow: {
        api: perRow(apiCpu),
        postgres:
          postgresCpu === undefined || cpuBefore.postgres === undefined
            ? undefined
            : perRow(postgresCpu - cpuBefore.postgres),
      },
      apiRssMb: { before: mb(before), peak: mb(peak), after: mb(rssOf(server.pid)) },
      rssSamples: samples,
      rssMbEachSecond: timeline,
    });
  }
  return { target: '10,000 rows in <= 5 s, memory flat', exports: results };
}
