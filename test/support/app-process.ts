import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');

/**
 * Node flags each app is deployed with (package.json `start:…`, deploy/): the ingest's young
 * generation is raised to 64 MB, since it allocates short-lived objects fast and the default
 * spent twice the time in garbage collection; its old generation is capped at 640 MB, below
 * the deployment's 1 GiB limit: uncapped, V8 let the heap grow on a machine with memory to
 * spare (RSS 800–1,100 MB in npm run bench), capped it stayed near 500 MB, flat. The cap costs
 * collections: at a steady 1,000 records/s change events' median latency was 490–565 ms capped
 * against 400–420 uncapped, and a backlog ingested 5–10 % slower.
 */
const DEPLOYED_NODE_ARGS: Record<HubApp, string[]> = {
  api: [],
  ingest: ['--max-semi-space-size=64', '--max-old-space-size=640'],
  relay: [],
};

/** The deployable processes under apps/. */
export type HubApp = 'api' | 'ingest' | 'relay';

/** A built hub app (dist/) running as its own process, with its output collected. */
export class AppProcess {
  output = '';
  private readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((r) => child.once('exit', (code) => r(code)));
  }

  /**
   * Starts `dist/apps/<app>/…/main.js` with exactly `env` (plus PATH/HOME), with the node flags
   * the app is deployed with and `nodeArgs`.
   */
  static start(app: HubApp, env: Record<string, string>, nodeArgs: string[] = []): AppProcess {
    const main = resolve(REPO_ROOT, `dist/apps/${app}/apps/${app}/src/main.js`);
    return new AppProcess(
      spawn(process.execPath, [...DEPLOYED_NODE_ARGS[app], ...nodeArgs, main], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
  }

  async waitForOutput(pattern: RegExp, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.child.exitCode !== null)
        throw new Error(`exited ${this.child.exitCode}:\n${this.output}`);
      if (Date.now() > deadline)
        throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  exit(): Promise<number | null> {
    return this.exited;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }
}
