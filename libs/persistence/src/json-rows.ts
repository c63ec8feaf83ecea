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

/** SQL for a jsonb[] from a parameter holding one JSON array, in its order. */
export const JSONB_ELEMENTS = (param: string) =>
  `ARRAY(SELECT e FROM jsonb_array_elements(${param}::jsonb) WITH ORDINALITY d(e, n) ORDER BY n)`;
