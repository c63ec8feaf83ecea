import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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

  /** A consumer silent this long is dropped from the group and its partitions move on. */
  @Type(() => Number)
  @IsInt()
  @Min(6000)
  KAFKA_SESSION_TIMEOUT_MS = 30_000;

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
   * smaller ones keep change events' latency low once caught up. On the bench's backlog, with
   * the deployed heap cap, 1,000 ran at 1,406 messages/s, 3,000 at 1,675 and 6,000 at
   * 1,850–1,960, with the ingest's RSS peaking at 546 and 655–708 MB for the last two.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  HUB_INGEST_CATCH_UP_TRANSACTION_RECORDS = 6000;

  /**
   * Ingest transactions one ingest process runs at once (more processes scale further). Two:
   * while one holds the person locks, the other prepares. On two cores, 3 catch up on a
   * backlog 8% faster, but at a steady 1,000 records/s a record then waits behind two
   * transactions: change events' p99 was 1.1–1.8 s with 3 and 0.7–0.9 s with 2 (npm run bench).
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
   * Publish the change-event outbox to Kafka from this ingest process. Several processes may
   * have it on: a PostgreSQL advisory lock (the lease) lets exactly one publish at a time.
   * Off where the relay runs as its own process (apps/relay), so that its work does not share
   * the ingest's event loop.
   */
  @Transform(toBoolean)
  @IsBoolean()
  HUB_CHANGE_RELAY = true;

  /** Deliver change events to webhook subscriptions from this API process (row locks share them out). */
  @Transform(toBoolean)
  @IsBoolean()
  HUB_WEBHOOKS = true;

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
}
