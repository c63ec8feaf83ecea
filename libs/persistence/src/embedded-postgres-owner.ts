import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';

/**
 * The pid of the hub process that started the embedded PostgreSQL of a data directory, kept in
 * `<dataDir>/postgres-owner.pid`. PostgreSQL's own `postmaster.pid` says which server runs on the
 * cluster; this file says who started it. The postmaster is that process's child: while the
 * owner lives, the postmaster's parent is the owner. When the owner is killed without a chance
 * to stop its server (SIGKILL, OOM killer), the postmaster is re-parented to init or a subreaper
 * and keeps the cluster locked, so that every later start failed until someone found it.
 */
const OWNER_FILE = 'postgres-owner.pid';

/** Who holds a cluster directory: nobody, a live process of the hub, or nobody any more. */
export type ClusterHolder =
  | { state: 'free' }
  | { state: 'owned'; postmasterPid: number; ownerPid: number }
  | { state: 'orphaned'; postmasterPid: number };

/** What a start needs to know of a running process; `undefined` where it has exited. */
export interface ProcessInfo {
  ppid: number;
  argv: string[];
  /** Its working directory, where the system tells it (a relative `-D` is resolved against it). */
  cwd?: string;
}

export class EmbeddedPostgresInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(
      `the data directory ${dataDir} (HUB_DATA_DIR) is in use: another process of the hub ` +
        `(pid ${ownerPid}) runs its embedded PostgreSQL. Stop that process, or start this one ` +
        `with another HUB_DATA_DIR or a DATABASE_URL`,
    );
    this.name = 'EmbeddedPostgresInUseError';
  }
}

/**
 * Whether the cluster at `databaseDir` is free, run by a live owner, or run by a postmaster whose
 * owner is gone. A `postmaster.pid` naming a process that is alive but no PostgreSQL of this
 * cluster (its pid reused, after a reboot or in a restarted container) is removed: PostgreSQL
 * would refuse to start on it. Where the system does not say what a process is, the cluster is
 * left to PostgreSQL's own lock check.
 */
export function inspectCluster(dataDir: string, databaseDir: string): ClusterHolder {
  const lockFile = resolve(databaseDir, 'postmaster.pid');
  const postmasterPid = parseLeadingPid(readOrUndefined(lockFile));
  if (postmasterPid === undefined) return { state: 'free' };
  const info = processInfo(postmasterPid);
  // Exited: PostgreSQL replaces a lock file whose process is gone by itself.
  if (info === undefined || info === 'unknown') return { state: 'free' };
  if (!isPostmasterOf(info, databaseDir)) {
    rmSync(lockFile, { force: true });
    return { state: 'free' };
  }
  const ownerPid = parseLeadingPid(readOrUndefined(resolve(dataDir, OWNER_FILE)));
  return info.ppid === ownerPid
    ? { state: 'owned', postmasterPid, ownerPid }
    : { state: 'orphaned', postmasterPid };
}

/** The parent of the postmaster running on `databaseDir`, if one runs: who holds it now. */
export function postmasterParent(databaseDir: string): number | undefined {
  const pid = parseLeadingPid(readOrUndefined(resolve(databaseDir, 'postmaster.pid')));
  const info = pid === undefined ? undefined : processInfo(pid);
  return typeof info === 'object' && isPostmasterOf(info, databaseDir) ? info.ppid : undefined;
}

/** Records this process as the one that runs the cluster of `dataDir`. */
export function recordOwner(dataDir: string): void {
  writeFileSync(resolve(dataDir, OWNER_FILE), `${process.pid}\n`);
}

/** Removes the record, if it is still this process's. */
export function releaseOwner(dataDir: string): void {
  const file = resolve(dataDir, OWNER_FILE);
  if (parseLeadingPid(readOrUndefined(file)) === process.pid) rmSync(file, { force: true });
}

/**
 * Stops a postmaster left behind: SIGINT is PostgreSQL's fast shutdown (clients disconnected,
 * a checkpoint written); a server that does not go within `timeoutMs` gets SIGQUIT, the
 * immediate shutdown, after which the next start recovers from the WAL as after a crash.
 */
export async function stopPostmaster(pid: number, timeoutMs = 30_000): Promise<void> {
  for (const [signal, wait] of [
    ['SIGINT', timeoutMs],
    ['SIGQUIT', 10_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return;
      throw error;
    }
    const deadline = Date.now() + wait;
    while (processInfo(pid) !== undefined && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    if (processInfo(pid) === undefined) return;
  }
  throw new Error(
    `the orphaned PostgreSQL (pid ${pid}) did not stop: stop it by hand (kill ${pid})`,
  );
}

/** Whether `info` is a postmaster (not a backend: those rename themselves) of `databaseDir`. */
export function isPostmasterOf(info: ProcessInfo, databaseDir: string): boolean {
  if (!/^post(gres|master)$/.test(basename(info.argv[0] ?? ''))) return false;
  const d = info.argv.indexOf('-D');
  // Started with PGDATA instead of -D: it may be this cluster's, so it is taken for it.
  if (d < 0 || d + 1 >= info.argv.length) return true;
  return samePath(resolve(info.cwd ?? '.', info.argv[d + 1]), databaseDir);
}

/** The pid on the first line of a pid file (postmaster.pid, the owner file). */
export function parseLeadingPid(text: string | undefined): number | undefined {
  const pid = Number((text ?? '').split('\n', 1)[0].trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** The parent pid in a /proc/<pid>/stat line, and whether the process is a zombie. */
export function parseProcStat(stat: string): { ppid: number; zombie: boolean } {
  // The command name in parentheses may itself hold spaces and parentheses: fields follow the last.
  const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(ppid), zombie: state === 'Z' || state === 'X' };
}

/**
 * A process's parent and command line, from /proc (Linux) or else `ps`; `undefined` when it does
 * not run (or is a zombie, as good as exited), 'unknown' when neither tells.
 */
function processInfo(pid: number): ProcessInfo | undefined | 'unknown' {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user (PostgreSQL runs as `postgres` under a root hub).
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return undefined;
  }
  try {
    const { ppid, zombie } = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    if (zombie) return undefined;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { ppid, argv, cwd: readlinkOrUndefined(`/proc/${pid}/cwd`) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !readableProc()) return fromPs(pid);
    // Gone between the two reads.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return 'unknown';
  }
}

function fromPs(pid: number): ProcessInfo | undefined | 'unknown' {
  try {
    const line = execFileSync('ps', ['-o', 'ppid=,stat=,args=', '-p', String(pid)], {
      encoding: 'utf8',
    }).trim();
    const [ppid, state, ...argv] = line.split(/\s+/);
    if (!line || state.startsWith('Z')) return undefined;
    return { ppid: Number(ppid), argv };
  } catch {
    return 'unknown';
  }
}

const readableProc = () => readOrUndefined('/proc/self/stat') !== undefined;

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function readlinkOrUndefined(link: string): string | undefined {
  try {
    return readlinkSync(link);
  } catch {
    return undefined;
  }
}
