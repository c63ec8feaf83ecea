/*
 * Many rows as one query parameter. node-postgres sends a JavaScript array as an array literal:
 * each element escaped with two regular expressions and concatenated, a JSON value serialized
 * first and then escaped again. With the thousands of rows of an ingest transaction that was a
 * tenth of all the ingest allocated (an allocation profile of the 100k bench, before these
 * helpers). One JSON.stringify is native.
 *
 * PostgreSQL takes the parameter as `json` (checked, kept as text), splits it into its elements
 * and parses each element as jsonb on its own. Parsed as one jsonb document, a batch's array
 * cost 3 to 6 times more server CPU: 720 ms for the 13.6 MB of 6,000 source records, against
 * 120 ms for the same elements one by one (PostgreSQL 15 on this machine).
 */

/** The rows as the parameter `JSON_RECORDS` takes apart: keys are column names. */
export const jsonRecords = (rows: readonly object[]): string => JSON.stringify(rows);

/**
 * SQL for the rows of a `jsonRecords` parameter as a table `alias(columns)`, e.g.
 * `JSON_RECORDS('$1', 'u', 'id uuid, name text')`. A missing key or a JSON null is SQL NULL; a
 * jsonb column takes the nested value as it is.
 */
export const JSON_RECORDS = (param: string, alias: string, columns: string) =>
  `(SELECT r.* FROM json_array_elements(${param}::json) d(e)
      CROSS JOIN LATERAL jsonb_to_record(d.e::jsonb) AS r(${columns})) AS ${alias}`;

/**
 * A `$n::json` parameter from pieces of JSON text that are bytes already, such as payloads as
 * they arrived. node-postgres sends a Buffer as a binary parameter (json's binary format is its
 * text), so the text is copied once and never decoded, joined into one string or measured for
 * its UTF-8 length (V8 flattens a string built from parts, slowly, on its first byte count). The
 * statement must cast the parameter to json, which makes it a json parameter. Bad JSON is
 * refused by PostgreSQL (22P02), as in a text parameter, and so are bytes that are not UTF-8
 * (22021).
 */
export const jsonFromBytes = (pieces: readonly Buffer[]): Buffer => Buffer.concat(pieces);

/**
 * SQL for the elements of a parameter holding one JSON array, as a table `alias(value, n)` (or
 * `JSONB_ELEMENT_ROWS('$1', 'rows(r, n)')` for other names): each element as jsonb, and its
 * position from 1. Not flattened into the outer query (OFFSET 0), which would parse an element
 * again for each use of `value`.
 */
export const JSONB_ELEMENT_ROWS = (param: string, alias: string) =>
  `(SELECT e::jsonb AS value, n FROM json_array_elements(${param}::json) WITH ORDINALITY d(e, n)
     OFFSET 0) AS ${alias}`;

/** SQL for a jsonb[] from a parameter holding one JSON array, in its order. */
export const JSONB_ELEMENTS = (param: string) =>
  `ARRAY(SELECT value FROM ${JSONB_ELEMENT_ROWS(param, 'elements')} ORDER BY n)`;
