import { Pool } from 'pg';
import { sampleMessage } from './kafka-consume-ceiling';

export interface WriteCeiling {
  rows: number;
  rowsPerTransaction: number;
  seconds: number;
  rowsPerSecond: number;
}

/**
 * Ceiling 2: how fast this machine's PostgreSQL takes rows shaped like source records through
 * multi-row INSERT … ON CONFLICT, ~1,000 rows per transaction, from one connection.
 */
export async function measurePostgresWrite(
  databaseUrl: string,
  { rows = 200_000, rowsPerTransaction = 1000, rowBytes = 1024 } = {},
): Promise<WriteCeiling> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  await pool.query(`DROP TABLE IF EXISTS bench_write`);
  await pool.query(
    `CREATE TABLE bench_write (feed text, record_id text, version text, payload jsonb,
       received_at timestamptz DEFAULT now(), PRIMARY KEY (feed, record_id, version))`,
  );
  const payloads = Array.from({ length: rowsPerTransaction }, (_, i) => sampleMessage(i, rowBytes));
  const client = await pool.connect();
  const started = performance.now();
  try {
    for (let start = 0; start < rows; start += rowsPerTransaction) {
      const n = Math.min(rowsPerTransaction, rows - start);
      const params: string[] = [];
      const tuples: string[] = [];
      for (let i = 0; i < n; i++) {
        const p = params.length;
        tuples.push(`('population', $${p + 1}, '1', $${p + 2}::jsonb)`);
        params.push(String(start + i), payloads[i]);
      }
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO bench_write (feed, record_id, version, payload) VALUES ${tuples.join(',')}
         ON CONFLICT (feed, record_id, version) DO NOTHING`,
        params,
      );
      await client.query('COMMIT');
    }
  } finally {
    client.release();
  }
  const seconds = (performance.now() - started) / 1000;
  await pool.query(`DROP TABLE bench_write`);
  await pool.end();
  return { rows, rowsPerTransaction, seconds, rowsPerSecond: Math.round(rows / seconds) };
}
