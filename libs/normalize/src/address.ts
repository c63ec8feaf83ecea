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

/**
 * Split an address of a record that lies in a known division (`within`: a grid's community, a
 * clerk's division): the divisions its text names when they lie below `within` or elsewhere;
 * `within` when the text names none, or only divisions above it (鼎山街道… in a community of
 * 鼎山街道) or `within` itself. Names only the context tells apart (双河村, a village of several
 * townships) are read under `within` and then under each division above it.
 */
export function splitAddressWithin(raw: string, index: DivisionIndex, within: string): SplitAddress {
  const onPath = (code: string) => code === within || index.isUnder(within, code);
  const named = splitAddress(raw, index);
  if (named.divisionCode !== null)
    return onPath(named.divisionCode) ? { divisionCode: within, detail: named.detail } : named;
  for (let scope: string | null = within; scope !== null; scope = parentOf(index, scope)) {
    const split = splitAddress(raw, index, scope);
    if (split.divisionCode !== null)
      return onPath(split.divisionCode) ? { divisionCode: within, detail: split.detail } : split;
  }
  return { divisionCode: within, detail: named.detail };
}

const parentOf = (index: DivisionIndex, code: string): string | null =>
  index.byCode(code)?.parentCode ?? null;
