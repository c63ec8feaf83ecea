/**
 * `npm run bench`: measures on this machine, in one run, and prints one JSON object.
 * Never part of `npm test`. Sizes can be lowered for a quick look:
 *   BENCH_MESSAGES=50000 BENCH_ROWS=50000 BENCH_INGEST_RECORDS=20000 npm run bench
 * The ingest figure runs the built ingest process (`npm run build` first); HUB_… settings in
 * the environment are passed on to it.
 * BENCH_PARTS picks parts of the run for a quick look at one figure (default: all of them):
 *   BENCH_PARTS=changes npm run bench
 */
import { startBenchServices } from './bench-services';
import { benchMachine, cpuReferenceMs } from './process-cpu';
import { measureChangeLatency } from './change-latency';
import { measureIngest } from './ingest-throughput';
import { measureKafkaConsume } from './kafka-consume-ceiling';
import { measurePostgresWrite } from './postgres-write-ceiling';

const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const envInt = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const PARTS = ['ceilings', 'ingest', 'changes'] as const;
const parts = new Set((process.env.BENCH_PARTS ?? PARTS.join(',')).split(','));
const run = <T>(part: (typeof PARTS)[number], measure: () => Promise<T>) =>
  parts.has(part) ? measure() : Promise.resolve(undefined);

async function main() {
  const cpuReference = cpuReferenceMs();
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const services = await startBenchServices(log);
  try {
    const ceilings = await run('ceilings', async () => {
      log('ceiling: raw kafkajs consume');
      const kafkaConsume = await measureKafkaConsume(services.kafkaBrokers, {
        messages: envInt('BENCH_MESSAGES', 200_000),
      });
      log('ceiling: raw PostgreSQL batched write');
      const postgresWrite = await measurePostgresWrite(services.databaseUrl, {
        rows: envInt('BENCH_ROWS', 200_000),
      });
      return { kafkaConsume, postgresWrite };
    });
    const ingest = await run('ingest', async () => {
      log('end-to-end ingest of the mixed stream (built ingest process)');
      const measured = await measureIngest(services.databaseUrl, services.kafkaBrokers, {
        records: envInt('BENCH_INGEST_RECORDS', 460_000),
        processes: envInt('BENCH_INGEST_PROCESSES', 1),
        postgresPid: services.postgresPid,
        kafkaPid: services.kafkaPid,
        log,
      });
      log(`ingest: ${JSON.stringify(measured)}`);
      return measured;
    });
    const changeEvents = await run('changes', () => {
      log('change events: latency at steady rates (a curve), relay throughput');
      return measureChangeLatency(services.databaseUrl, services.kafkaBrokers, {
        rates: (process.env.BENCH_CHANGES_RATES ?? '50,200,400,600,800,1000')
          .split(',')
          .map(Number),
        warmUpSeconds: envInt('BENCH_CHANGES_WARMUP_SECONDS', 10),
        seconds: envInt('BENCH_CHANGES_SECONDS', 30),
        log,
      });
    });
    const slowerCeiling =
      ceilings &&
      Math.min(ceilings.kafkaConsume.messagesPerSecond, ceilings.postgresWrite.rowsPerSecond);
    const result = {
      measuredAt: new Date().toISOString(),
      machine: benchMachine(cpuReference),
      postgres: services.postgres,
      ceilings,
      ingest: ingest && {
        ...ingest,
        shareOfSlowerCeiling:
          slowerCeiling && Number((ingest.recordsPerSecond / slowerCeiling).toFixed(3)),
      },
      changeEvents,
      benchProcessPeakRssMb: Math.round(peakRss / 2 ** 20),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    clearInterval(sampler);
    await services.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
