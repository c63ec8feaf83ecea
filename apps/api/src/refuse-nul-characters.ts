import {
  BadRequestException,
  Injectable,
  type ArgumentMetadata,
  type PipeTransform,
} from '@nestjs/common';

/** Metatypes of arguments no handler validates: a `@Body() body: unknown` is a department push. */
const UNTYPED = new Set<unknown>([undefined, Object, Array, String, Number, Boolean, Buffer]);

/**
 * Where in `value` a string or an object key holds U+0000: `name`, `values.applicant.phone`,
 * `mentions[0].feed`; undefined when none does.
 */
export function nulCharacterAt(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulCharacterAt(item, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    // A key is named with its NUL written out: the answer does not carry the character itself.
    const at = `${path === '' ? '' : `${path}.`}${key.replaceAll('\u0000', '\\u0000')}`;
    if (key.includes('\u0000')) return at;
    const found = nulCharacterAt(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

const KIND = { query: 'query parameter', param: 'path parameter', body: 'body field' } as const;

/**
 * Answers 400 to a query or path parameter, or a field of a typed request body, that holds the
 * character U+0000 (NUL): PostgreSQL text and jsonb cannot hold it, so the query it would go
 * into fails (a 500), and no stored value could ever match it. Runs before the ValidationPipe,
 * on every route. Untyped bodies (a department's records) are left to the feed pipeline, which
 * keeps such a record as an `unstorable` reject.
 */
@Injectable()
export class RefuseNulCharacters implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    if (metadata.type === 'body' && UNTYPED.has(metadata.metatype)) return value;
    const found = nulCharacterAt(value);
    if (found === undefined) return value;
    const name = [metadata.data, found].filter(Boolean).join('.');
    throw new BadRequestException(
      `${KIND[metadata.type]}${name ? ` ${name}` : ''} contains the character U+0000 (NUL), which the hub accepts in no text`,
    );
  }
}
