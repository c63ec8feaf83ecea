import { ENTITY_TYPES } from '@hub/model';
import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';
import { CHANGE_TYPE_PREFIX } from './entity-changes';

/*
 * What a subscriber may ask the change feed and webhooks for: a cursor and event types. Both are
 * checked where the request comes in, because a wrong one is silent further down: a type nobody
 * emits matches no event, and the page moves the cursor past everything it did not match, so a
 * subscriber that misspelled a type would skip the whole log without an error.
 */

/** What happens to an entity, after `<prefix><entity type>.` (schemas/events/change-event.schema.json). */
const CHANGE_KINDS = [
  'created',
  'updated',
  'revived',
  'ended',
  'merged',
  'split',
  'relation.added',
  'relation.ended',
] as const;

/** Every CloudEvents `type` of a change event, as the event schema defines them. */
export const CHANGE_TYPES: readonly string[] = ENTITY_TYPES.flatMap((entity) =>
  CHANGE_KINDS.map((kind) => `${CHANGE_TYPE_PREFIX}${entity}.${kind}`),
);

const KNOWN_TYPES: ReadonlySet<string> = new Set(CHANGE_TYPES);

/** The change log's positions are a PostgreSQL bigint: a larger cursor is none. */
export const MAX_CHANGE_POSITION = 9_223_372_036_854_775_807n;

/** Whether `text` is a change-log position (decimal digits, 0 to the largest bigint). */
export function isChangeCursor(text: unknown): text is string {
  return typeof text === 'string' && /^\d{1,19}$/.test(text) && BigInt(text) <= MAX_CHANGE_POSITION;
}

/** A change-log position (`after`): digits, at most the largest bigint. */
export function IsChangeCursor(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isChangeCursor',
      validator: {
        validate: isChangeCursor,
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be a change-feed cursor: the \`next\` or \`position\` the hub gave, a whole number from 0 to ${MAX_CHANGE_POSITION}`,
          options,
        ),
      },
    },
    options,
  );
}

/** The items of a comma-separated list (the change feed's `types`) or of an array (a webhook's). */
const itemsOf = (value: unknown): unknown[] =>
  typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [value];

/** An item as the error names it: quoted, and short whatever was sent. */
const quoted = (item: unknown) => JSON.stringify(String(item).slice(0, 64));

/**
 * Change types, each one of CHANGE_TYPES: comma-separated in a string or items of an array. The
 * error names the unknown ones (the first five) and lists the valid ones.
 */
export function IsChangeTypes(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isChangeTypes',
      validator: {
        validate: (value: unknown) =>
          itemsOf(value).every((item) => typeof item === 'string' && KNOWN_TYPES.has(item)),
        defaultMessage: (args) => {
          const unknown = itemsOf(args?.value).filter(
            (item) => typeof item !== 'string' || !KNOWN_TYPES.has(item),
          );
          return `${args?.property ?? 'types'}: unknown change type ${unknown.slice(0, 5).map(quoted).join(', ')}${unknown.length > 5 ? ', …' : ''}; the change types are ${CHANGE_TYPES.join(', ')}`;
        },
      },
    },
    options,
  );
}
