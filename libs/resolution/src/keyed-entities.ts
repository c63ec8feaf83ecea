import { LRUCache } from 'lru-cache';
import type { EntityManager } from 'typeorm';
import { v5 as uuidv5 } from 'uuid';
import {
  formatStandardAddress,
  parentAddress,
  splitAddress,
  splitAddressWithin,
  standardAddress,
  type DivisionIndex,
  toHalfWidth,
  type StandardAddress,
} from '@hub/normalize';
import type { MentionValue } from './person-features';

/**
 * Places and organizations are resolved by a key, not by scoring: a standard address inside its
 * division, a social credit code, or an organization's name inside its county. A keyed entity's
 * id is a name-based UUID of its key, so every ingest process gives a key the same entity
 * without a lookup or a lock, and a mention whose record changes its address simply moves.
 */
export type EntityKey =
  | KeyedEntity
  /** An address that names only a division: the seeded division place of that code. */
  | { kind: 'division'; code: string };

/**
 * The entity the hub keeps for a key: id derived from it. A standard address has the address one
 * step less specific as its `parent` (see parentAddress) and the id of its `building` (itself
 * when it names no unit, floor or room).
 */
export interface KeyedEntity {
  kind: 'keyed';
  key: string;
  id: string;
  columns: Record<string, unknown>;
  parent?: KeyedEntity;
  building?: string;
}

// Fixed namespace of the hub's key-derived ids (a random v4, generated once).
const HUB_KEY_NAMESPACE = '6f2b8c3e-4d0a-4a8e-9c1b-2f7d5e8a9b10';

/*
 * Every version, redelivery and feed of a resident repeats the same addresses and organizations:
 * keys and ids already worked out are kept (a name-based UUID is a SHA-1, an address a parse).
 * Cached keys are frozen, since callers share them.
 */
const KEY_CACHE_SIZE = 50_000;
const idsOfKeys = new LRUCache<string, string>({
  max: KEY_CACHE_SIZE,
  // A lone surrogate (valid JSON: an escaped one in an address) makes uuid's UTF-8 encoding
  // throw: hashed as U+FFFD, as PostgreSQL would have to store it.
  memoMethod: (key) => uuidv5(wellFormed(key), HUB_KEY_NAMESPACE),
});

export const keyedEntityId = (key: string): string => idsOfKeys.memo(key);

/** The string with each lone surrogate replaced by U+FFFD (String.prototype.toWellFormed). */
const wellFormed = (text: string): string =>
  text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

const valueOf = (values: readonly MentionValue[], attribute: string): unknown =>
  values.find((v) => v.attribute === attribute && v.valid)?.value;

interface AddressValue {
  divisionCode: string | null;
  detail: string;
}

const isAddress = (v: unknown): v is AddressValue =>
  typeof v === 'object' && v !== null && 'detail' in v;

/**
 * The division an address is keyed in. A road address is keyed in its township (the nine-digit
 * prefix): roads are named per township, and one source writes the community where another
 * writes only the township, or a community the divisions do not know. A village-group address
 * (3组41号) needs its village.
 */
function keyDivision(code: string, parts: StandardAddress): string {
  return byRoad(parts) && code.length > 9 ? code.slice(0, 9) : code;
}

const byRoad = (parts: StandardAddress) => parts.road !== null && parts.group === null;

/**
 * The parts that identify an address inside its key division: a community the divisions do not
 * know is left out of a road address (keyed by its township, see keyDivision) and kept in a
 * village-group address, where it names the village.
 */
const keyParts = (parts: StandardAddress): StandardAddress =>
  byRoad(parts) && parts.community !== null ? { ...parts, community: null } : parts;

/**
 * The key of an address as a person types it (a lookup, a form), as ingest would key it: the
 * divisions it names are walked off its start; `division` (the caller's) places it as a grid
 * code places a grid worker's address (see splitAddressWithin). Null when no division is known.
 */
export function placeKeyOfText(
  address: string,
  divisions: DivisionIndex,
  division?: string,
): EntityKey | null {
  const split = division
    ? splitAddressWithin(address, divisions, division)
    : splitAddress(address, divisions);
  return placeKey([
    {
      attribute: 'address',
      value: { divisionCode: split.divisionCode, detail: split.detail },
      valid: true,
    },
  ]);
}

/** The key of a place mention (its `address` value), or null when it has no usable address. */
export function placeKey(values: readonly MentionValue[]): EntityKey | null {
  const address = valueOf(values, 'address');
  if (!isAddress(address) || !address.divisionCode) return null;
  if (address.detail === '') return { kind: 'division', code: address.divisionCode };
  return placeKeys.memo(`${address.divisionCode}\u001f${address.detail}`, {
    context: { divisionCode: address.divisionCode, detail: address.detail },
  });
}

/** A keyed place, worked out once per division and detail (see KEY_CACHE_SIZE). */
const placeKeys = new LRUCache<string, EntityKey, { divisionCode: string; detail: string }>({
  max: KEY_CACHE_SIZE,
  memoMethod: (_key, _stale, { context: address }) => {
    const parts = keyParts(standardAddress(address.detail));
    return addressKey(keyDivision(address.divisionCode, parts), parts);
  },
});

/**
 * The keyed place of standard-address parts in their key division, with its parent: the same
 * address one step less specific (a flat's building is its parent place, not the same place).
 */
function addressKey(division: string, parts: StandardAddress): KeyedEntity {
  const standard = formatStandardAddress(parts);
  const key = `place|${division}|${standard}`;
  const id = keyedEntityId(key);
  const parent = parentAddress(parts);
  const parentKey = parent ? addressKey(division, parent) : undefined;
  const inBuilding = parts.unit !== null || parts.floor !== null || parts.room !== null;
  return Object.freeze({
    kind: 'keyed' as const,
    key,
    id,
    columns: Object.freeze({
      level: 'address',
      name: standard,
      division_code: division,
      address: Object.freeze(parts),
      parent_id: parentKey?.id ?? null,
    }),
    building: inBuilding ? (parentKey?.building ?? id) : id,
    ...(parentKey ? { parent: parentKey } : {}),
  });
}

/** An organization's name as a key: half-width (brackets too), no spaces. */
const organizationName = (name: string) => toHalfWidth(name).replace(/\s+/g, '');

/**
 * The key of an organization mention: its valid social credit code; else its name inside the
 * county of its address (enterprise names are registered unique per county). Null when the
 * mention gives neither, and it stays an entity of its own.
 */
export function organizationKey(values: readonly MentionValue[]): EntityKey | null {
  const uscc = valueOf(values, 'uscc');
  const name = valueOf(values, 'name');
  const address = valueOf(values, 'address');
  const key =
    typeof uscc === 'string'
      ? `org|uscc|${uscc}`
      : typeof name === 'string' && isAddress(address) && address.divisionCode
        ? `org|name|${address.divisionCode.slice(0, 6)}|${organizationName(name)}`
        : null;
  return key === null ? null : { kind: 'keyed', key, id: keyedEntityId(key), columns: {} };
}

/** The key of a mention of an entity type resolved by key; null for the other types. */
export function entityKeyOf(entityType: string, values: readonly MentionValue[]): EntityKey | null {
  if (entityType === 'place') return placeKey(values);
  if (entityType === 'organization') return organizationKey(values);
  return null;
}

/** Where a keyed mention belongs: the entity id, and whether the hub writes that entity. */
export interface KeyedPlacement {
  entityId: string;
  /** False for a seeded division place: the division catalog owns it. */
  written: boolean;
  /** Golden columns the key itself gives (a standard address), else empty. */
  columns: Record<string, unknown>;
  /**
   * The places above a standard address (its building, house number: see parentAddress), nearest
   * first: written with it, since its row names its parent.
   */
  ancestors: { id: string; columns: Record<string, unknown> }[];
}

/** The keyed places above this one, nearest first. */
function ancestorsOf(key: KeyedEntity): KeyedPlacement['ancestors'] {
  const ancestors: KeyedPlacement['ancestors'] = [];
  for (let k = key.parent; k; k = k.parent) ancestors.push({ id: k.id, columns: k.columns });
  return ancestors;
}

/**
 * Places each mention that has a key (by mention key). A division-only address goes to the
 * seeded division place of its code; a code that is not seeded leaves the mention unkeyed.
 */
export async function placeKeyedMentions(
  manager: EntityManager,
  mentions: { key: string; entityType: string; values: readonly MentionValue[] }[],
): Promise<Map<string, KeyedPlacement>> {
  const keys = new Map<string, EntityKey>();
  for (const m of mentions) {
    const key = entityKeyOf(m.entityType, m.values);
    if (key) keys.set(m.key, key);
  }
  const codes = [
    ...new Set([...keys.values()].flatMap((k) => (k.kind === 'division' ? [k.code] : []))),
  ];
  const divisions = await divisionPlaceIds(manager, codes);
  const placed = new Map<string, KeyedPlacement>();
  for (const [mention, key] of keys) {
    if (key.kind === 'keyed')
      placed.set(mention, {
        entityId: key.id,
        written: true,
        columns: key.columns,
        ancestors: ancestorsOf(key),
      });
    else if (divisions.has(key.code))
      placed.set(mention, {
        entityId: divisions.get(key.code)!,
        written: false,
        columns: {},
        ancestors: [],
      });
  }
  return placed;
}

/** The seeded division places of these codes, by code (codes not seeded are absent). */
export async function divisionPlaceIds(
  manager: EntityManager,
  codes: string[],
): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await manager.query<{ code: string; id: string }[]>(
    `SELECT code, id FROM place WHERE code = ANY($1::text[])`,
    [codes],
  );
  return new Map(rows.map((r) => [r.code, r.id]));
}
