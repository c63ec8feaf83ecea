import { compile } from 'jsonpointer';
import type { DivisionIndex } from '@hub/normalize';
import { RecordRejection } from '../rejection';
import { normalizeAttribute } from './attribute-normalizer';
import type { Condition, FeedMapping, MentionMapping, RecordTypeMapping } from './feed-mapping';
import type { MappedMention, MappedRecord, MappedRelation } from './mapped-record';

type Json = Record<string, unknown>;

/** Compiled pointers: mapping files name a few dozen, read for every record. */
const compiled = new Map<string, ReturnType<typeof compile>>();

export function valueAt(record: unknown, pointer: string): unknown {
  if (pointer === '') return record;
  let compiledPointer = compiled.get(pointer);
  if (!compiledPointer) compiled.set(pointer, (compiledPointer = compile(pointer)));
  return compiledPointer.get(record as object) as unknown;
}

export const matches = (record: unknown, condition: Condition): boolean =>
  valueAt(record, condition.pointer) === condition.equals;

export function recordTypeOf(mapping: FeedMapping, record: Json): RecordTypeMapping {
  const type = mapping.recordTypes.find((t) => !t.when || matches(record, t.when));
  if (!type)
    throw new RecordRejection('schema_violation', `no record type of ${mapping.feed} matches`);
  return type;
}

/**
 * The elements an `each` mention iterates: an array, or a string holding one (hand-typed exports).
 * Each must be an object: a list typed into a string is not checked by the feed's schema.
 */
function elementsAt(record: Json, pointer: string): object[] {
  const list = listAt(record, pointer);
  list.forEach((element, i) => {
    if (element === null || typeof element !== 'object' || Array.isArray(element))
      throw new RecordRejection('schema_violation', `${pointer}/${i} is not an object`, {
        pointer: `${pointer}/${i}`,
      });
  });
  return list as object[];
}

function listAt(record: Json, pointer: string): unknown[] {
  const value = valueAt(record, pointer);
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed;
    } catch {
      // reported below
    }
  }
  throw new RecordRejection('schema_violation', `${pointer} is not a list`, { pointer });
}

function mapMention(
  mention: MentionMapping,
  subject: unknown,
  key: string,
  pointer: string,
  divisions: DivisionIndex,
): MappedMention | undefined {
  if (mention.requires !== undefined) {
    const required = valueAt(subject, mention.requires);
    const blank =
      typeof required === 'string'
        ? required.trim() === ''
        : required === undefined || required === null;
    if (blank) return undefined;
  }
  const values = [];
  for (const [attribute, rule] of Object.entries(mention.attributes)) {
    const raw = rule.from === undefined ? undefined : valueAt(subject, rule.from);
    const divisionRaw = rule.division === undefined ? undefined : valueAt(subject, rule.division);
    const withinRaw = rule.within === undefined ? undefined : valueAt(subject, rule.within);
    const normalized = normalizeAttribute(attribute, rule, raw, divisionRaw, divisions, withinRaw);
    if (normalized) values.push({ attribute, ...normalized });
  }
  return { key, entityType: mention.entity, type: mention.type, pointer, values };
}

/**
 * Maps one version of one department record into mentions of entities with their values and
 * the relations between them, as the feed's mapping file says. Pure: no I/O.
 */
export function mapRecord(
  mapping: FeedMapping,
  record: Json,
  divisions: DivisionIndex,
): MappedRecord {
  const type = recordTypeOf(mapping, record);
  const mentions: MappedMention[] = [];
  const keysById = new Map<string, string[]>();
  for (const mention of type.mentions) {
    const keys: string[] = [];
    if (mention.each) {
      elementsAt(record, mention.at).forEach((element, i) => {
        const pointer = `${mention.at}/${i}`;
        const mapped = mapMention(mention, element, `${mention.id}/${i}`, pointer, divisions);
        if (mapped) {
          mentions.push(mapped);
          keys.push(mapped.key);
        }
      });
    } else {
      const subject = valueAt(record, mention.at);
      const mapped = mapMention(
        mention,
        subject,
        mention.id,
        mention.pointer ?? mention.at,
        divisions,
      );
      if (mapped) {
        mentions.push(mapped);
        keys.push(mapped.key);
      }
    }
    keysById.set(mention.id, keys);
  }
  const relations: MappedRelation[] = [];
  for (const rule of type.relations ?? []) {
    for (const fromKey of keysById.get(rule.from) ?? []) {
      const attributes = rule.attributes ?? {};
      if (rule.to !== undefined) {
        for (const toKey of keysById.get(rule.to) ?? [])
          relations.push({ type: rule.type, fromKey, toKey, attributes });
      } else if (rule.toDivisionOf !== undefined) {
        const from = mentions.find((m) => m.key === fromKey);
        const value = from?.values.find((v) => v.attribute === rule.toDivisionOf && v.valid)?.value;
        const code =
          typeof value === 'string'
            ? value
            : (value as { divisionCode?: string } | undefined)?.divisionCode;
        if (code) relations.push({ type: rule.type, fromKey, toDivisionCode: code, attributes });
      }
    }
  }
  return { recordType: type.name, mentions, relations };
}
