/**
 * What may stand between the digits of a number as people write it: a space, a hyphen, a `+`
 * (a space in a query string), and their URL encodings. `138 0000 1234`, `138-0000-1234`,
 * `138%200000%201234` and `+86 138 0000 1234` are one number each.
 */
const SEPARATOR = String.raw`(?:[ \t+-]|%20|%2[bBdD])`;

/** A digit, then digits with at most three separators before each, then maybe the X of an ID. */
const DIGIT_GROUP = new RegExp(String.raw`\d(?:${SEPARATOR}{0,3}\d)*[Xx]?`, 'g');
const SEPARATORS = new RegExp(SEPARATOR, 'g');

/** A mainland mobile number: 1, a second digit 3–9, nine more (with or without 86 before it). */
const MOBILE = /1[3-9]\d{9}/;

/** GB 11643 ID numbers have 18 characters (17 digits and a digit or X) or, before 1999, 15 digits. */
const ID_NUMBER_DIGITS = 15;

export const REDACTED = '[redacted]';

/**
 * The text with every ID number and mobile phone number replaced by `[redacted]`, for logs.
 * Each group of digits (separators allowed between them, as above) is replaced whole when it
 * holds 15 digits or more (an 18- or 15-character ID number, with whatever digits stand next
 * to it) or holds a mobile number (with a 86 or 0086 prefix, or any other digits around it).
 * Groups of fewer than 11 digits are never touched, nor are longer ones without a mobile
 * number in them (a 12-digit division code such as 500116005002). Some numbers that are
 * neither are redacted too (a millisecond timestamp, 17…, reads as a mobile number): in a log,
 * the lesser harm.
 */
export function redactPersonalData(text: string): string {
  return text.replace(DIGIT_GROUP, (group) => {
    const digits = group.replace(SEPARATORS, '').replace(/[Xx]$/, '');
    return digits.length >= ID_NUMBER_DIGITS || MOBILE.test(digits) ? REDACTED : group;
  });
}

/**
 * `redactPersonalData` applied to every string in a value (arrays and objects, to `depth`
 * levels), as new arrays and objects: the value itself is left as it is.
 */
export function redactPersonalDataDeep(value: unknown, depth = 5): unknown {
  if (typeof value === 'string') return redactPersonalData(value);
  if (typeof value !== 'object' || value === null || depth <= 0) return value;
  if (ArrayBuffer.isView(value) || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => redactPersonalDataDeep(v, depth - 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, redactPersonalDataDeep(v, depth - 1)]),
  );
}

/** pino's serialization of a request, as far as it is redacted. */
export interface SerializedRequest {
  url?: unknown;
  query?: unknown;
  params?: unknown;
  headers?: unknown;
}

/**
 * pino-http's request serializer (`serializers.req`, handed pino's serialization of the
 * request): the URL (path and query string), the parsed query, the route parameters and the
 * headers (a Referer carries another page's query string) without ID or phone numbers.
 * Redacts in place the object it is handed, which pino made for this one log line.
 */
export function redactRequest(req: SerializedRequest): SerializedRequest {
  for (const key of ['url', 'query', 'params', 'headers'] as const)
    if (req[key] !== undefined) req[key] = redactPersonalDataDeep(req[key]);
  return req;
}
