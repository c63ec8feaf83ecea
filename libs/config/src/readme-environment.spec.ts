import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Environment, environmentVariableNames } from './environment';

const REPO = join(__dirname, '..', '..', '..');

/** Where the hub's processes and npm scripts read the environment besides `loadConfig`. */
const SOURCE_FOLDERS = ['apps', 'libs', 'scripts'];

const START =
  '<!-- environment: every variable the hub reads; libs/config/src/readme-environment.spec.ts checks it -->';
const END = '<!-- /environment -->';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|mts|tsx)$/.test(entry.name) && !/\.(spec|d)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** `process.env.NAME` and `process.env['NAME']` outside the config, with the files reading each. */
function readFromProcessEnv(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const pattern =
    /process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*\])/g;
  for (const file of SOURCE_FOLDERS.flatMap((f) => sourceFiles(join(REPO, f))))
    for (const match of readFileSync(file, 'utf8').matchAll(pattern)) {
      const name = match[1] ?? match[2];
      found.set(name, [...(found.get(name) ?? []), relative(REPO, file)]);
    }
  return found;
}

/** The README's environment table: variable (first cell, in backticks) → its default cell. */
function readmeTable(): Map<string, string> {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END, start);
  if (start < 0 || end < 0) throw new Error(`README.md: no table between ${START} and ${END}`);
  const rows = new Map<string, string>();
  for (const line of readme.slice(start + START.length, end).split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const name = /^`([A-Za-z_][A-Za-z0-9_]*)`$/.exec(cells[1] ?? '')?.[1];
    if (!name) continue;
    if (rows.has(name)) throw new Error(`README.md: ${name} has two rows`);
    rows.set(name, cells[2] ?? '');
  }
  return rows;
}

describe("the README's environment table", () => {
  const fromConfig = environmentVariableNames();
  const fromProcessEnv = readFromProcessEnv();
  const read = new Set([...fromConfig, ...fromProcessEnv.keys()]);
  let table: Map<string, string>;
  beforeAll(() => (table = readmeTable()));

  it('finds the variables the config declares, and some read elsewhere', () => {
    // Guards the scan itself: an empty list would let every check below pass.
    expect(fromConfig).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'LOG_FORMAT']));
    expect(fromProcessEnv.get('HUB_KAFKA_STATE')).toEqual(['scripts/kafka-broker.ts']);
  });

  it('has a row for every variable the hub reads', () => {
    const missing = [...read]
      .filter((name) => !table.has(name))
      .map((name) =>
        fromProcessEnv.has(name)
          ? `${name} (read in ${fromProcessEnv.get(name)!.join(', ')})`
          : `${name} (libs/config/src/environment.ts)`,
      );
    expect({ missingFromTheReadme: missing }).toEqual({ missingFromTheReadme: [] });
  });

  it('has no row for a variable nothing reads', () => {
    const unread = [...table.keys()].filter((name) => !read.has(name));
    expect({ readByNothing: unread }).toEqual({ readByNothing: [] });
  });

  it("gives the config's defaults", () => {
    const defaults = new Environment() as unknown as Record<string, unknown>;
    const wrong = fromConfig
      .filter((name) => ['number', 'boolean', 'string'].includes(typeof defaults[name]))
      .filter((name) => defaults[name] !== '')
      .filter((name) => !table.get(name)?.includes(`\`${String(defaults[name])}\``))
      .map((name) => `${name}: \`${String(defaults[name])}\` (README: ${table.get(name) ?? '—'})`);
    expect({ defaultsDiffering: wrong }).toEqual({ defaultsDiffering: [] });
  });
});
