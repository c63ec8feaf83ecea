/*
 * Many rows as one query parameter. node-postgres sends a JavaScript array as an array literal:
 * each element escaped with two regular expressions and concatenated, a JSON value serialized
 * first and then escaped again. With the thousands of rows of an ingest transaction that was a
 * tenth of all the ingest allocated (an allocation profile of the 100k bench, before these
 * helpers). One JSON.stringify is native, and PostgreSQL parses the document once.
 */

/** The rows as the parameter `JSON_RECORDS` takes apart: keys are column names. */
export const jsonRecords = (rows: readonly object[]): string => JSON.stringify(rows);

/**
 * SQL for the rows of a `jsonRecords` parameter as a table `alias(columns)`, e.g.
 * `JSON_RECORDS('$1', 'u', 'id uuid, name text')`. A missing key or a JSON null is SQL NULL; a
 * jsonb column takes the nested value as it is.
 */
export const JSON_RECORDS = (param: string, alias: string, columns: string) =>
  `jsonb_to_recordset(${param}::jsonb) AS ${alias}(${columns})`;

/** jsonb's binary format (PostgreSQL's jsonb_recv): the version byte 1, then the JSON text. */
const JSONB_BINARY_VERSION = Buffer.from([1]);

/**
 * A `$n::jsonb` parameter from pieces of JSON text that are bytes already, such as payloads as
 * they arrived. node-postgres sends a Buffer as a binary parameter, so the text is copied once
 * and never decoded, joined into one string or measured for its UTF-8 length (V8 flattens a
 * string built from parts, slowly, on its first byte count). The statement must cast the
 * parameter to jsonb, which makes it a jsonb parameter. Bad JSON is refused by PostgreSQL
 * (22P02), as in a text parameter, and so are bytes that are not UTF-8 (22021).
 */
export const jsonbFromBytes = (pieces: readonly Buffer[]): Buffer =>
  Buffer.concat([JSONB_BINARY_VERSION, ...pieces]);

/** SQL for a jsonb[] from a parameter holding one JSON array, in its order. */
export const JSONB_ELEMENTS = (param: string) =>
  `ARRAY(SELECT e FROM jsonb_array_elements(${param}::jsonb) WITH ORDINALITY d(e, n) ORDER BY n)`;
