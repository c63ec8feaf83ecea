import type { DataSource } from 'typeorm';

/** What one tenth of a bench run cost, per record, so a cost that grows shows where it grows. */
export interface TenthCost {
  msPerRecord: number;
  cpuMicrosPerRecord: { pipeline: number; postgres?: number };
  /** Seconds of each ingest phase in this tenth, summed over the transactions (see PhaseClock). */
  phaseSeconds: Record<string, number>;
}

interface Sample {
  at: number;
  records: number;
  pipelineCpu: number;
  postgresCpu?: number;
  phases: Record<string, number>;
  statements?: Map<string, StatementTotals>;
}

interface StatementTotals {
  sql: string;
  ms: number;
  calls: number;
  rows: number;
}

/**
 * Samples a run at the end of each tenth: wall time, CPU of the pipeline and of PostgreSQL, the
 * ingest's phase totals and, when the server tracks them (BENCH_ER_PROFILE=1), the execution
 * time of each top-level statement, which `statementsByTenth` turns into per-record costs.
 */
export class RunTenths {
  private readonly samples: Sample[] = [];

  constructor(
    private readonly read: {
      pipelineCpu: () => number;
      postgresCpu: () => number | undefined;
      phases: () => Promise<Record<string, number>>;
      db?: DataSource;
    },
  ) {}

  async sample(records: number): Promise<void> {
    const at = performance.now();
    this.samples.push({
      at,
      records,
      pipelineCpu: this.read.pipelineCpu(),
      postgresCpu: this.read.postgresCpu(),
      phases: await this.read.phases(),
      statements: this.read.db ? await statementTotals(this.read.db) : undefined,
    });
  }

  tenths(): TenthCost[] {
    return this.pairs().map(([a, b]) => {
      const n = b.records - a.records;
      const micros = (seconds: number) => Math.round((seconds * 1e6) / n);
      return {
        msPerRecord: Number(((b.at - a.at) / n).toFixed(3)),
        cpuMicrosPerRecord: {
          pipeline: micros(b.pipelineCpu - a.pipelineCpu),
          postgres:
            a.postgresCpu === undefined ? undefined : micros(b.postgresCpu! - a.postgresCpu),
        },
        phaseSeconds: Object.fromEntries(
          Object.entries(b.phases).map(([phase, s]) => [
            phase,
            Number((s - (a.phases[phase] ?? 0)).toFixed(1)),
          ]),
        ),
      };
    });
  }

  /**
   * The `top` statements by execution time over the run, each with its execution time in µs per
   * record and its rows per call, tenth by tenth.
   */
  statementsByTenth(top = 15) {
    const pairs = this.pairs();
    const last = this.samples.at(-1)?.statements;
    const first = this.samples[0]?.statements;
    if (!last || !first) return undefined;
    const total = (id: string) => last.get(id)!.ms - (first.get(id)?.ms ?? 0);
    return [...last.keys()]
      .sort((a, b) => total(b) - total(a))
      .slice(0, top)
      .map((id) => ({
        sql: last.get(id)!.sql,
        ms: Math.round(total(id)),
        microsPerRecord: pairs.map(([a, b]) =>
          Math.round(((delta(a, b, id, 'ms') ?? 0) * 1000) / Math.max(1, b.records - a.records)),
        ),
        rowsPerCall: pairs.map(([a, b]) => {
          const calls = delta(a, b, id, 'calls') ?? 0;
          return calls === 0 ? 0 : Number(((delta(a, b, id, 'rows') ?? 0) / calls).toFixed(1));
        }),
      }));
  }

  private pairs(): [Sample, Sample][] {
    return this.samples.slice(1).map((s, i) => [this.samples[i], s]);
  }
}

const delta = (a: Sample, b: Sample, id: string, field: 'ms' | 'calls' | 'rows') => {
  const after = b.statements?.get(id)?.[field];
  return after === undefined ? undefined : after - (a.statements?.get(id)?.[field] ?? 0);
};

async function statementTotals(db: DataSource): Promise<Map<string, StatementTotals>> {
  const rows = await db.query<
    { id: string; sql: string; ms: number; calls: string; rows: string }[]
  >(
    `SELECT queryid::text AS id, left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 90) AS sql,
            total_exec_time AS ms, calls, rows
       FROM pg_stat_statements
      WHERE toplevel AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return new Map(
    rows.map((r) => [
      r.id,
      { sql: r.sql, ms: Number(r.ms), calls: Number(r.calls), rows: Number(r.rows) },
    ]),
  );
}
