import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import {
  getMetadataStorage,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** How logs are written: one JSON object a line, or pino-pretty's coloured lines for a person. */
export const LOG_FORMATS = ['json', 'pretty'] as const;

/** The SASL mechanisms the hub's Kafka client (kafkajs) is configured with, as kafkajs names them. */
export const KAFKA_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;

/** "1"/"true"/"yes" → true, "0"/"false"/"no" → false; anything else stays and fails validation. */
function toBoolean({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes'].includes(v)) return true;
  if (['0', 'false', 'no'].includes(v)) return false;
  return value;
}

/**
 * Every environment variable the hub reads, with its default. Validated once at start;
 * a missing or malformed value stops the process with a message naming the variable.
 */
export class Environment {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  /** Health/readiness port of the ingest process (it has no other HTTP surface). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  INGEST_HTTP_PORT = 3001;

  /** Health/readiness port of the change-relay process (it has no other HTTP surface). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  RELAY_HTTP_PORT = 3002;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE = 10;

  /**
   * Longest wait for a free connection of the pool (or for a new one to connect), in ms: then the
   * query fails, and an HTTP request answers 503 instead of queueing behind an exhausted pool. 0:
   * wait for ever.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  HUB_DB_ACQUIRE_TIMEOUT_MS = 5000;

  /**
   * PostgreSQL's `statement_timeout` of the API's and the relay's sessions, in ms: a statement
   * running longer is cancelled (57014) and its request answers 503. The ingest's sessions have
   * none (see libs/runtime HubProcessModule), nor have migrations. 0: none.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  HUB_DB_STATEMENT_TIMEOUT_MS = 30_000;

  /**
   * The ingest's liveness (`/health`) fails when its consumer has committed no batch for this
   * long while it is behind (lag above zero): a consumer stalled on a message that fails every
   * time is restarted by its liveness probe.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  HUB_INGEST_STALL_SECONDS = 300;

  @IsString()
  HUB_DATA_DIR = './data';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  HUB_EMBEDDED_PG_PORT = 54329;

  @IsOptional()
  @Matches(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, {
    message: 'KAFKA_BROKERS must be a comma-separated list of host:port',
  })
  KAFKA_BROKERS?: string;

  @IsString()
  KAFKA_CLIENT_ID = 'grassroots-hub';

  @IsString()
  KAFKA_GROUP_ID = 'hub-ingest';

  /**
   * The ingest's consumer session, in ms: a member silent this long is dropped from the group
   * and its partitions move on. It is also how long a restart after SIGKILL (or a crash, or an
   * OOM kill) waits before it consumes: kafkajs has no static membership, so the dead member
   * stays in the group until its session expires, and the new process's join waits for that
   * rebalance (issue 38: 30 s, 30.4 s measured; 10 s: see test/e2e/ingest-restart.e2e-spec.ts).
   * A batch may take longer than this: the ingest heartbeats while it is stored (libs/kafka
   * BatchKafkaServer). At least 6000, the broker's default `group.min.session.timeout.ms`.
   */
  @Type(() => Number)
  @IsInt()
  @Min(6000)
  KAFKA_SESSION_TIMEOUT_MS = 10_000;

  /**
   * How often the ingest's consumer heartbeats, in ms, between fetches and while a batch is
   * stored; below KAFKA_SESSION_TIMEOUT_MS, about a third of it (kafkajs's advice), so that a
   * heartbeat delayed or lost on the way does not cost the membership.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  KAFKA_HEARTBEAT_INTERVAL_MS = 3000;

  /**
   * SASL mechanism of the connection to the brokers (unset: no SASL). Set, it needs
   * KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD. Any case (`SCRAM-SHA-512` as Kafka writes
   * it). See deploy/kafka-acls.md.
   */
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsIn(KAFKA_SASL_MECHANISMS)
  KAFKA_SASL_MECHANISM?: (typeof KAFKA_SASL_MECHANISMS)[number];

  /** The hub's SASL user (its Kafka principal, `User:<name>`, which the ACLs name). */
  @IsOptional()
  @IsString()
  KAFKA_SASL_USERNAME?: string;

  /** Its password: from a secret, never logged. */
  @IsOptional()
  @IsString()
  KAFKA_SASL_PASSWORD?: string;

  /** Connect to the brokers over TLS (SSL or SASL_SSL listeners). */
  @Transform(toBoolean)
  @IsBoolean()
  KAFKA_TLS = false;

  /** PEM file of the CA(s) the brokers' certificates are checked against; unset: the system's. */
  @IsOptional()
  @IsString()
  KAFKA_TLS_CA_FILE?: string;

  /** PEM client certificate (mutual TLS); set with KAFKA_TLS_KEY_FILE or not at all. */
  @IsOptional()
  @IsString()
  KAFKA_TLS_CERT_FILE?: string;

  /** PEM private key of that client certificate. */
  @IsOptional()
  @IsString()
  KAFKA_TLS_KEY_FILE?: string;

  /** Refuse brokers whose certificate does not verify; false only for a test cluster. */
  @Transform(toBoolean)
  @IsBoolean()
  KAFKA_TLS_REJECT_UNAUTHORIZED = true;

  /** Prefix of every hub topic (feeds, dead letters): environments sharing one cluster. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]*$/, {
    message: 'KAFKA_TOPIC_PREFIX may hold letters, digits, ".", "_" and "-"',
  })
  KAFKA_TOPIC_PREFIX = '';

  /** Ingest creates its missing topics at start with these settings; 0 partitions turns that off. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  KAFKA_TOPIC_PARTITIONS = 6;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  KAFKA_TOPIC_REPLICATION = 1;

  /** A department message larger than this is rejected (reason too_large). */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  HUB_MAX_MESSAGE_BYTES = 1_048_576;

  /** Largest HTTP push body (a JSON array or NDJSON of records). */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  HUB_PUSH_MAX_BYTES = 16 * 1_048_576;

  /**
   * Web origins whose pages may call the API from a browser, comma-separated and exact
   * (`https://staff.example,http://10.0.0.5:8080`). Unset: CORS is off, and browsers refuse
   * every cross-origin call.
   */
  @IsOptional()
  @IsString()
  HUB_CORS_ORIGINS?: string;

  /** The built staff page the API serves at / (`npm run build:web` writes dist/web). */
  @IsOptional()
  @IsString()
  HUB_WEB_DIR?: string;

  /**
   * Largest number of department records the ingest writes in one transaction: the Kafka
   * batches of several partitions are gathered into one transaction up to this size.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  HUB_INGEST_TRANSACTION_RECORDS = 1000;

  /**
   * The same, while the partitions an ingest process reads are more than ten transactions
   * behind (see apps/ingest/src/consumer-backlog.ts): larger transactions catch up faster,
   * smaller ones keep change events' latency low once caught up. Larger ones also raise the
   * ingest's peak memory, which must stay under the deployed heap cap (the figures behind the
   * default: docs/measurements-history.md).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  HUB_INGEST_CATCH_UP_TRANSACTION_RECORDS = 6000;

  /**
   * Ingest transactions one ingest process runs at once (more processes scale further). Two:
   * while one holds the person locks, the other prepares. A third catches up on a backlog a
   * little faster on two cores, but at a steady load a record then waits behind two
   * transactions: a small gain on backlogs for much slower change events once caught up
   * (docs/measurements-history.md).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  HUB_INGEST_CONCURRENT_TRANSACTIONS = 2;

  /**
   * After PostgreSQL's lock table overflowed (53200), ingest transactions are cut to the size
   * that fitted for this many committed transactions, then go whole again: a raised
   * `max_locks_per_transaction`, or another session's locks released, is picked up without a
   * restart. Each recheck on a server still too small costs one refused transaction.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  HUB_LOCK_TABLE_RECHECK_TRANSACTIONS = 100;

  /**
   * Extra feed folders, comma-separated, each with `schemas/feeds/*.schema.json` and
   * `mappings/*.json`: how a new department is added without a new build.
   */
  @IsOptional()
  @IsString()
  HUB_FEED_DIRS?: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /**
   * Unset: pretty on a terminal (stdout a TTY), JSON otherwise. Pretty needs pino-pretty, a
   * devDependency that production images prune: where it is missing, logs stay JSON.
   */
  @IsOptional()
  @IsIn(LOG_FORMATS)
  LOG_FORMAT?: (typeof LOG_FORMATS)[number];

  /**
   * Publish the change-event outbox to Kafka from this ingest process. Several processes may
   * have it on: a PostgreSQL advisory lock (the lease) lets exactly one publish at a time.
   * Off where the relay runs as its own process (apps/relay), so that its work does not share
   * the ingest's event loop.
   */
  @Transform(toBoolean)
  @IsBoolean()
  HUB_CHANGE_RELAY = true;

  /**
   * Days a change event stays in the outbox after its time, once the relay has published it; the
   * relay then deletes it, and the change feed answers 410 to a cursor before the deletion. 0
   * keeps every event for ever.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  HUB_CHANGE_RETENTION_DAYS = 30;

  /** Deliver change events to webhook subscriptions from this API process (row locks share them out). */
  @Transform(toBoolean)
  @IsBoolean()
  HUB_WEBHOOKS = true;

  /**
   * Open change-feed streams (SSE) and long-polls one caller (a staff user or an API client) may
   * hold on one API process at once; more are refused with 429. Each holds a socket and a loop,
   * so one caller cannot exhaust a process.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  HUB_CHANGE_FEED_STREAMS_PER_CLIENT = 4;

  /**
   * An SSE client that leaves a full send buffer unread this long is dropped (it reconnects
   * from its Last-Event-ID): the stream waits for a slow reader instead of buffering the log.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  HUB_CHANGE_STREAM_STALL_MS = 30000;

  /** A webhook subscription is dead after this many failed deliveries in a row. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  HUB_WEBHOOK_MAX_FAILURES = 8;

  /** Wait after a webhook's first failure; doubled after each further one, up to 5 minutes. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  HUB_WEBHOOK_BACKOFF_MS = 1000;

  /** Person matching: a candidate scoring at least this is linked (0..1). */
  @Type(() => Number)
  @Min(0)
  @Max(1)
  HUB_MATCH_UPPER = 0.75;

  /** Person matching: between this and the upper threshold, a review task (0..1). */
  @Type(() => Number)
  @Min(0)
  @Max(1)
  HUB_MATCH_LOWER = 0.5;

  /** Run TypeORM migrations when the app starts (the CLI `npm run migration:run` does the same). */
  @Transform(toBoolean)
  @IsBoolean()
  HUB_MIGRATE_ON_START = true;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  HUB_DEMO?: boolean;
  /**
   * When set, `Authorization: Bearer <this value>` acts as a district-admin over every division:
   * for provisioning scripts and the first clients and users. Leave unset in production once
   * real admins exist.
   */
  @IsOptional()
  @IsString()
  @Length(24, 512, { message: 'HUB_BOOTSTRAP_ADMIN_TOKEN must be 24 to 512 characters' })
  HUB_BOOTSTRAP_ADMIN_TOKEN?: string;

  /**
   * 32 random bytes (base64 or hex) from which the hub derives the key that signs staff tokens
   * and the key that encrypts webhook secrets at rest. Every API replica needs the same value.
   * Required in production; elsewhere, when unset, one is made once in HUB_DATA_DIR/secrets.key.
   */
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=?)$/, {
    message: 'HUB_SECRETS_KEY must be 32 bytes as 64 hex digits or base64',
  })
  HUB_SECRETS_KEY?: string;

  /** Lifetime of a staff access token from POST /v1/auth/token (seconds). */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(86_400)
  HUB_TOKEN_TTL_SECONDS = 900;

  /**
   * An external identity provider (OIDC) whose tokens the hub accepts beside its own: its issuer
   * (`iss`), its JWKS URL and the audience the hub expects. Role and jurisdiction come from the
   * claims named by HUB_OIDC_ROLE_CLAIM and HUB_OIDC_DIVISION_CLAIM.
   */
  @IsOptional()
  @IsString()
  HUB_OIDC_ISSUER?: string;

  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'HUB_OIDC_JWKS_URL must be an http(s) URL' })
  HUB_OIDC_JWKS_URL?: string;

  @IsString()
  HUB_OIDC_AUDIENCE = 'grassroots-hub';

  @IsString()
  HUB_OIDC_ROLE_CLAIM = 'hub_role';

  @IsString()
  HUB_OIDC_DIVISION_CLAIM = 'hub_division';

  /** Requests one client (or one address, before it authenticates) may make per minute. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  HUB_RATE_LIMIT_PER_MINUTE = 1200;

  /**
   * Webhook targets allowed over plain http and on loopback or private addresses, comma-separated
   * host names or IP addresses (e.g. 127.0.0.1 for tests). Everything else must be https to a
   * public address.
   */
  @IsOptional()
  @IsString()
  HUB_WEBHOOK_ALLOWLIST?: string;

  /** Webhook subscriptions one subscriber client may hold. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  HUB_WEBHOOKS_PER_CLIENT = 10;
}

/**
 * The names of every environment variable {@link Environment} declares, as class-validator sees
 * them (the same metadata `loadConfig` validates with): for the README's table and its test.
 */
export function environmentVariableNames(): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(
    Environment,
    Environment.name,
    true,
    false,
  );
  return [...new Set(metadata.map((m) => m.propertyName))].sort();
}
