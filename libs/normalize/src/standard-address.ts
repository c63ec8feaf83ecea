import { toHalfWidth } from './half-width';

/**
 * The parts of an address inside its division (GB/T 23705 style): road or village group,
 * house number, building (栋), unit (单元) and room (室). `rest` keeps what the parts do not
 * cover (a shop name, 附1号), as written.
 */
export interface StandardAddress {
  road: string | null;
  number: string | null;
  building: string | null;
  unit: string | null;
  room: string | null;
  rest: string;
}

// Hand-written: the npm address parsers stop at province/city/county (the division walk does
// those); the road → room grammar of a standard address is the hub's own rule.
const ROAD = /^(.*?(?:大道|胡同|路|街|巷|弄|组|社))(?=\d)/;
const NUMBER = /^(\d+)号/;
const COMPACT = /^(\d+)-(\d+)(?:-(\d+))?室?$/;
const BUILDING = /^(\d+)栋/;
const UNIT = /^(\d+)单元/;
const ROOM = /^(\d+)(?:室|$)/;

const int = (digits: string | undefined) => (digits === undefined ? null : String(Number(digits)));

/**
 * Parses the detail of an address (the text after its divisions) into its standard parts, so
 * that 东门路12号3栋2单元501室, 东门路12号3-2-501 and 东门路１２号3幢2单元501 are one address.
 * Folds full-width digits, spaces, 幢/座/号楼 to 栋 and leading zeros.
 */
export function standardAddress(detail: string): StandardAddress {
  let text = toHalfWidth(detail)
    .replace(/\s+/g, '')
    .replace(/(\d)(?:幢|座|号楼)/g, '$1栋');
  const take = (pattern: RegExp): RegExpMatchArray | null => {
    const match = pattern.exec(text);
    if (match) text = text.slice(match[0].length);
    return match;
  };
  const road = take(ROAD)?.[1] ?? null;
  const number = int(take(NUMBER)?.[1]);
  const parts: StandardAddress = { road, number, building: null, unit: null, room: null, rest: '' };
  if (number !== null) {
    const compact = COMPACT.exec(text);
    if (compact) {
      // 3-2-501 is building-unit-room; 3-501 is building-room.
      parts.building = int(compact[1]);
      if (compact[3] === undefined) parts.room = int(compact[2]);
      else [parts.unit, parts.room] = [int(compact[2]), int(compact[3])];
      text = '';
    } else {
      parts.building = int(take(BUILDING)?.[1]);
      parts.unit = int(take(UNIT)?.[1]);
      parts.room = int(take(ROOM)?.[1]);
    }
  }
  parts.rest = text;
  return parts;
}

/** The standard form of parsed parts: 东门路12号3栋2单元501室. */
export function formatStandardAddress(parts: StandardAddress): string {
  return [
    parts.road ?? '',
    parts.number === null ? '' : `${parts.number}号`,
    parts.building === null ? '' : `${parts.building}栋`,
    parts.unit === null ? '' : `${parts.unit}单元`,
    parts.room === null ? '' : `${parts.room}室`,
    parts.rest,
  ].join('');
}
