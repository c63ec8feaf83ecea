import { DivisionIndex } from './division-index';
import { toHalfWidth } from './half-width';

export interface SplitAddress {
  /** The deepest division the address starts by naming; null when it names none. */
  divisionCode: string | null;
  /** The rest of the address (road, number, building, room), trimmed and half-width. */
  detail: string;
}

/**
 * Split a free-text address into the division its leading part names (province, city, county,
 * township, village or community, each optional) and the detail after it. With `parentCode`,
 * only divisions below that one count (the detail beside a division code field).
 */
export function splitAddress(raw: string, index: DivisionIndex, parentCode?: string): SplitAddress {
  const text = toHalfWidth(raw).replace(/\s+/g, ' ').trim();
  const match = index.matchPrefix(text, 0, parentCode);
  if (!match) return { divisionCode: null, detail: text };
  return { divisionCode: match.division.code, detail: text.slice(match.end).trim() };
}
