import { replaceChineseNumerals } from './chinese-numerals';
import { toHalfWidth } from './half-width';

/**
 * The parts of an address inside its division (GB/T 23705 style), as far as it gives them.
 * Numbers are Arabic digits without leading zeros. `rest` keeps what the parts do not cover (a
 * shop name, 菜市场旁), as written.
 */
export interface StandardAddress {
  /** A village or community (村/社区) the address names that is not among the divisions. */
  community: string | null;
  /** Village group (村民小组: 3组, 3社). */
  group: string | null;
  /** Road, street or lane (路/街/大道/巷/弄/胡同), or the estate a number-less address starts with. */
  road: string | null;
  /** House number (门牌号: 72号). */
  number: string | null;
  /** Annex number (附号: 72号附3号, 72-3号). */
  annex: string | null;
  /** Building (栋, also written 幢/座/号楼). */
  building: string | null;
  unit: string | null;
  /** Floor (层/楼), kept only where the room does not say it (501 is on floor 5). */
  floor: string | null;
  room: string | null;
  rest: string;
}

/** The parts that make an address more specific, least specific first. */
export const ADDRESS_PARTS = [
  'community',
  'group',
  'road',
  'number',
  'annex',
  'building',
  'unit',
  'floor',
  'room',
] as const;

/** An address of the parts given, the others not given. */
export const addressParts = (given: Partial<StandardAddress>): StandardAddress => ({
  community: null,
  group: null,
  road: null,
  number: null,
  annex: null,
  building: null,
  unit: null,
  floor: null,
  room: null,
  rest: '',
  ...given,
});

/*
 * Hand-written: the npm address parsers stop at province/city/county (docs/address-parsers.md;
 * the division walk does those); the grammar below the division is the hub's own rule.
 */
const NUMBERED = '组|社(?!区)|号|栋|幢|座|单元|层|楼|室|户|房';
/** A road's own name may hold a numeral before 号 (一号路, 二号桥): not a house number. */
const NUMERAL_AS_NUMBER = new RegExp(`^(?:${NUMBERED})(?!路|街|巷|桥|线|大道)`);
const UNKNOWN_COMMUNITY =
  /^(\D{1,12}?(?:社区|村))(?:居民委员会|村民委员会|居委会|村委会)?(?!路|街|大道|巷|弄|胡同|道|口)/;
const GROUP = /^(\d+)(?:村民小组|组|社(?!区))/;
const ROAD_BEFORE_NUMBER = /^(\D*?)(?=\d+(?:-\d+)?(?:号|栋|单元|层|楼|室))/;
const ROAD_ONLY = /^(.*(?:大道|胡同|路|街|巷|弄))$/;
const NUMBER = /^(\d+)(?:-(\d+))?号/;
const ANNEX = /^附(\d+)号?/;
const COMPACT = /^(\d+)-(\d+)(?:-(\d+))?(?:室|号|房|户)?$/;
const BUILDING = /^(\d+)栋/;
const UNIT = /^(\d+)单元/;
const UNIT_ROOM = /^(\d+)-(\d+)(?:室|号|房|户)?$/;
const FLOOR = /^(\d+)(?:层|楼)/;
const ROOM = /^(\d+)(?:室|号|房|户|$)/;

const int = (digits: string | undefined) => (digits === undefined ? null : String(Number(digits)));
/** 2-501 is building 2, room 501; 5-2 (Chongqing's usage) is floor 5, flat 2. */
const isRoomNumber = (digits: string) => String(Number(digits)).length >= 3;

/**
 * The detail of an address (the text after its divisions) in one spelling: half-width, no
 * spaces, dashes as `-`, Chinese numerals before a numbered part (三单元, 十二栋, 五〇一室) in
 * digits, and 幢/座/号楼/# as 栋.
 */
function spelling(detail: string): string {
  const text = toHalfWidth(detail)
    .replace(/\s+/g, '')
    .replace(/[‐‑‒–—―−]/g, '-');
  return replaceChineseNumerals(
    text,
    (before, after) =>
      NUMERAL_AS_NUMBER.test(after) ||
      /^-\d/.test(after) ||
      /(?:附|-)$/.test(before) ||
      // A room at the end (三单元五〇一).
      (after === '' && /(?:号|栋|幢|座|单元|层|楼)$/.test(before)),
  ).replace(/(\d)(?:幢|座|号楼|#楼?)/g, '$1栋');
}

/**
 * Parses the detail of an address (the text after its divisions) into its standard parts, so
 * that 双福大道72号2栋3单元501室, 双福大道72号2-3-501, 双福大道７２号二幢三单元501 are one address.
 */
export function standardAddress(detail: string): StandardAddress {
  let text = spelling(detail);
  const take = (pattern: RegExp): RegExpMatchArray | null => {
    const match = pattern.exec(text);
    if (match) text = text.slice(match[0].length);
    return match;
  };
  const parts = addressParts({
    community: take(UNKNOWN_COMMUNITY)?.[1] ?? null,
    group: int(take(GROUP)?.[1]),
  });
  const road = take(ROAD_BEFORE_NUMBER)?.[1] ?? take(ROAD_ONLY)?.[1];
  parts.road = road ? road : null;
  const number = take(NUMBER);
  if (number) {
    parts.number = int(number[1]);
    parts.annex = int(number[2] ?? take(ANNEX)?.[1]);
  }
  const compact = parts.number !== null ? take(COMPACT) : null;
  if (compact) {
    // 2-3-501 is building-unit-room.
    parts.building = int(compact[1]);
    if (compact[3] !== undefined) [parts.unit, parts.room] = [int(compact[2]), int(compact[3])];
    else if (isRoomNumber(compact[2])) parts.room = int(compact[2]);
    else [parts.building, parts.floor, parts.room] = [null, int(compact[1]), int(compact[2])];
  } else {
    parts.building = int(take(BUILDING)?.[1]);
    const unitRoom = parts.building !== null ? take(UNIT_ROOM) : null;
    if (unitRoom && isRoomNumber(unitRoom[2]))
      [parts.unit, parts.room] = [int(unitRoom[1]), int(unitRoom[2])];
    else if (unitRoom) [parts.floor, parts.room] = [int(unitRoom[1]), int(unitRoom[2])];
    else {
      parts.unit = int(take(UNIT)?.[1]);
      parts.floor = int(take(FLOOR)?.[1]);
      parts.room = int(take(ROOM)?.[1]);
    }
  }
  if (parts.floor !== null && parts.room !== null && isRoomNumber(parts.room))
    if (parts.room.startsWith(parts.floor)) parts.floor = null;
  parts.rest = text;
  return parts;
}

const SUFFIX: Record<(typeof ADDRESS_PARTS)[number], [string, string]> = {
  community: ['', ''],
  group: ['', '组'],
  road: ['', ''],
  number: ['', '号'],
  annex: ['附', '号'],
  building: ['', '栋'],
  unit: ['', '单元'],
  floor: ['', '层'],
  room: ['', '室'],
};

/**
 * The standard form of parsed parts: 东门社区3组41号, 双福大道72号附3号2栋3单元501室. A part
 * left out counts as not given (places stored before a part was known lack it).
 */
export function formatStandardAddress(parts: Partial<StandardAddress>): string {
  return (
    ADDRESS_PARTS.map((part) => {
      const value = parts[part];
      return value === null || value === undefined
        ? ''
        : `${SUFFIX[part][0]}${value}${SUFFIX[part][1]}`;
    }).join('') + (parts.rest ?? '')
  );
}

/**
 * The address one step less specific (the flat's unit or building, the building's house
 * number), or null for a house number or less, and for an address with a rest the parts do not
 * place (菜市场旁 is no child of its road).
 */
export function parentAddress(parts: StandardAddress): StandardAddress | null {
  if (parts.rest !== '') return null;
  const last = [...ADDRESS_PARTS].reverse().find((part) => parts[part] !== null);
  if (!last || ['community', 'group', 'road', 'number'].includes(last)) return null;
  return { ...parts, [last]: null };
}
