/**
 * An open-loop load for the benches: requests sent at evenly spaced times whatever the answers,
 * each latency measured from the time the request was due, so a server that falls behind shows
 * it in the latency rather than by being sent less (no coordinated omission).
 *
 * Written here because autocannon's `overallRate` is not that: each connection sends its share
 * of the second back to back at the start of the second, and its correction for coordinated
 * omission assumes 1 ms between requests; a "steady 100/s" was 100 requests at once every
 * second. It runs in a worker thread, as autocannon does, so the API under test (in the bench's
 * process) does not also run the load generator on its event loop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread, Worker, workerData, parentPort } from 'node:worker_threads';

export interface OpenLoopOptions {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Request bodies, one picked at random for each request (none for GET). */
  bodies?: string[];
  /** Requests a second, evenly spaced. */
  rate: number;
  seconds: number;
  /**
   * Seconds of the same load sent first and not counted: the worker's connections and the
   * server's pool are opened and its code paths compiled (2 by default).
   */
  warmUpSeconds?: number;
}

export interface OpenLoopResult {
  sent: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** When in the run (ms from its start) the slowest requests were due, and their latency. */
  slowest: { atMs: number; latencyMs: number }[];
  ok: number;
  non2xx?: number;
  errors?: number;
}

/** Runs the load in a worker thread and answers its figures. */
export function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  return new Promise((resolve, reject) => {
    // eval'd so the worker loads this TypeScript file through the bench's ts-node (its execArgv
    // are the bench's own).
    const worker = new Worker(`require(${JSON.stringify(__filename)})`, {
      eval: true,
      workerData: { openLoop: options },
    });
    let done = false;
    worker.once('message', (result: OpenLoopResult) => {
      done = true;
      resolve(result);
      // Its keep-alive sockets would hold the worker open.
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`open-loop worker exited with ${code} before answering`));
    });
  });
}

/** The p-th percentile (0..100) of ascending values: the nearest rank. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function run(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const latencies: number[] = [];
  const timeline: { atMs: number; latencyMs: number }[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  const warmUp = Math.round(o.rate * (o.warmUpSeconds ?? 2));
  const total = Math.round(o.rate * o.seconds);
  const interval = 1000 / o.rate;
  const start = performance.now() + 20 + warmUp * interval;
  const send = async (due: number, counted: boolean) => {
    const body = o.bodies?.length
      ? o.bodies[Math.floor(Math.random() * o.bodies.length)]
      : undefined;
    try {
      const response = await fetch(o.url, { method: o.method, headers: o.headers, body });
      await response.arrayBuffer();
      if (!counted) return;
      if (response.ok) ok++;
      else non2xx++;
      const latency = performance.now() - due;
      latencies.push(latency);
      timeline.push({ atMs: Math.round(due - start), latencyMs: Math.round(latency) });
    } catch {
      if (counted) errors++;
    }
  };
  const pending: Promise<void>[] = [];
  for (let i = -warmUp; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(send(due, i >= 0));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const ms = (v: number) => Math.round(v);
  return {
    sent: total,
    requestsPerSecond: Math.round((ok + non2xx) / elapsed),
    latencyMs: {
      p50: ms(percentile(latencies, 50)),
      p99: ms(percentile(latencies, 99)),
      max: ms(latencies[latencies.length - 1] ?? 0),
    },
    slowest: timeline.sort((a, b) => b.latencyMs - a.latencyMs).slice(0, 5),
    ok,
    ...(non2xx || errors ? { non2xx, errors } : {}),
  };
}

const job = !isMainThread && (workerData as { openLoop?: OpenLoopOptions } | null)?.openLoop;
if (job)
  void run(job).then((result) => {
    parentPort!.postMessage(result);
  });
