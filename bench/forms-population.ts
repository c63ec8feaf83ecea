/**
 * The generated population of `npm run bench:forms` (see forms.ts): records of the three feeds
 * from FeedMessageFactory with the resident behind each person mention (as bench:er generates
 * them), stored through the ingest pipeline in-process, and what the records of a resident
 * carry about them, read back through the feeds' own mappings.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { FeedCatalog, FeedPipeline, mapRecord, type FeedMapping } from '@hub/feeds';
import type { DivisionIndex } from '@hub/normalize';
import {
  FeedMessageFactory,
  type FeedName,
  type Resident,
  type SourceRecord,
} from '../test/generators/feed-messages';

/** Feeds in the proportions bench:er generates them. */
const FEED_WEIGHTS: [FeedName, number][] = [
  ['population', 0.4],
  ['assistance', 0.25],
  ['grid', 0.35],
];

export interface Generated {
  count: number;
  /** Every resident the factory made, by Resident.id. */
  residents: Resident[];
  /** 1 for a resident some record names. */
  appearing: Uint8Array;
  file: (name: string) => string;
}

/**
 * The records, one version each, into `records.tsv` (feed, key, message) and `truth.tsv` (the
 * resident behind each person mention) of `dir`, out of the heap as bench:er keeps them.
 */
export async function generatePopulation(
  count: number,
  seed: number,
  dir: string,
): Promise<Generated> {
  const factory = new FeedMessageFactory({ seed });
  const records = createWriteStream(join(dir, 'records.tsv'));
  const truth = createWriteStream(join(dir, 'truth.tsv'));
  const appearing = new Set<number>();
  for (let i = 0; i < count; i++) {
    let roll = factory.faker.number.float({ min: 0, max: 1 });
    const feed = FEED_WEIGHTS.find(([, w]) => (roll -= w) < 0)?.[0] ?? 'grid';
    const r: SourceRecord = factory.record(feed, { versions: 1 });
    const more = records.write(`${r.feed}\t${r.key}\t${JSON.stringify(r.versions[0])}\n`);
    const truthDrained = truth.write(
      r.persons.map((p) => `${r.feed}\u001f${r.key}\u001f${p.pointer}\t${p.person}\n`).join(''),
    );
    for (const p of r.persons) appearing.add(p.person);
    if (!more) await once(records, 'drain');
    if (!truthDrained) await once(truth, 'drain');
  }
  await Promise.all([finished(records.end()), finished(truth.end())]);
  const residents: Resident[] = [];
  for (const household of factory.households)
    for (const member of household.members) residents[member.id] = member;
  const flags = new Uint8Array(residents.length);
  for (const id of appearing) flags[id] = 1;
  return { count, residents, appearing: flags, file: (name) => join(dir, name) };
}

/**
 * Stores the records as the ingest takes a backlog: transactions of `batch` records of all
 * feeds in generated order, `lanes` of them at a time (FeedPipeline.processBatch).
 */
export async function storeRecords(
  app: INestApplication,
  file: string,
  batch: number,
  lanes: number,
  progress: (records: number) => void,
): Promise<void> {
  const pipeline = app.get(FeedPipeline);
  const catalog = app.get(FeedCatalog);
  const topicOf = new Map(catalog.topics.map((t) => [catalog.feedOfTopic(t)!.mapping.feed, t]));
  async function* batches() {
    let messages: {
      value: string;
      key: string;
      coordinates: { topic: string; partition: number; offset: string };
    }[] = [];
    let offset = 0;
    for await (const line of createInterface({ input: createReadStream(file) })) {
      const [feed, key, value] = line.split('\t', 3);
      const coordinates = { topic: topicOf.get(feed)!, partition: 0, offset: String(offset++) };
      messages.push({ value, key, coordinates });
      if (messages.length === batch) {
        yield messages;
        messages = [];
      }
    }
    if (messages.length > 0) yield messages;
  }
  const source = batches();
  let done = 0;
  const lane = async () => {
    for (let r = await source.next(); !r.done; r = await source.next()) {
      await pipeline.processBatch(r.value, { transport: 'kafka' });
      progress((done += r.value.length));
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}

/** A mention as the hub keys it: the department record and the JSON Pointer in it. */
export interface MentionKey {
  feed: string;
  id: string;
  pointer: string;
}

const keyText = (k: MentionKey) => `${k.feed}\u001f${k.id}\u001f${k.pointer}`;

/** What the records naming a resident carry about them, normalized as the hub maps them. */
export interface Knowledge {
  /** Values by attribute, each with its feed and whether the normalizer found it valid. */
  values: Map<string, { value: unknown; valid: boolean; feed: string }[]>;
  /** The resident's person mentions. */
  mentions: MentionKey[];
  /** The place mentions of the addresses the records say the resident lives at (lives_at). */
  residencePlaces: MentionKey[];
  /** Civil-affairs cases with the resident as applicant: each member's resident and relation. */
  cases: Map<number, unknown>[];
}

/**
 * What the records say about each resident of `wanted`, read from the generated files: each
 * record naming one of them is mapped by its feed's mapping (mapRecord, as the pipeline maps
 * it), and the values of the person mention the truth names them behind are theirs. A record
 * the mapping rejects carries nothing (the pipeline rejects it too): counted.
 */
export async function learnKnowledge(
  generated: Generated,
  wanted: Set<number>,
  catalog: FeedCatalog,
  divisions: DivisionIndex,
): Promise<{ knowledge: Map<number, Knowledge>; rejected: number }> {
  const personsOf = new Map<string, Map<string, number>>();
  for await (const line of createInterface({
    input: createReadStream(generated.file('truth.tsv')),
  })) {
    const tab = line.lastIndexOf('\t');
    const resident = Number(line.slice(tab + 1));
    if (!wanted.has(resident)) continue;
    const [feed, id, pointer] = line.slice(0, tab).split('\u001f');
    const record = `${feed}\u001f${id}`;
    (personsOf.get(record) ?? personsOf.set(record, new Map()).get(record)!).set(pointer, resident);
  }
  const knowledge = new Map<number, Knowledge>(
    [...wanted].map((r) => [
      r,
      { values: new Map(), mentions: [], residencePlaces: [], cases: [] },
    ]),
  );
  const mappings = new Map<string, FeedMapping>(
    catalog.feeds.map((f) => [f.mapping.feed, f.mapping]),
  );
  let rejected = 0;
  for await (const line of createInterface({
    input: createReadStream(generated.file('records.tsv')),
  })) {
    const [feed, id, value] = line.split('\t', 3);
    const persons = personsOf.get(`${feed}\u001f${id}`);
    if (!persons) continue;
    let mapped: ReturnType<typeof mapRecord>;
    try {
      const message = JSON.parse(value) as Record<string, unknown>;
      // As the pipeline takes a record: valid against its feed's schema, then mapped.
      if (!catalog.feed(feed)!.validate(message)) throw new Error('invalid');
      mapped = mapRecord(mappings.get(feed)!, message, divisions);
    } catch {
      rejected++;
      continue;
    }
    const byKey = new Map(mapped.mentions.map((m) => [m.key, m]));
    for (const mention of mapped.mentions) {
      const resident = mention.entityType === 'person' ? persons.get(mention.pointer) : undefined;
      if (resident === undefined) continue;
      const known = knowledge.get(resident)!;
      known.mentions.push({ feed, id, pointer: mention.pointer });
      for (const v of mention.values)
        (known.values.get(v.attribute) ?? known.values.set(v.attribute, []).get(v.attribute)!).push(
          { value: v.value, valid: v.valid, feed },
        );
      const members = new Map<number, unknown>();
      for (const relation of mapped.relations) {
        const to = relation.toKey === undefined ? undefined : byKey.get(relation.toKey);
        if (relation.fromKey === mention.key && relation.type === 'lives_at' && to)
          known.residencePlaces.push({ feed, id, pointer: to.pointer });
        const from = byKey.get(relation.fromKey);
        const member = from && persons.get(from.pointer);
        if (relation.type === 'family_member_of' && to === mention && member !== undefined)
          members.set(
            member,
            from!.values.find((v) => v.attribute === 'relationToApplicant')?.value,
          );
      }
      if (members.size > 0) known.cases.push(members);
    }
  }
  return { knowledge, rejected };
}

/** The entity each of these mentions is in now (active mentions), by mention key. */
export async function entitiesOf(db: DataSource, keys: MentionKey[]): Promise<Map<string, string>> {
  const entities = new Map<string, string>();
  for (let i = 0; i < keys.length; i += 5_000) {
    const chunk = keys.slice(i, i + 5_000);
    const rows = await db.query<(MentionKey & { entity: string })[]>(
      `SELECT m.feed, m.source_record_id AS id, m.pointer, m.entity_id AS entity
         FROM mention m JOIN unnest($1::text[], $2::text[], $3::text[]) k(feed, id, pointer)
           ON m.feed = k.feed AND m.source_record_id = k.id AND m.pointer = k.pointer
        WHERE m.active`,
      [chunk.map((k) => k.feed), chunk.map((k) => k.id), chunk.map((k) => k.pointer)],
    );
    for (const r of rows) entities.set(keyText(r), r.entity);
  }
  return entities;
}

/** The entity most of these mentions are in, and how many entities they are spread over. */
export function mainEntity(
  keys: MentionKey[],
  entities: Map<string, string>,
): { entity: string | undefined; spread: number } {
  const counts = new Map<string, number>();
  for (const k of keys) {
    const e = entities.get(keyText(k));
    if (e) counts.set(e, (counts.get(e) ?? 0) + 1);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return { entity: best?.[0], spread: counts.size };
}

/** A deterministic shuffle (mulberry32): the same seed picks the same sample. */
export function seededShuffle<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
