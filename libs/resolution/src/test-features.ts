import { personFeatures, type MentionValue, type PersonFeatures } from './person-features';

/** Test helper: features of a person mention from valid values and values that failed their check. */
export function featuresOf(
  values: Record<string, unknown>,
  invalid: Record<string, unknown> = {},
): PersonFeatures {
  const list = (entries: Record<string, unknown>, valid: boolean): MentionValue[] =>
    Object.entries(entries).map(([attribute, value]) => ({ attribute, value, valid }));
  return personFeatures([...list(values, true), ...list(invalid, false)]);
}
