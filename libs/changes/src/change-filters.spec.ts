import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSync } from 'class-validator';
import { findSchemasDir } from '@hub/contracts';
import { CHANGE_TYPES, IsChangeCursor, IsChangeTypes, isChangeCursor } from './change-filters';

class Filter {
  @IsChangeCursor() after?: string;
  @IsChangeTypes() types?: string | string[];
}

const errorsOf = (values: Partial<Filter>) =>
  validateSync(Object.assign(new Filter(), { after: '0', types: [], ...values })).flatMap((e) =>
    Object.values(e.constraints ?? {}),
  );

describe('change filters', () => {
  it('knows exactly the types the change-event schema allows', () => {
    const schema = JSON.parse(
      readFileSync(join(findSchemasDir(), 'events/change-event.schema.json'), 'utf8'),
    ) as { properties: { type: { pattern: string } } };
    const pattern = new RegExp(schema.properties.type.pattern);
    expect(CHANGE_TYPES.filter((type) => !pattern.test(type))).toEqual([]);
    // The pattern's alternatives: five entity types, eight kinds.
    expect(new Set(CHANGE_TYPES).size).toBe(5 * 8);
    expect(CHANGE_TYPES).toContain('cn.gov.hub.person.relation.added');
  });

  it('takes cursors from 0 to the largest bigint', () => {
    for (const cursor of ['0', '1042', '9223372036854775807', '00042'])
      expect(isChangeCursor(cursor)).toBe(true);
    for (const cursor of ['9223372036854775808', '9999999999999999999', '99999999999999999999'])
      expect(isChangeCursor(cursor)).toBe(false);
    for (const cursor of ['', '-1', '1.5', '1e3', ' 1', '1\n', undefined, 7])
      expect(isChangeCursor(cursor)).toBe(false);
    expect(errorsOf({ after: '9223372036854775808' })).toEqual([
      expect.stringMatching(
        /^after must be a change-feed cursor: .* from 0 to 9223372036854775807$/,
      ),
    ]);
  });

  it('refuses an unknown type, naming it and the valid ones', () => {
    expect(errorsOf({ types: 'cn.gov.hub.person.created,cn.gov.hub.place.updated' })).toEqual([]);
    expect(errorsOf({ types: ['cn.gov.hub.event.relation.ended'] })).toEqual([]);
    const [message] = errorsOf({ types: 'cn.gov.hub.person.created,person.created' });
    expect(message).toMatch(/^types: unknown change type "person\.created"; the change types are /);
    for (const type of CHANGE_TYPES) expect(message).toContain(type);
    expect(errorsOf({ types: ['cn.gov.hub.nothing.created', 7 as unknown as string] })).toEqual([
      expect.stringMatching(/^types: unknown change type "cn\.gov\.hub\.nothing\.created", "7";/),
    ]);
    expect(errorsOf({ types: '' })).toEqual([expect.stringMatching(/unknown change type "";/)]);
  });
});
