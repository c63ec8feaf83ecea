import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { KAFKA_VERSION } from '../scripts/kafka-broker';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  cpuSeconds: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may hold spaces; the fields after it are space-separated.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // utime + stime, and cutime + cstime: the CPU of its children that ended and were waited
    // for (a PostgreSQL backend whose client disconnected), which would otherwise drop out.
    const ticks = fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0);
    return { pid, ppid: Number(fields[1]), comm, cpuSeconds: ticks / TICKS_PER_SECOND };
  } catch {
    return undefined; // exited meanwhile
  }
}

/**
 * CPU seconds (user + system) used so far by `root` and all its descendants: the living ones,
 * and those that ended and were waited for.
 */
export function treeCpuSeconds(root: number): number {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((s): s is ProcStat => s !== undefined);
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const s of all)
      if (!tree.has(s.pid) && tree.has(s.ppid)) {
        tree.add(s.pid);
        grew = true;
      }
  }
  return all.filter((s) => tree.has(s.pid)).reduce((sum, s) => sum + s.cpuSeconds, 0);
}

/** The pid of the PostgreSQL postmaster listening on `port` that this process started, if any. */
export function postmasterPid(port: number): number | undefined {
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    const stat = readStat(Number(name));
    if (stat?.comm !== 'postgres') continue;
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (args.includes(String(port)) && args.includes('-p')) return stat.pid;
    } catch {
      // exited meanwhile
    }
  }
  return undefined;
}

/**
 * A fixed piece of single-threaded JavaScript, timed: machines of the same kind differ in speed
 * (this reference took 2,430 ms in one session and 1,149 in another, and the ingest's CPU per
 * message halved with it), so figures from different runs compare only beside this one. Timed
 * at the start and at the end of the run: the same machine also drifts within an hour.
 */
export function cpuReferenceMs(): number {
  const started = performance.now();
  let sum = 0;
  for (let i = 0; i < 1_000_000; i++)
    sum += (JSON.parse(JSON.stringify({ a: i, b: `张伟${i}`, c: [i, i + 1] })) as { a: number }).a;
  if (sum < 0) throw new Error('unreachable');
  return Math.round(performance.now() - started);
}

/** The machine a benchmark ran on, for its JSON: figures compare only beside cpuReferenceMs. */
export function benchMachine(cpuReferenceAtStart: number) {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    cpuReferenceMs: cpuReferenceAtStart,
    cpuReferenceMsAtEnd: cpuReferenceMs(),
    node: process.version,
    kafka: KAFKA_VERSION,
  };
}
