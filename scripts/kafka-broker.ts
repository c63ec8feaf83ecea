/**
 * A real single-node Apache Kafka broker (KRaft, combined broker + controller) for local runs,
 * tests and CI, built from the jars Apache publishes on Maven Central. No Docker needed: Java
 * 17 and Maven resolve `org.apache.kafka:kafka_2.13` (see scripts/kafka/pom.xml) into a cache
 * outside git, keyed by version.
 *
 *   node -r ts-node/register/transpile-only scripts/kafka-broker.ts start   # prints KAFKA_BROKERS=…
 *   node -r ts-node/register/transpile-only scripts/kafka-broker.ts stop
 *
 * Jest's globalSetup imports startBroker/stopBroker directly. `startBroker({ sasl })` adds a
 * SASL_PLAINTEXT listener (SCRAM-SHA-512, one user created when the storage is formatted)
 * beside the plain one: what test/integration/kafka-sasl.int-spec.ts connects to.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** kafkajs 2.2.4 works with 3.9.x (every old request version still accepted); see README. */
export const KAFKA_VERSION = process.env.HUB_KAFKA_VERSION ?? '3.9.1';

const POM = resolve(__dirname, 'kafka', 'pom.xml');
const cacheRoot = () =>
  process.env.HUB_KAFKA_CACHE ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'hub-kafka');
const defaultStateFile = () => join(tmpdir(), 'hub-kafka-broker.json');

export interface RunningBroker {
  pid: number;
  brokers: string;
  port: number;
  dir: string;
  version: string;
  /** `127.0.0.1:<port>` of the SASL_PLAINTEXT (SCRAM-SHA-512) listener, when started with one. */
  saslBrokers?: string;
  saslPort?: number;
}

/** The one SCRAM-SHA-512 user a broker started with `sasl` knows. */
export interface SaslUser {
  username: string;
  password: string;
}

type Log = (message: string) => void;

/** Resolves the broker's runtime jars once per version; later calls return the cached folder. */
export function ensureKafkaJars(version = KAFKA_VERSION, log: Log = () => undefined): string {
  const libs = join(cacheRoot(), version, 'libs');
  if (existsSync(join(libs, `kafka_2.13-${version}.jar`))) return libs;
  log(`resolving Apache Kafka ${version} jars from Maven Central into ${libs}`);
  const staging = `${libs}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  execFileSync(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      POM,
      `-Dkafka.version=${version}`,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${staging}`,
    ],
    // Maven's output goes to stderr: `start` prints nothing on stdout but the KAFKA_BROKERS line,
    // which scripts capture (.ci/run exports it). Even with -q, Maven writes ANSI resets, and
    // on a machine without the cached jars they made that line an invalid `export`.
    { stdio: ['ignore', process.stderr, 'inherit'] },
  );
  // A rename makes the cache appear whole or not at all, even if resolution is interrupted.
  rmSync(libs, { recursive: true, force: true });
  renameSync(staging, libs);
  return libs;
}

/** Runs a command; on failure the error carries its output, not just its exit status. */
function runOrExplain(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`,
    );
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolvePort(address.port)
          : reject(new Error('no port assigned')),
      );
    });
  });
}

function serverProperties(
  dir: string,
  port: number,
  controllerPort: number,
  saslPort?: number,
): string {
  // The SASL listener, when asked for, comes beside the plain one; the brokers and the
  // controller keep talking PLAINTEXT among themselves.
  const sasl = saslPort ? `,SASL_PLAINTEXT://127.0.0.1:${saslPort}` : '';
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port}${sasl},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}${sasl}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT${saslPort ? ',SASL_PLAINTEXT:SASL_PLAINTEXT' : ''}`,
    ...(saslPort
      ? [
          'sasl.enabled.mechanisms=SCRAM-SHA-512',
          // No credentials here: the broker checks clients against the SCRAM users stored in
          // the cluster metadata (created by `format --add-scram`).
          'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
        ]
      : []),
    `log.dirs=${join(dir, 'logs')}`,
    // One node: the defaults assume three brokers.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    // Else every new consumer group waits 3 s before its first assignment.
    'group.initial.rebalance.delay.ms=0',
    'num.partitions=3',
    'auto.create.topics.enable=true',
    '',
  ].join('\n');
}

const LOG4J = [
  'log4j.rootLogger=WARN, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  // "Kafka Server started" is logged here at INFO; it is what readiness waits for.
  'log4j.logger.kafka.server.KafkaRaftServer=INFO',
  '',
].join('\n');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The `format --add-scram` argument; its `[name=…,password=…]` syntax has no escapes. */
function scramCredential(user: SaslUser): string {
  for (const [field, value] of [
    ['username', user.username],
    ['password', user.password],
  ]) {
    if (!/^[^\s,=[\]"\\]+$/.test(value)) {
      throw new Error(`SASL ${field}: must be non-empty, without spaces or any of , = [ ] " \\`);
    }
  }
  return `SCRAM-SHA-512=[name=${user.username},password=${user.password}]`;
}

/**
 * Formats fresh storage, starts the broker on free loopback ports and resolves once the broker
 * is unfenced and serving ("Kafka Server started"), not merely when its port opens. With
 * `sasl`, the broker also listens for SASL_PLAINTEXT clients (SCRAM-SHA-512) on another free
 * port, and that one user exists from the start.
 */
export async function startBroker(
  options: {
    dir?: string;
    stateFile?: string;
    timeoutMs?: number;
    log?: Log;
    sasl?: SaslUser;
  } = {},
): Promise<RunningBroker> {
  const log = options.log ?? (() => undefined);
  const libs = ensureKafkaJars(KAFKA_VERSION, log);
  const dir = options.dir ?? join(tmpdir(), `hub-kafka-${process.pid}-${Date.now()}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const [port, controllerPort] = [await freePort(), await freePort()];
  const saslPort = options.sasl ? await freePort() : undefined;
  const properties = join(dir, 'server.properties');
  writeFileSync(properties, serverProperties(dir, port, controllerPort, saslPort));
  writeFileSync(join(dir, 'log4j.properties'), LOG4J);
  const classpath = `${libs}/*`;
  // Cluster id: 16 random bytes as URL-safe base64 without padding (22 characters), as
  // `kafka-storage random-uuid` prints.
  const clusterId = randomBytes(16).toString('base64url');
  // `--cluster-id=` form: a random id may start with '-', which a separate argument would
  // turn into an unknown option.
  runOrExplain('java', [
    '-cp',
    classpath,
    'kafka.tools.StorageTool',
    'format',
    `--cluster-id=${clusterId}`,
    `--config=${properties}`,
    ...(options.sasl ? [`--add-scram=${scramCredential(options.sasl)}`] : []),
  ]);
  const broker: RunningBroker = {
    pid: 0,
    brokers: `127.0.0.1:${port}`,
    port,
    dir,
    version: KAFKA_VERSION,
    ...(saslPort ? { saslBrokers: `127.0.0.1:${saslPort}`, saslPort } : {}),
  };
  await launch(broker, libs, options.timeoutMs ?? 90_000);
  writeFileSync(options.stateFile ?? defaultStateFile(), JSON.stringify(broker));
  log(`Kafka ${KAFKA_VERSION} broker ready at ${broker.brokers} (pid ${broker.pid})`);
  return broker;
}

/**
 * Runs the broker of `broker.dir` (formatted, with its server.properties) and waits until it
 * serves; sets `broker.pid`.
 */
async function launch(broker: RunningBroker, libs: string, timeoutMs: number): Promise<void> {
  const logFile = join(broker.dir, 'broker.log');
  const out = openSync(logFile, 'a');
  const logStart = statSync(logFile).size;
  const child = spawn(
    'java',
    [
      '-Xms256m',
      '-Xmx512m',
      '-XX:+UseG1GC',
      `-Dlog4j.configuration=file:${join(broker.dir, 'log4j.properties')}`,
      '-cp',
      `${libs}/*`,
      'kafka.Kafka',
      join(broker.dir, 'server.properties'),
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  broker.pid = child.pid!;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const output = readFileSync(logFile, 'utf8').slice(logStart);
    if (output.includes('Kafka Server started')) return;
    if (!isAlive(broker.pid) || Date.now() > deadline) {
      await stopBroker(broker);
      throw new Error(`Kafka broker did not start (log ${logFile}):\n${output.slice(-4000)}`);
    }
    await sleep(200);
  }
}

/**
 * Starts a broker stopped with `stopBroker(broker, { keepData: true })` again, on the same
 * ports with the same data: an outage and its end, for tests.
 */
export async function restartBroker(broker: RunningBroker, timeoutMs = 90_000): Promise<void> {
  if (isAlive(broker.pid)) throw new Error(`broker ${broker.pid} is still running`);
  await launch(broker, ensureKafkaJars(broker.version), timeoutMs);
}

/** Stops the broker cleanly (SIGTERM, then SIGKILL after 30 s) and removes its data. */
export async function stopBroker(
  broker: RunningBroker,
  options: { keepData?: boolean } = {},
): Promise<void> {
  if (isAlive(broker.pid)) {
    process.kill(broker.pid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (isAlive(broker.pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(broker.pid)) process.kill(broker.pid, 'SIGKILL');
  }
  if (!options.keepData) rmSync(broker.dir, { recursive: true, force: true });
}

export function readState(stateFile = defaultStateFile()): RunningBroker | undefined {
  return existsSync(stateFile)
    ? (JSON.parse(readFileSync(stateFile, 'utf8')) as RunningBroker)
    : undefined;
}

async function cli(command: string): Promise<void> {
  const log: Log = (m) => process.stderr.write(`${m}\n`);
  const stateFile = process.env.HUB_KAFKA_STATE ?? defaultStateFile();
  switch (command) {
    case 'jars':
      ensureKafkaJars(KAFKA_VERSION, log);
      return;
    case 'start': {
      const running = readState(stateFile);
      if (running && isAlive(running.pid)) {
        process.stdout.write(`KAFKA_BROKERS=${running.brokers}\n`);
        return;
      }
      const broker = await startBroker({ stateFile, log });
      process.stdout.write(`KAFKA_BROKERS=${broker.brokers}\n`);
      return;
    }
    case 'stop': {
      const running = readState(stateFile);
      if (running) await stopBroker(running);
      rmSync(stateFile, { force: true });
      return;
    }
    default:
      throw new Error('usage: kafka-broker.ts jars|start|stop');
  }
}

if (require.main === module) {
  cli(process.argv[2] ?? '').catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
