import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Environment } from './environment';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export interface DatabaseConfig {
  /** Set: connect to this server. Unset: start the embedded PostgreSQL under dataDir. */
  url?: string;
  poolSize: number;
  /** HUB_DB_ACQUIRE_TIMEOUT_MS: longest wait for a pooled connection; 0: for ever. */
  acquireTimeoutMs: number;
  /** HUB_DB_STATEMENT_TIMEOUT_MS: statement_timeout of the processes that use it; 0: none. */
  statementTimeoutMs: number;
  embeddedPort: number;
  migrateOnStart: boolean;
}

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  groupId: string;
  /** Partitions of topics a process creates; 0: never create topics. */
  topicPartitions: number;
  topicReplication: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Set with KAFKA_SASL_MECHANISM. The password comes from a secret: never log it. */
  sasl?: {
    mechanism: NonNullable<Environment['KAFKA_SASL_MECHANISM']>;
    username: string;
    password: string;
  };
  /** Set with KAFKA_TLS: the PEM files' contents, read when the configuration is loaded. */
  ssl?: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean };
}

export interface AccessConfig {
  bootstrapAdminToken?: string;
  /** HUB_SECRETS_KEY as bytes; undefined: the process makes or reads one in dataDir. */
  secretsKey?: Buffer;
  tokenTtlSeconds: number;
  oidc?: {
    issuer: string;
    jwksUrl: string;
    audience: string;
    roleClaim: string;
    divisionClaim: string;
  };
  rateLimitPerMinute: number;
  webhookAllowlist: string[];
  webhooksPerClient: number;
}

/** The one validated configuration object of a hub process. */
export interface HubConfig {
  env: Environment['NODE_ENV'];
  port: number;
  ingestHttpPort: number;
  relayHttpPort: number;
  dataDir: string;
  logLevel: Environment['LOG_LEVEL'];
  /** LOG_FORMAT; undefined: pretty on a terminal, JSON otherwise (libs/logging decides). */
  logFormat?: Environment['LOG_FORMAT'];
  database: DatabaseConfig;
  /** Undefined when KAFKA_BROKERS is unset: the API then runs without Kafka. */
  kafka?: KafkaConfig;
  demo: boolean;
  ingest: {
    maxMessageBytes: number;
    pushMaxBytes: number;
    feedDirs: string[];
    topicPrefix: string;
    /** Kafka batches are gathered into transactions of up to this many records. */
    transactionRecords: number;
    /** The same, while this process is far behind on its partitions. */
    catchUpTransactionRecords: number;
    /** Ingest transactions run at once in one process. */
    concurrentTransactions: number;
    /** Transactions committed under a lock-table cap before batches go whole again. */
    lockTableRecheckTransactions: number;
    /** HUB_INGEST_STALL_SECONDS: no batch committed this long while behind fails /health. */
    stallSeconds: number;
  };
  /** Person matching thresholds: link at or above `upper`, review between the two. */
  matching: { upper: number; lower: number };
  http: {
    /** HUB_CORS_ORIGINS: origins (`https://host[:port]`) allowed cross-origin; empty: CORS off. */
    corsOrigins: string[];
    /** HUB_WEB_DIR: the built staff page served at /; unset: dist/web of this installation. */
    webDir: string | null;
  };
  access: AccessConfig;
  changes: {
    /** Whether this ingest process runs the outbox relay (behind its lease). */
    relay: boolean;
    /** `hub.changes.v1`, behind the topic prefix. */
    topic: string;
    /** Days a published change event stays in the outbox (HUB_CHANGE_RETENTION_DAYS); 0: for ever. */
    retentionDays: number;
    /** Whether this API process delivers change events to webhook subscriptions. */
    webhooks: boolean;
    /** Failed deliveries in a row after which a webhook subscription is dead. */
    webhookMaxFailures: number;
    /** Wait after a webhook's first failure, doubled after each further one (up to 5 min). */
    webhookBackoffMs: number;
    /** Open SSE streams and long-polls per caller per API process (HUB_CHANGE_FEED_STREAMS_PER_CLIENT). */
    streamsPerClient: number;
    /** How long an SSE client may leave its send buffer full before it is dropped. */
    streamStallMs: number;
  };
}

/** The topic the hub publishes its change events to (CloudEvents, keyed by entity id). */
export const CHANGES_TOPIC = 'hub.changes.v1';

/** Blank values count as unset, so `FOO=` in a compose file falls back to the default. */
function withoutBlanks(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (e): e is [string, string] => e[1] !== undefined && e[1].trim() !== '',
    ),
  );
}

/** The SASL and TLS settings of the Kafka connection; every problem at once, named by variable. */
function kafkaSecurity(parsed: Environment): Pick<KafkaConfig, 'sasl' | 'ssl'> {
  const problems: string[] = [];
  const mechanism = parsed.KAFKA_SASL_MECHANISM;
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = parsed;
  if (mechanism) {
    if (!username) problems.push('KAFKA_SASL_USERNAME: must be set when KAFKA_SASL_MECHANISM is');
    if (!password) problems.push('KAFKA_SASL_PASSWORD: must be set when KAFKA_SASL_MECHANISM is');
  } else if (username || password) {
    problems.push(
      'KAFKA_SASL_MECHANISM: must be set when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is',
    );
  }
  const files = ['KAFKA_TLS_CA_FILE', 'KAFKA_TLS_CERT_FILE', 'KAFKA_TLS_KEY_FILE'] as const;
  if (!parsed.KAFKA_TLS) {
    for (const name of files) {
      if (parsed[name]) problems.push(`${name}: needs KAFKA_TLS=true`);
    }
  } else if (!parsed.KAFKA_TLS_CERT_FILE !== !parsed.KAFKA_TLS_KEY_FILE) {
    problems.push(
      parsed.KAFKA_TLS_CERT_FILE
        ? 'KAFKA_TLS_KEY_FILE: must be set when KAFKA_TLS_CERT_FILE is (a client certificate needs its key)'
        : 'KAFKA_TLS_CERT_FILE: must be set when KAFKA_TLS_KEY_FILE is (a client key needs its certificate)',
    );
  }
  const read = (name: (typeof files)[number]): string | undefined => {
    const path = parsed[name];
    if (!path || !parsed.KAFKA_TLS) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      problems.push(`${name}: cannot read ${JSON.stringify(path)} (${reason})`);
      return undefined;
    }
  };
  const [ca, cert, key] = files.map(read);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...(mechanism && { sasl: { mechanism, username: username!, password: password! } }),
    ...(parsed.KAFKA_TLS && {
      ssl: {
        ...(ca !== undefined && { ca }),
        ...(cert !== undefined && { cert }),
        ...(key !== undefined && { key }),
        rejectUnauthorized: parsed.KAFKA_TLS_REJECT_UNAUTHORIZED,
      },
    }),
  };
}

/** An origin as browsers send it: scheme, host (name, IPv4 or [IPv6]) and maybe a port. */
const ORIGIN = /^https?:\/\/(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** HUB_CORS_ORIGINS as the origins browsers send (lower case, without a default port). */
function corsOrigins(value: string | undefined): string[] {
  const origins = (value ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const bad = origins.filter((o) => !ORIGIN.test(o) || !URL.canParse(o));
  if (bad.length > 0)
    throw new ConfigError([
      `HUB_CORS_ORIGINS: each origin must be http(s)://host[:port], without path or trailing slash (got ${JSON.stringify(bad.join(','))})`,
    ]);
  return origins.map((o) => new URL(o).origin);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const parsed = plainToInstance(Environment, withoutBlanks(env), {
    enableImplicitConversion: false,
    exposeDefaultValues: true,
  });
  const errors = validateSync(parsed, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.flatMap((e) =>
        Object.values(e.constraints ?? {}).map(
          (m) => `${e.property}: ${m} (got ${JSON.stringify(e.value)})`,
        ),
      ),
    );
  }
  // kafkajs refuses such a consumer when it starts; say so when the configuration is read.
  if (parsed.KAFKA_HEARTBEAT_INTERVAL_MS >= parsed.KAFKA_SESSION_TIMEOUT_MS)
    throw new ConfigError([
      `KAFKA_HEARTBEAT_INTERVAL_MS: must be below KAFKA_SESSION_TIMEOUT_MS (got ${parsed.KAFKA_HEARTBEAT_INTERVAL_MS} >= ${parsed.KAFKA_SESSION_TIMEOUT_MS})`,
    ]);
  if (parsed.HUB_MATCH_LOWER > parsed.HUB_MATCH_UPPER)
    throw new ConfigError([
      `HUB_MATCH_LOWER: must not exceed HUB_MATCH_UPPER (got ${parsed.HUB_MATCH_LOWER} > ${parsed.HUB_MATCH_UPPER})`,
    ]);
  const kafka: KafkaConfig | undefined = parsed.KAFKA_BROKERS
    ? {
        brokers: parsed.KAFKA_BROKERS.split(','),
        clientId: parsed.KAFKA_CLIENT_ID,
        groupId: parsed.KAFKA_GROUP_ID,
        topicPartitions: parsed.KAFKA_TOPIC_PARTITIONS,
        topicReplication: parsed.KAFKA_TOPIC_REPLICATION,
        sessionTimeoutMs: parsed.KAFKA_SESSION_TIMEOUT_MS,
        heartbeatIntervalMs: parsed.KAFKA_HEARTBEAT_INTERVAL_MS,
        ...kafkaSecurity(parsed),
      }
    : undefined;
  return {
    env: parsed.NODE_ENV,
    port: parsed.PORT,
    ingestHttpPort: parsed.INGEST_HTTP_PORT,
    relayHttpPort: parsed.RELAY_HTTP_PORT,
    dataDir: parsed.HUB_DATA_DIR,
    logLevel: parsed.LOG_LEVEL,
    logFormat: parsed.LOG_FORMAT,
    database: {
      url: parsed.DATABASE_URL,
      poolSize: parsed.DATABASE_POOL_SIZE,
      acquireTimeoutMs: parsed.HUB_DB_ACQUIRE_TIMEOUT_MS,
      statementTimeoutMs: parsed.HUB_DB_STATEMENT_TIMEOUT_MS,
      embeddedPort: parsed.HUB_EMBEDDED_PG_PORT,
      migrateOnStart: parsed.HUB_MIGRATE_ON_START,
    },
    kafka,
    // Demo data loads on the embedded default only, unless asked for explicitly.
    demo: parsed.HUB_DEMO ?? !parsed.DATABASE_URL,
    ingest: {
      maxMessageBytes: parsed.HUB_MAX_MESSAGE_BYTES,
      pushMaxBytes: parsed.HUB_PUSH_MAX_BYTES,
      topicPrefix: parsed.KAFKA_TOPIC_PREFIX,
      transactionRecords: parsed.HUB_INGEST_TRANSACTION_RECORDS,
      catchUpTransactionRecords: parsed.HUB_INGEST_CATCH_UP_TRANSACTION_RECORDS,
      concurrentTransactions: parsed.HUB_INGEST_CONCURRENT_TRANSACTIONS,
      lockTableRecheckTransactions: parsed.HUB_LOCK_TABLE_RECHECK_TRANSACTIONS,
      stallSeconds: parsed.HUB_INGEST_STALL_SECONDS,
      feedDirs: (parsed.HUB_FEED_DIRS ?? '')
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean),
    },
    matching: { upper: parsed.HUB_MATCH_UPPER, lower: parsed.HUB_MATCH_LOWER },
    http: { corsOrigins: corsOrigins(parsed.HUB_CORS_ORIGINS), webDir: parsed.HUB_WEB_DIR ?? null },
    access: {
      bootstrapAdminToken: parsed.HUB_BOOTSTRAP_ADMIN_TOKEN,
      secretsKey: parsed.HUB_SECRETS_KEY
        ? Buffer.from(
            parsed.HUB_SECRETS_KEY,
            parsed.HUB_SECRETS_KEY.length === 64 ? 'hex' : 'base64',
          )
        : undefined,
      tokenTtlSeconds: parsed.HUB_TOKEN_TTL_SECONDS,
      oidc:
        parsed.HUB_OIDC_ISSUER && parsed.HUB_OIDC_JWKS_URL
          ? {
              issuer: parsed.HUB_OIDC_ISSUER,
              jwksUrl: parsed.HUB_OIDC_JWKS_URL,
              audience: parsed.HUB_OIDC_AUDIENCE,
              roleClaim: parsed.HUB_OIDC_ROLE_CLAIM,
              divisionClaim: parsed.HUB_OIDC_DIVISION_CLAIM,
            }
          : undefined,
      rateLimitPerMinute: parsed.HUB_RATE_LIMIT_PER_MINUTE,
      webhookAllowlist: (parsed.HUB_WEBHOOK_ALLOWLIST ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
      webhooksPerClient: parsed.HUB_WEBHOOKS_PER_CLIENT,
    },
    changes: {
      relay: parsed.HUB_CHANGE_RELAY,
      retentionDays: parsed.HUB_CHANGE_RETENTION_DAYS,
      webhooks: parsed.HUB_WEBHOOKS,
      webhookMaxFailures: parsed.HUB_WEBHOOK_MAX_FAILURES,
      webhookBackoffMs: parsed.HUB_WEBHOOK_BACKOFF_MS,
      streamsPerClient: parsed.HUB_CHANGE_FEED_STREAMS_PER_CLIENT,
      streamStallMs: parsed.HUB_CHANGE_STREAM_STALL_MS,
      topic: `${parsed.KAFKA_TOPIC_PREFIX}${CHANGES_TOPIC}`,
    },
  };
}

/** Kafka is optional for the API but required by the ingest process. */
export function requireKafka(config: HubConfig): KafkaConfig {
  if (!config.kafka) {
    throw new ConfigError(['KAFKA_BROKERS: must be set for this process (e.g. 127.0.0.1:9092)']);
  }
  return config.kafka;
}

/**
 * For process entry points: a configuration problem is reported as one JSON log line naming
 * the variables, and the process exits with status 78 (EX_CONFIG) before anything starts.
 */
export function loadConfigOrExit(check: (config: HubConfig) => void = () => undefined): HubConfig {
  try {
    const config = loadConfig();
    check(config);
    return config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      JSON.stringify({
        level: 'fatal',
        time: Date.now(),
        msg: error.message,
        problems: error.problems,
      }) + '\n',
    );
    process.exit(78);
  }
}
