/**
 * Keys of what the feeds state, as strings for maps and sets: a record (feed, its own record id),
 * one of its versions, and a mention (a record's subject at a JSON pointer). Their parts are
 * joined with U+001F, which no feed name, record id or pointer holds (the feeds' schemas refuse
 * control characters), so a key splits back into its parts. Built and split here only.
 */
const SEPARATOR = '\u001f';

/** A record's key: the same for every version of it. */
export const recordKey = (feed: string, sourceRecordId: string): string =>
  `${feed}${SEPARATOR}${sourceRecordId}`;

/** One version of a record. */
export const recordVersionKey = (feed: string, sourceRecordId: string, version: string): string =>
  `${feed}${SEPARATOR}${sourceRecordId}${SEPARATOR}${version}`;

/** A mention: a record's subject at a JSON pointer. */
export const mentionKeyOf = (feed: string, sourceRecordId: string, pointer: string): string =>
  `${feed}${SEPARATOR}${sourceRecordId}${SEPARATOR}${pointer}`;

/** The key of a mention row as the database gives it (feed, source_record_id, pointer). */
export const storedMentionKeyOf = (m: {
  feed: string;
  source_record_id: string;
  pointer: string;
}): string => mentionKeyOf(m.feed, m.source_record_id, m.pointer);

/** A record key's parts. */
export function splitRecordKey(key: string): { feed: string; sourceRecordId: string } {
  const at = key.indexOf(SEPARATOR);
  return { feed: key.slice(0, at), sourceRecordId: key.slice(at + 1) };
}

/** A mention key's parts. */
export function splitMentionKey(
  key: string,
): [feed: string, sourceRecordId: string, pointer: string] {
  const [feed, sourceRecordId, pointer] = key.split(SEPARATOR);
  return [feed, sourceRecordId, pointer];
}

/** Mention keys as three parallel columns (feeds, record ids, pointers), for unnest($1, $2, $3). */
export function mentionKeyColumns(keys: Iterable<string>): [string[], string[], string[]] {
  const columns: [string[], string[], string[]] = [[], [], []];
  for (const key of keys) {
    const [feed, id, pointer] = splitMentionKey(key);
    columns[0].push(feed);
    columns[1].push(id);
    columns[2].push(pointer);
  }
  return columns;
}

/**
 * Mention keys as one SQL relation (feed, id, pointer) from a parameter holding them as one JSON
 * array (`JSON.stringify(keys)`): resolution passes every mention of the blocks it read, tens of
 * thousands in a large batch, and three text arrays would escape each part into an array literal.
 */
export const MENTION_KEYS_FROM_JSON = (param: string): string =>
  `(SELECT split_part(k, E'\\x1f', 1) AS feed, split_part(k, E'\\x1f', 2) AS id,
           split_part(k, E'\\x1f', 3) AS pointer
      FROM json_array_elements_text(${param}::json) k)`;

/** The SQL expression of a mention key from its columns, as mentionKeyOf builds it. */
export const MENTION_KEY_SQL = (feed: string, sourceRecordId: string, pointer: string): string =>
  `concat_ws(E'\\x1f', ${feed}, ${sourceRecordId}, ${pointer})`;
