import { toHalfWidth } from './half-width';

// Half-width conversion has already turned ；and ，into ; and , by the time this applies.
const SEPARATORS = /[;,、]/;

/** Tags as grid workers type them ("独居老人；低保户、残疾人"): trimmed, no empties, first occurrence kept. */
export function splitTags(raw: string | null | undefined): string[] {
  if (raw == null) return [];
  const tags = toHalfWidth(raw)
    .split(SEPARATORS)
    .map((t) => t.trim())
    .filter((t) => t !== '');
  return [...new Set(tags)];
}
