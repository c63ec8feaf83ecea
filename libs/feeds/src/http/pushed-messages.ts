import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { InboundMessage } from '../pipeline/inbound-message';
import {
  characterLength,
  charsetOf,
  decodeText,
  encodingOf,
  firstInvalidByte,
  KNOWN_CHARSETS,
  type MessageEncoding,
} from '../pipeline/message-encoding';

const NOT_A_BODY = 'body must be a JSON array (application/json) or NDJSON (application/x-ndjson)';
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Turns a pushed body, its bytes as sent, into one message per record, read in the charset its
 * Content-Type declares (UTF-8 when none; GBK, GB2312 and GB18030 as GB18030). NDJSON lines are
 * kept byte for byte, with that Content-Type: the pipeline reads each, and rejects one whose
 * bytes the charset cannot hold (`bad_encoding`) alone. A JSON array's records are re-serialized
 * from the text (as UTF-8), unless some bytes of the body are not valid in its charset: then each
 * record is its own bytes, as a line of NDJSON is.
 */
export function pushedMessages(body: unknown, contentType: string | undefined): InboundMessage[] {
  const charset = charsetOf(contentType);
  const encoding = encodingOf(charset);
  if (encoding === undefined)
    throw new UnsupportedMediaTypeException(
      `charset ${JSON.stringify(String(charset).slice(0, 40))} is not one the hub reads: ${KNOWN_CHARSETS} (e.g. application/json; charset=GBK)`,
    );
  if (!Buffer.isBuffer(body)) throw new BadRequestException(NOT_A_BODY);
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/x-ndjson'
    ? ndjsonMessages(body, encoding, contentType)
    : jsonArrayMessages(body, encoding, contentType);
}

/**
 * Each line, less the CR of a CRLF line end; blank lines separate nothing and are skipped. LF
 * and CR are never part of a multi-byte character in UTF-8 or GB18030.
 */
function ndjsonMessages(
  body: Buffer,
  encoding: MessageEncoding,
  contentType: string | undefined,
): InboundMessage[] {
  const messages: InboundMessage[] = [];
  for (let start = 0; start < body.length;) {
    const newline = body.indexOf(LF, start);
    const end = newline === -1 ? body.length : newline;
    const line = body.subarray(start, end > start && body[end - 1] === CR ? end - 1 : end);
    if (!isBlank(line, encoding)) messages.push({ value: line, contentType });
    start = end + 1;
  }
  return messages;
}

/** No printable ASCII character (a record starts with one), and nothing but white space. */
const isBlank = (line: Buffer, encoding: MessageEncoding) =>
  !line.some((byte) => byte > SPACE && byte < 0x80) && decodeText(line, encoding).trim() === '';

function jsonArrayMessages(
  body: Buffer,
  encoding: MessageEncoding,
  contentType: string | undefined,
): InboundMessage[] {
  let records: unknown;
  try {
    // Read leniently (U+FFFD for bytes the charset cannot hold) only to check the body's shape.
    records = JSON.parse(decodeText(body, encoding));
  } catch (error) {
    throw new BadRequestException(`body is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(records)) throw new BadRequestException(NOT_A_BODY);
  if (firstInvalidByte(body, encoding) === undefined)
    return records.map((record) => ({ value: JSON.stringify(record) }));
  return arrayElements(body, encoding).map((value) => ({ value, contentType }));
}

/**
 * The bytes of each element of a JSON array (a body known to parse), told apart by its commas
 * and brackets outside strings. A multi-byte character is stepped over whole: in GB18030 its
 * second byte may be 0x5C, 0x5D or 0x7D, which alone are `\`, `]` and `}`. A byte the charset
 * cannot hold is stepped over alone, as the lenient reading did.
 */
export function arrayElements(body: Buffer, encoding: MessageEncoding): Buffer[] {
  const elements: Buffer[] = [];
  const add = (start: number, end: number) => {
    const element = trimWhiteSpace(body.subarray(start, end));
    if (element.length > 0) elements.push(element);
  };
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < body.length;) {
    const byte = body[i];
    let step = byte < 0x80 ? 1 : Math.max(1, characterLength(body, i, encoding));
    if (inString) {
      // An escape is ASCII (\" \\ \/ \b \f \n \r \t \uXXXX): its second byte is no quote.
      if (byte === BACKSLASH) step = 2;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      depth += 1;
      if (depth === 1) start = i + 1;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      if (depth === 1) add(start, i);
      depth -= 1;
    } else if (byte === COMMA && depth === 1) {
      add(start, i);
      start = i + 1;
    }
    i += step;
  }
  return elements;
}

const isWhiteSpace = (byte: number) => byte === SPACE || byte === TAB || byte === LF || byte === CR;

function trimWhiteSpace(bytes: Buffer): Buffer {
  let [start, end] = [0, bytes.length];
  while (start < end && isWhiteSpace(bytes[start])) start += 1;
  while (end > start && isWhiteSpace(bytes[end - 1])) end -= 1;
  return bytes.subarray(start, end);
}
