/**
 * BENCH_ER_PROCESSES=N for `npm run bench:er`: the records go through N pipeline processes on
 * one database, as N ingest replicas of one consumer group share a backlog. Each process takes
 * the records whose key falls in its share (as a topic's partitions are split among the group's
 * consumers by key), so every version of a record goes through one process, in order.
 *
 * The parent generates the records, migrates the database, starts the clock when every process
 * is ready and scores the result; the processes report their progress, CPU and ingest metrics
 * after each transaction. Nothing here is part of the hub: the ingest's replicas never talk to
 * each other, only through PostgreSQL's locks.
 */
import { ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';

/** A process's account of its work so far, sent after each transaction it committed. */
export interface ProcessProgress {
  /** Records this process has stored since the clock started. */
  records: number;
  /** This process's CPU seconds since the clock started. */
  cpuSeconds: number;
  /** hub_batch_phase_seconds sums by phase (see PhaseClock), since the process started. */
  phases: Record<string, number>;
  retried: number;
  split: number;
}

type ToParent = { ready: true } | { progress: ProcessProgress } | { finished: true };

/**
 * The share of the records a key belongs to, of `shares`. FNV-1a over the key's UTF-16 code
 * units: any stable spread does, as long as a key always lands in the same share.
 */
export function keyShare(key: string, shares: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shares;
}

/** What the processes share: the database and the file of generated records. */
export interface SharedRun {
  url: string;
  records: string;
}

/** Environment that makes a forked bench:er a pipeline process (see runAsPipelineProcess). */
const SHARE = 'BENCH_ER_SHARE';
const SHARED = 'BENCH_ER_SHARED_RUN';

/** This process's share and what it shares, when it was forked as a pipeline process. */
export function pipelineProcessRole(): ({ share: number; of: number } & SharedRun) | undefined {
  const share = process.env[SHARE];
  if (!share) return undefined;
  const [index, of] = share.split('/').map(Number);
  return { share: index, of, ...(JSON.parse(process.env[SHARED]!) as SharedRun) };
}

/**
 * In a pipeline process: `prepare` builds the pipeline, then the process waits for the parent's
 * go and runs `work`, which calls `report` after each transaction.
 */
export async function runAsPipelineProcess(
  prepare: () => Promise<{
    work: (report: (p: ProcessProgress) => void) => Promise<void>;
    close: () => Promise<void>;
  }>,
): Promise<void> {
  const { work, close } = await prepare();
  const send = (m: ToParent) => new Promise<void>((done) => process.send!(m, () => done()));
  const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
  await send({ ready: true });
  await go;
  await work((progress) => void send({ progress }));
  await send({ finished: true });
  await close();
  process.disconnect(); // the IPC channel would keep the process alive
}

/** The parent's side: N forked pipeline processes and the sum of what they reported. */
export class PipelineProcesses {
  private readonly latest: ProcessProgress[];

  private constructor(
    private readonly children: ChildProcess[],
    private readonly ready: Promise<unknown>,
    private readonly finished: Promise<unknown>,
    onProgress: () => void,
  ) {
    this.latest = children.map(() => ({
      records: 0,
      cpuSeconds: 0,
      phases: {},
      retried: 0,
      split: 0,
    }));
    children.forEach((child, i) =>
      child.on('message', (m: ToParent) => {
        if ('progress' in m) {
          this.latest[i] = m.progress;
          onProgress();
        }
      }),
    );
  }

  /** Forks `count` copies of this script, each with its share of the records. */
  static fork(count: number, shared: SharedRun, onProgress: () => void): PipelineProcesses {
    const children = Array.from({ length: count }, (_, i) =>
      fork(process.argv[1], process.argv.slice(2), {
        env: { ...process.env, [SHARE]: `${i}/${count}`, [SHARED]: JSON.stringify(shared) },
        execArgv: process.execArgv,
      }),
    );
    const until = (what: 'ready' | 'finished') =>
      Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve, reject) => {
              child.on('message', (m: ToParent) => what in m && resolve());
              child.on('exit', (code) =>
                reject(
                  new Error(`pipeline process ${child.pid} exited with ${code} before ${what}`),
                ),
              );
            }),
        ),
      );
    const finished = until('finished');
    finished.catch(() => undefined); // awaited in run(), after `ready`, which fails first
    return new PipelineProcesses(children, until('ready'), finished, onProgress);
  }

  /** Waits until every process is ready, starts them all, and waits until all have finished. */
  async run(onStart: () => Promise<void>): Promise<void> {
    await this.ready;
    await onStart();
    for (const child of this.children) child.send('go');
    await this.finished;
    await Promise.all(
      this.children.map((c) => (c.exitCode === null ? once(c, 'exit') : Promise.resolve())),
    );
  }

  get total(): ProcessProgress {
    const sum = (f: (p: ProcessProgress) => number) => this.latest.reduce((s, p) => s + f(p), 0);
    const phases: Record<string, number> = {};
    for (const p of this.latest)
      for (const [phase, s] of Object.entries(p.phases)) phases[phase] = (phases[phase] ?? 0) + s;
    return {
      records: sum((p) => p.records),
      cpuSeconds: sum((p) => p.cpuSeconds),
      phases,
      retried: sum((p) => p.retried),
      split: sum((p) => p.split),
    };
  }

  kill(): void {
    for (const child of this.children) if (child.exitCode === null) child.kill();
  }
}
