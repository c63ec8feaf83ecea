import { type KeyedEntity, placeKey } from './keyed-entities';
import type { MentionValue } from './person-features';

/** The parts of a mapped record that give a person mention its context. */
export interface RecordShape {
  mentions: readonly { key: string; entityType: string; values: readonly MentionValue[] }[];
  relations: readonly { type: string; fromKey: string; toKey?: string }[];
}

/*
 * Relation types of the mapping files that tie a person to an address, directly or through a
 * house it owns. Named here because resolution reads them as evidence; a new mapping that ties
 * persons to addresses with another type adds it here.
 */
const LIVES_OR_REGISTERED = new Set(['lives_at', 'registered_at']);
const OWNS = 'owns';
const LOCATED_AT = 'located_at';
const FAMILY_MEMBER_OF = 'family_member_of';

/**
 * What a person mention's own record says around it: the valid ID of the person it is listed
 * as family of, the standard-address places it is tied to (a family member: those of the
 * person it is listed with) and the buildings of those places. Pure.
 */
export function personContext(
  record: RecordShape,
  mentionKey: string,
): { familyOf: string | null; places: string[]; buildings: string[] } {
  const mention = (key: string | undefined) => record.mentions.find((m) => m.key === key);
  const keyed = new Map<string, KeyedEntity>();
  const placeId = (key: string | undefined): string[] => {
    const place = mention(key);
    if (place?.entityType !== 'place') return [];
    const key_ = placeKey(place.values);
    if (key_?.kind !== 'keyed') return [];
    keyed.set(key_.id, key_);
    return [key_.id];
  };
  const from = (key: string, types: (type: string) => boolean) =>
    record.relations.filter((r) => r.fromKey === key && types(r.type));
  const ownPlaces = (key: string) => [
    ...from(key, (t) => LIVES_OR_REGISTERED.has(t)).flatMap((r) => placeId(r.toKey)),
    ...from(key, (t) => t === OWNS).flatMap((owned) =>
      from(owned.toKey ?? '', (t) => t === LOCATED_AT).flatMap((r) => placeId(r.toKey)),
    ),
  ];
  const family = from(mentionKey, (t) => t === FAMILY_MEMBER_OF)[0];
  const familyId = mention(family?.toKey)?.values.find(
    (v) => v.attribute === 'idNumber' && v.valid,
  )?.value;
  const own = ownPlaces(mentionKey);
  const places = own.length > 0 || !family?.toKey ? own : ownPlaces(family.toKey);
  return {
    familyOf: typeof familyId === 'string' ? familyId : null,
    places,
    buildings: places.map((id) => keyed.get(id)!.building ?? id),
  };
}
