import type { PersonFeatures } from './person-features';

/*
 * Block keys: the strings person mentions are grouped by for matching (only mentions sharing a
 * block are compared). Each starts with the mention's name key and a `|`; what follows tells
 * the kind: a birth year, `p` and a phone, `f` and the ID of the person it is family of, `a`
 * and a place id, `i` and an ID (no name), or nothing. Built and taken apart here only.
 */

/**
 * The blocks a person mention is resolved in; only mentions sharing a block are compared.
 * - `block`, where the mention is placed: name pinyin and birth year; a mention without any
 *   birth date (an incident participant, a premises manager) goes by name pinyin and phone
 *   instead, or by the name alone when it has no phone either.
 *   A family member with neither goes by name pinyin and the ID of the person it is family of,
 *   and is compared with the persons of that one's police household. Any other goes by name
 *   pinyin and the address its record ties it to (a house owner given by name only), and is
 *   compared with the persons with a valid ID tied to that address (see placeBlock).
 *   A mention without a name (one typed as a lone dot) goes by its valid ID alone, with an empty
 *   name key, so that it joins the person with that ID; without a valid ID it is in no block.
 * - `anchorBlock`, where a mention with a valid ID is also a candidate: name pinyin and phone,
 *   so such birthless mentions can find the person they name.
 */
export function blockKeys(features: PersonFeatures): {
  block: string | null;
  anchorBlock: string | null;
} {
  const { nameKey, phone, idNumber } = features;
  if (!nameKey) return { block: idNumber ? `|i${idNumber}` : null, anchorBlock: null };
  const year = birthYear(features);
  return {
    block: year
      ? `${nameKey}|${year}`
      : phone
        ? `${nameKey}|p${phone}`
        : features.familyOf
          ? familyContextBlock(nameKey, features.familyOf)
          : features.places?.length
            ? placeContextBlock(nameKey, features.places[0])
            : `${nameKey}|`,
    anchorBlock: idNumber && phone ? `${nameKey}|p${phone}` : null,
  };
}

function birthYear(features: PersonFeatures): string | null {
  if (features.birthDate) return features.birthDate.slice(0, 4);
  // A mistyped ID usually still carries the birth date; good enough to choose a block.
  const claimed = features.claimedId;
  if (claimed && /^\d{6}(19|20)\d{2}/.test(claimed)) return claimed.slice(6, 10);
  return null;
}

/** A family-context block (see blockKeys): the name key and the family member's ID. */
export function familyBlock(block: string): { nameKey: string; familyOf: string } | null {
  const match = /^(.*)\|f(\d{17}[\dX])$/.exec(block);
  return match ? { nameKey: match[1], familyOf: match[2] } : null;
}

/** A place-context block (see blockKeys): the name key and the address's place id. */
export function placeBlock(block: string): { nameKey: string; place: string } | null {
  const match = /^(.*)\|a([0-9a-f-]{36})$/.exec(block);
  return match ? { nameKey: match[1], place: match[2] } : null;
}

/** The place-context blocks where a mention with a valid ID is a candidate. */
export function placeBlocksOf(features: PersonFeatures): string[] {
  const { idNumber, nameKey } = features;
  if (!idNumber || !nameKey) return [];
  return (features.places ?? []).map((place) => placeContextBlock(nameKey, place));
}

/** The family-context block of a family member with this name key, of the person with this ID. */
export const familyContextBlock = (nameKey: string, familyOf: string): string =>
  `${nameKey}|f${familyOf}`;

/** The place-context block of this name key at this place (see placeBlock). */
export const placeContextBlock = (nameKey: string, place: string): string => `${nameKey}|a${place}`;

/** The name key a block starts with. */
export const nameKeyOfBlock = (block: string): string => block.slice(0, block.indexOf('|'));

/** A stored person mention's block columns (the mention table's). */
export interface StoredBlocks {
  block: string | null;
  anchor_block: string | null;
  id_key?: string | null;
  places?: string[] | null;
}

/** The name key under which a stored mention with a valid ID is tied to its places, if any. */
export const placedNameKey = (m: StoredBlocks): string | null =>
  (m.id_key && m.block && nameKeyOfBlock(m.block)) || null;

/** The blocks a stored person mention is in (its place-context blocks: see placeBlocksOf). */
export const blocksOfStored = (m: StoredBlocks): string[] => {
  const tiedName = placedNameKey(m);
  return [
    ...[m.block, m.anchor_block].filter((b) => b !== null),
    ...(tiedName ? (m.places ?? []).map((p) => placeContextBlock(tiedName, p)) : []),
  ];
};

/** The blocks a person mention with these features goes in (see blockKeys, placeBlocksOf). */
export const blocksOfFeatures = (features: PersonFeatures): string[] => {
  const { block, anchorBlock } = blockKeys(features);
  return [...blocksOfStored({ block, anchor_block: anchorBlock }), ...placeBlocksOf(features)];
};
