/**
 * Hostile department messages (issue 38), each made from a valid one: schema-driven mutations
 * (a declared field of the wrong JSON type, a required field left out, a value nested deeper, a
 * constrained string replaced by arbitrary text, a field outside the contract, a message that is
 * no object) whose choices fast-check draws from the feed's JSON Schema, and byte-level ones
 * (truncation, U+0000, lone surrogates, a BOM, GBK bytes) — plus a few giants: nesting 20,000
 * deep, arrays of 100,000 items, 2 MB values, keys of 10 kB. The same seed gives the same
 * messages. A mutation may leave a message valid: what the hub must do with each is decided by
 * whoever sends it (the pipeline's own checks), not here.
 *
 * Plain TypeScript, no jest: importable by tests and benchmarks.
 */
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FEED_TOPICS, FEEDS, FeedMessageFactory, FeedName } from './feed-messages';
import type { JiangjinDivisions } from './jiangjin';
import { mulberry32 } from './mixed-stream';

export type HostileKind =
  | 'wrong_type'
  | 'missing_required'
  | 'extra_nesting'
  | 'string_fuzz'
  | 'unknown_field'
  | 'not_an_object'
  | 'truncated'
  | 'nul'
  | 'lone_surrogate'
  | 'bom'
  | 'gbk'
  | 'deep_nesting'
  | 'huge_array'
  | 'large_value'
  | 'long_key';

export type Transport = 'kafka' | 'http';

export interface HostileMessage {
  feed: FeedName;
  topic: string;
  /** The Kafka key: the record id it was given, or 10 kB of text (`long_key`). */
  key: string;
  /** The bytes as sent. */
  value: Buffer;
  kind: HostileKind;
  /** What was done, for reports: `wrong_type /XM ← number`. */
  detail: string;
  transport: Transport;
}

export interface HostileOptions {
  /** Small hostile messages (the giants come on top: see giants()). */
  count: number;
  seed: number;
  /** Valid records per feed the mutations start from (besides the contract examples). */
  basesPerFeed?: number;
  divisions?: JiangjinDivisions;
  /** The contracts' example messages, as further bases. */
  examples?: { feed: FeedName; value: Record<string, unknown> }[];
  /** Bytes of the `large_value` giants over Kafka: the ingest's HUB_MAX_MESSAGE_BYTES is lower. */
  kafkaLargeValueBytes?: number;
}

type Json = Record<string, unknown>;
type Path = (string | number)[];

const ID_FIELD: Record<FeedName, string> = {
  population: 'RKBM',
  assistance: 'recordId',
  grid: '记录编号',
};
/** Record ids of their own (never those of the valid stream): RKBM is 20 letters or digits. */
const hostileId = (feed: FeedName, n: number) =>
  feed === 'population' ? `HX${String(n).padStart(18, '0')}` : `HX-${feed}-${n}`;

/** The kinds most hostile messages are of; the giants come a few times each. */
type SmallKind = Exclude<HostileKind, 'deep_nesting' | 'huge_array' | 'large_value'>;

const SMALL_WEIGHTS: [SmallKind, number][] = [
  ['wrong_type', 18],
  ['missing_required', 12],
  ['extra_nesting', 8],
  ['string_fuzz', 10],
  ['unknown_field', 5],
  ['not_an_object', 3],
  ['truncated', 14],
  ['nul', 7],
  ['lone_surrogate', 7],
  ['bom', 5],
  ['gbk', 5],
  ['long_key', 1],
];

/** Tricky text for constrained strings, besides what fast-check draws. */
const TRICKY_TEXT = [
  '',
  ' ',
  '\u3000',
  '２０２３-０２-３０',
  '2023-02-30',
  '99999999999999999999999',
  '-1',
  '1e400',
  'NaN',
  "'; DROP TABLE reject; --",
  '\u202e\u0644\u0627',
  '👨‍👩‍👧‍👦',
  '\ufffd\ufffd',
  '<script>alert(1)</script>',
];

// ---------------------------------------------------------------------------------------------
// The feed's JSON Schema: which schemas apply at each field of one record.

interface Field {
  path: Path;
  /** The subschemas that apply to the value (after $ref, allOf and if/then). */
  schemas: Json[];
  required: boolean;
}

class SchemaFields {
  constructor(private readonly root: Json) {}

  static ofFeed(feed: FeedName): SchemaFields {
    const file = resolve(__dirname, '../../schemas/feeds', `${feed}.schema.json`);
    return new SchemaFields(JSON.parse(readFileSync(file, 'utf8')) as Json);
  }

  /** Every field of `record` the schema names, depth first, with the schemas that apply. */
  fields(record: unknown): Field[] {
    const out: Field[] = [];
    this.walk(this.applicable(this.root, record), record, [], out);
    return out;
  }

  private walk(schemas: Json[], value: unknown, path: Path, out: Field[]) {
    if (Array.isArray(value)) {
      const items = schemas.flatMap((s) => (isObject(s.items) ? [s.items] : []));
      if (items.length === 0) return;
      value.forEach((element, i) => {
        const applicable = items.flatMap((s) => this.applicable(s, element));
        out.push({ path: [...path, i], schemas: applicable, required: false });
        this.walk(applicable, element, [...path, i], out);
      });
      return;
    }
    if (!isObject(value)) return;
    for (const [key, element] of Object.entries(value)) {
      const own = schemas.flatMap((s) => {
        const property = (s.properties as Json | undefined)?.[key];
        return isObject(property) ? [property] : [];
      });
      if (own.length === 0) continue;
      const applicable = own.flatMap((s) => this.applicable(s, element));
      const required = schemas.some((s) => (s.required as string[] | undefined)?.includes(key));
      out.push({ path: [...path, key], schemas: applicable, required });
      this.walk(applicable, element, [...path, key], out);
    }
  }

  /** `schema` with what its $ref, allOf and (holding) if/then add, flattened. */
  private applicable(schema: Json, value: unknown): Json[] {
    const out = [schema];
    if (typeof schema.$ref === 'string') out.push(...this.applicable(this.ref(schema.$ref), value));
    for (const part of (schema.allOf as Json[] | undefined) ?? [])
      out.push(...this.applicable(part, value));
    if (isObject(schema.if) && isObject(schema.then) && this.holds(schema.if, value))
      out.push(...this.applicable(schema.then, value));
    return out;
  }

  /** The conditions these schemas use: $ref, required, and const properties. */
  private holds(condition: Json, value: unknown): boolean {
    if (typeof condition.$ref === 'string') return this.holds(this.ref(condition.$ref), value);
    if (!isObject(value)) return false;
    const required = (condition.required as string[] | undefined) ?? [];
    if (!required.every((k) => k in value)) return false;
    return Object.entries((condition.properties as Json | undefined) ?? {}).every(
      ([k, s]) => !isObject(s) || !('const' in s) || !(k in value) || value[k] === s.const,
    );
  }

  private ref(ref: string): Json {
    const name = /^#\/\$defs\/(.+)$/.exec(ref)?.[1];
    const target = name ? (this.root.$defs as Json)[name] : undefined;
    if (!isObject(target)) throw new Error(`unresolved $ref ${ref}`);
    return target;
  }
}

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';

/** The JSON types a field's schemas declare (type, const, enum, oneOf/anyOf branches). */
function declaredTypes(schemas: Json[]): Set<JsonType> {
  const types = new Set<JsonType>();
  const add = (s: Json) => {
    const type = s.type as JsonType | JsonType[] | undefined;
    for (const t of type === undefined ? [] : Array.isArray(type) ? type : [type]) types.add(t);
    if ('const' in s) types.add(jsonType(s.const));
    for (const v of (s.enum as unknown[] | undefined) ?? []) types.add(jsonType(v));
    for (const branch of [...((s.oneOf as Json[]) ?? []), ...((s.anyOf as Json[]) ?? [])])
      if (isObject(branch)) add(branch);
  };
  schemas.forEach(add);
  return types;
}

function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

const ofType = (value: unknown, types: Set<JsonType>) => {
  const type = jsonType(value);
  return types.has(type) || (type === 'integer' && types.has('number'));
};

/** A string field with a pattern, format, enum, const or length: arbitrary text seldom fits. */
const constrained = (schemas: Json[]) =>
  schemas.some((s) =>
    ['pattern', 'format', 'enum', 'const', 'maxLength', 'minLength'].some((k) => k in s),
  );

// ---------------------------------------------------------------------------------------------
// Plans: fast-check draws what to do; applying a plan to a fresh copy of its base is plain code.

interface Plan {
  kind: SmallKind;
  base: number;
  /** Picks among the candidates (fields, byte positions…) modulo their number. */
  pick: number;
  /** A fraction in [0, 1) for positions. */
  at: number;
  value: unknown;
  text: string;
  depth: number;
  variant: number;
  toKafka: boolean;
}

const wrongValue = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

const fuzzText = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...TRICKY_TEXT) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 24 }) },
);

function planArbitrary(bases: number): fc.Arbitrary<Plan> {
  return fc.record({
    kind: fc.oneof(
      ...SMALL_WEIGHTS.map(([kind, weight]) => ({ weight, arbitrary: fc.constant(kind) })),
    ),
    // Unbiased: fast-check favours small numbers, which would cut every message at byte 1 and
    // start from the first bases mostly.
    base: fc.noBias(fc.nat({ max: bases - 1 })),
    pick: fc.noBias(fc.nat()),
    at: fc.noBias(fc.nat()).map((n) => n / 2 ** 31),
    value: wrongValue,
    text: fuzzText,
    depth: fc.integer({ min: 1, max: 64 }),
    variant: fc.noBias(fc.nat({ max: 5 })),
    toKafka: fc.boolean(),
  });
}

// ---------------------------------------------------------------------------------------------
// Applying a plan.

interface Base {
  feed: FeedName;
  record: Json;
}

interface Built {
  value: Buffer;
  detail: string;
  key?: string;
}

const isAscii = (s: string) => [...s].every((c) => c.codePointAt(0)! < 0x80);
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const pointer = (path: Path) => `/${path.join('/')}`;

function parentOf(record: Json, path: Path): Json | unknown[] {
  let node: unknown = record;
  for (const k of path.slice(0, -1)) node = (node as Json)[k];
  return node as Json | unknown[];
}

function setAt(record: Json, path: Path, value: unknown) {
  (parentOf(record, path) as Json)[path[path.length - 1]] = value;
}

function getAt(record: Json, path: Path): unknown {
  return (parentOf(record, path) as Json)[path[path.length - 1]];
}

function deleteAt(record: Json, path: Path) {
  const parent = parentOf(record, path);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
}

/** Every string leaf of a record. */
function stringPaths(value: unknown, path: Path = []): Path[] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...path, i]));
  if (isObject(value))
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, k]));
  return [];
}

const nested = (depth: number, inner: string, shape: 'array' | 'object') =>
  shape === 'array'
    ? `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`
    : `${'{"_":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;

/**
 * `record` as JSON text, with the string at `path` replaced by `raw` bytes spliced in between
 * its quotes (bytes JSON.stringify would never write).
 */
function withRawBytes(record: Json, path: Path, raw: Buffer, at: number): Buffer {
  const marker = '\u0001MARK\u0001';
  const original = getAt(record, path) as string;
  const cut = Math.floor(at * (original.length + 1));
  setAt(record, path, `${original.slice(0, cut)}${marker}${original.slice(cut)}`);
  const text = JSON.stringify(record);
  const [before, after] = text.split(JSON.stringify(marker).slice(1, -1));
  return Buffer.concat([Buffer.from(before), raw, Buffer.from(after)]);
}

/** A lone surrogate (high or low) as UTF-16, and its CESU-8 bytes (never valid UTF-8). */
function loneSurrogate(n: number): { unit: string; bytes: Buffer } {
  const code = 0xd800 + (n % 0x800);
  const bytes = Buffer.from([0xed, 0xa0 | ((code >> 6) & 0x1f), 0x80 | (code & 0x3f)]);
  return { unit: String.fromCharCode(code), bytes };
}

/** Applies `plan` to `record` (a fresh copy of its base, with its own id). */
function build(plan: Plan, feed: FeedName, record: Json, fields: SchemaFields): Built | undefined {
  const text = () => Buffer.from(JSON.stringify(record));
  const choose = <T>(items: T[]): T | undefined =>
    items.length === 0 ? undefined : items[plan.pick % items.length];
  const strings = stringPaths(record).filter((p) => p[0] !== ID_FIELD[feed]);
  switch (plan.kind) {
    case 'wrong_type': {
      const candidates = fields.fields(record).filter((f) => {
        const types = declaredTypes(f.schemas);
        return types.size > 0 && !ofType(plan.value, types);
      });
      const field = choose(candidates);
      if (!field) return undefined;
      setAt(record, field.path, plan.value);
      return { value: text(), detail: `${pointer(field.path)} ← ${jsonType(plan.value)}` };
    }
    case 'missing_required': {
      const field = choose(fields.fields(record).filter((f) => f.required));
      if (!field) return undefined;
      deleteAt(record, field.path);
      return { value: text(), detail: `without ${pointer(field.path)}` };
    }
    case 'extra_nesting': {
      const field = choose(fields.fields(record));
      if (!field) return undefined;
      const shape = plan.variant % 2 === 0 ? 'array' : 'object';
      const inner = JSON.stringify(getAt(record, field.path));
      const marker = '\u0001NEST\u0001';
      setAt(record, field.path, marker);
      const value = JSON.stringify(record).replace(JSON.stringify(marker), () =>
        nested(plan.depth, inner, shape),
      );
      return { value: Buffer.from(value), detail: `${pointer(field.path)} ${plan.depth} deeper` };
    }
    case 'string_fuzz': {
      const field = choose(
        fields
          .fields(record)
          .filter((f) => typeof getAt(record, f.path) === 'string' && constrained(f.schemas)),
      );
      if (!field) return undefined;
      setAt(record, field.path, plan.text);
      return { value: text(), detail: `${pointer(field.path)} ← arbitrary text` };
    }
    case 'unknown_field': {
      const name = plan.text === '' || plan.text in record ? `extra${plan.pick}` : plan.text;
      record[name] = plan.value;
      return { value: text(), detail: `extra field ← ${jsonType(plan.value)}` };
    }
    case 'not_an_object': {
      const value = [
        JSON.stringify([record]),
        JSON.stringify(plan.value),
        JSON.stringify(JSON.stringify(record)),
        'null',
        String(plan.pick),
        '"{}"',
      ][plan.variant];
      if (isObject(JSON.parse(value))) return undefined;
      return { value: Buffer.from(value), detail: `top level ${jsonType(JSON.parse(value))}` };
    }
    case 'truncated': {
      const bytes = text();
      const cut = 1 + Math.floor(plan.at * (bytes.length - 1));
      return { value: bytes.subarray(0, cut), detail: `cut at byte ${cut} of ${bytes.length}` };
    }
    case 'nul': {
      const path = choose(strings);
      if (!path) return undefined;
      if (plan.variant % 2 === 0) {
        const s = getAt(record, path) as string;
        const cut = Math.floor(plan.at * (s.length + 1));
        setAt(record, path, `${s.slice(0, cut)}\u0000${s.slice(cut)}`);
        return { value: text(), detail: `\\u0000 escaped in ${pointer(path)}` };
      }
      return {
        value: withRawBytes(record, path, Buffer.from([0]), plan.at),
        detail: `raw 0x00 in ${pointer(path)}`,
      };
    }
    case 'lone_surrogate': {
      const path = choose(strings);
      if (!path) return undefined;
      const { unit, bytes } = loneSurrogate(plan.pick);
      if (plan.variant % 2 === 0) {
        const s = getAt(record, path) as string;
        const cut = Math.floor(plan.at * (s.length + 1));
        setAt(record, path, `${s.slice(0, cut)}${unit}${s.slice(cut)}`);
        return { value: text(), detail: `escaped lone surrogate in ${pointer(path)}` };
      }
      return {
        value: withRawBytes(record, path, bytes, plan.at),
        detail: `CESU-8 lone surrogate bytes in ${pointer(path)}`,
      };
    }
    case 'bom': {
      const bom = Buffer.from([0xef, 0xbb, 0xbf]);
      const bytes = text();
      const value =
        plan.variant % 3 === 0
          ? Buffer.concat([bom, bytes])
          : plan.variant % 3 === 1
            ? Buffer.concat([bom, bom, bytes])
            : Buffer.concat([bytes.subarray(0, 1), bom, bytes.subarray(1)]);
      return { value, detail: ['BOM first', 'two BOMs', 'BOM after {'][plan.variant % 3] };
    }
    case 'gbk': {
      if (plan.variant % 2 === 0)
        return { value: iconv.encode(JSON.stringify(record), 'gbk'), detail: 'all of it GBK' };
      const path = choose(strings.filter((p) => !isAscii(getAt(record, p) as string)));
      if (!path) return undefined;
      const s = getAt(record, path) as string;
      setAt(record, path, '');
      return {
        value: withRawBytes(record, path, iconv.encode(s, 'gbk'), 0),
        detail: `${pointer(path)} in GBK, the rest UTF-8`,
      };
    }
    case 'long_key': {
      const key = `${'键'.repeat(3_400)}${plan.pick}`; // 10 kB of UTF-8
      if (plan.variant % 2 === 0) {
        record[key] = 'x';
        return { value: text(), detail: 'a JSON key of 10 kB' };
      }
      // Over Kafka only: a message key of 10 kB, on a message broken besides.
      return { value: text().subarray(0, 40), detail: 'a Kafka key of 10 kB', key };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The giants: few, each a handful of times, sized against the hub's limits.

interface Giant {
  kind: HostileKind;
  feed: FeedName;
  transport: Transport;
  make: (record: Json) => Built;
}

/** Deeper than PostgreSQL's stack takes as jsonb (54001: unstorable) where the schema lets it. */
const DEEP = 20_000;
const MANY = 100_000;
const TWO_MB = 2 << 20;

function spliced(record: Json, field: string, raw: string): Buffer {
  const marker = '\u0001RAW\u0001';
  record[field] = marker;
  return Buffer.from(JSON.stringify(record).replace(JSON.stringify(marker), () => raw));
}

function giants(kafkaLargeValueBytes: number): Giant[] {
  const deep = (
    feed: FeedName,
    transport: Transport,
    field: string,
    shape: 'array' | 'object',
  ) => ({
    kind: 'deep_nesting' as const,
    feed,
    transport,
    make: (record: Json) => ({
      value: spliced(record, field, nested(DEEP, '0', shape)),
      detail: `${field} nested ${DEEP} deep (${shape}s)`,
    }),
  });
  const wholeDeep = (feed: FeedName, transport: Transport): Giant => ({
    kind: 'deep_nesting',
    feed,
    transport,
    make: () => ({
      value: Buffer.from(nested(DEEP, '{}', 'array')),
      detail: `${DEEP} nested arrays`,
    }),
  });
  const many = (feed: FeedName, transport: Transport, field: string, item: string) => ({
    kind: 'huge_array' as const,
    feed,
    transport,
    make: (record: Json) => ({
      value: spliced(record, field, `[${Array<string>(MANY).fill(item).join(',')}]`),
      detail: `${field}: ${MANY} × ${item}`,
    }),
  });
  const large = (feed: FeedName, transport: Transport, field: string, bytes: number) => ({
    kind: 'large_value' as const,
    feed,
    transport,
    make: (record: Json) => {
      record[field] = '大'.repeat(Math.ceil(bytes / 3));
      return { value: Buffer.from(JSON.stringify(record)), detail: `${field} of ${bytes} bytes` };
    },
  });
  return [
    // Where the schema takes a nested value (the civil-affairs envelope allows any extra field)
    // and where it does not; and a message that is nothing but nesting.
    deep('assistance', 'http', 'nested', 'array'),
    deep('assistance', 'kafka', 'nested', 'object'),
    deep('population', 'http', 'XM', 'array'),
    deep('population', 'kafka', 'extra', 'object'),
    deep('grid', 'http', '涉及人员', 'array'),
    deep('grid', 'kafka', '采集人', 'array'),
    wholeDeep('grid', 'http'),
    wholeDeep('population', 'kafka'),
    // Items that pass their schema, items that each fail it (one schema error apiece), and a
    // field the schema refuses as a whole.
    many('population', 'http', 'XM', '0'),
    many('grid', 'http', '涉及人员', '{"姓名":"张"}'),
    many('grid', 'http', '涉及人员', '{}'),
    many('grid', 'kafka', '涉及人员', '0'),
    many('assistance', 'http', 'items', '0'),
    many('population', 'kafka', 'LXDH', '0'),
    many('assistance', 'kafka', 'items', '0'),
    large('population', 'http', 'XM', TWO_MB),
    large('grid', 'http', '事件描述', TWO_MB),
    large('assistance', 'http', 'note', TWO_MB),
    // A 2 MB message does not fit a topic at the broker's default message.max.bytes (1 MiB):
    // over Kafka, too_large is met below the ingest's HUB_MAX_MESSAGE_BYTES instead.
    large('population', 'kafka', 'HJDZ_QHNXXDZ', kafkaLargeValueBytes),
    large('grid', 'kafka', '备注', kafkaLargeValueBytes),
  ];
}

// ---------------------------------------------------------------------------------------------

/** Bytes a line of an NDJSON push cannot carry as they are: a line end, or nothing but blanks. */
export function fitsNdjsonLine(value: Buffer): boolean {
  const text = value.toString('utf8');
  return !text.includes('\n') && !text.endsWith('\r') && text.trim() !== '';
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * `count` small hostile messages, then the giants, each made from a copy of a valid record given
 * an id of its own, no two with the same bytes in one feed (the hub keeps a reject once per feed
 * and content), each marked for the transport that can carry it.
 */
export function generateHostileMessages(options: HostileOptions): HostileMessage[] {
  const { count, seed, basesPerFeed = 150, kafkaLargeValueBytes = 300_000 } = options;
  const factory = new FeedMessageFactory({ seed: seed ^ 0x4057, divisions: options.divisions });
  const bases: Base[] = [
    ...(options.examples ?? []).map((e) => ({ feed: e.feed, record: e.value })),
    ...FEEDS.flatMap((feed) =>
      Array.from({ length: basesPerFeed }, () => ({
        feed,
        record: factory.record(feed, { versions: 1 }).versions[0] as unknown as Json,
      })),
    ),
  ];
  const schemas = Object.fromEntries(FEEDS.map((f) => [f, SchemaFields.ofFeed(f)])) as Record<
    FeedName,
    SchemaFields
  >;
  const seen = new Set<string>();
  const out: HostileMessage[] = [];
  let serial = 0;
  const add = (
    base: Base,
    kind: HostileKind,
    transport: Transport,
    make: (r: Json) => Built | undefined,
  ) => {
    const record = structuredClone(base.record);
    const id = hostileId(base.feed, ++serial);
    record[ID_FIELD[base.feed]] = id;
    const built = make(record);
    if (!built) return false;
    const identity = `${base.feed}:${sha256(built.value)}`;
    if (seen.has(identity)) return false;
    seen.add(identity);
    // The transport may be forced: a Kafka key exists only there, a line end only there.
    const to: Transport = built.key ? 'kafka' : fitsNdjsonLine(built.value) ? transport : 'kafka';
    out.push({
      feed: base.feed,
      topic: FEED_TOPICS[base.feed],
      key: built.key ?? id,
      value: built.value,
      kind,
      detail: built.detail,
      transport: to,
    });
    return true;
  };

  const plans = fc.sample(planArbitrary(bases.length), { seed, numRuns: Math.ceil(count * 1.3) });
  for (const plan of plans) {
    if (out.length === count) break;
    const base = bases[plan.base];
    add(base, plan.kind, plan.toKafka ? 'kafka' : 'http', (record) =>
      build(plan, base.feed, record, schemas[base.feed]),
    );
  }
  if (out.length < count) throw new Error(`only ${out.length} of ${count} hostile messages made`);
  for (const giant of giants(kafkaLargeValueBytes)) {
    const base = bases.find((b) => b.feed === giant.feed && giantFits(giant, b.record))!;
    add(base, giant.kind, giant.transport, giant.make);
  }
  return out;
}

/** The grid giants that name 涉及人员 or 事件描述 need an incident to start from. */
const giantFits = (giant: Giant, record: Json) =>
  giant.feed !== 'grid' || record['记录类型'] === '事件';

/** Merges two sequences at seeded random positions, each keeping its own order. */
export function interleave<T>(a: readonly T[], b: readonly T[], seed: number): T[] {
  const random = mulberry32(seed);
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const fromA =
      j >= b.length || (i < a.length && random() * (a.length - i + b.length - j) < a.length - i);
    out.push(fromA ? a[i++] : b[j++]);
  }
  return out;
}
