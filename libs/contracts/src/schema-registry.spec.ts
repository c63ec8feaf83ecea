import { randomUUID } from 'node:crypto';
import { SchemaRegistry } from './schema-registry';

describe('SchemaRegistry', () => {
  const registry = new SchemaRegistry();

  it('compiles every schema of the unified model', () => {
    expect(registry.files).toEqual(
      expect.arrayContaining([
        'model/person.schema.json',
        'model/event.schema.json',
        'model/object.schema.json',
        'model/place.schema.json',
        'model/organization.schema.json',
        'model/relation.schema.json',
        'model/attribute-value.schema.json',
      ]),
    );
  });

  it('accepts a person golden record and rejects a malformed ID number with its path', () => {
    const validate = registry.validator('model/person.schema.json');
    const person = {
      id: randomUUID(),
      name: '李秀英',
      idNumber: '500381195603022029',
      gender: '2',
      birthDate: '1956-03',
      status: 'normal',
    };
    expect(validate(person)).toBe(true);
    expect(validate({ ...person, idNumber: '50038119560302202x' })).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe('/idNumber');
  });

  it('requires provenance with a JSON Pointer on every attribute value', () => {
    const validate = registry.validator('model/attribute-value.schema.json');
    const value = {
      entityType: 'person',
      entityId: randomUUID(),
      attribute: 'name',
      value: '王建国',
      valid: true,
      source: {
        feed: 'assistance',
        sourceRecordId: 'CA-DB-2023-000481',
        version: '2',
        pointer: '/payload/members/0',
      },
      observedAt: '2023-08-20T08:02:11Z',
    };
    expect(validate(value)).toBe(true);
    expect(validate({ ...value, source: { ...value.source, pointer: 'payload/members/0' } })).toBe(
      false,
    );
  });

  it('accepts a merged event naming every person that took its mentions', () => {
    const validate = registry.validator('events/change-event.schema.json');
    const merged = {
      specversion: '1.0',
      id: randomUUID(),
      source: '/grassroots-hub',
      type: 'cn.gov.hub.person.merged',
      subject: randomUUID(),
      time: '2026-12-02T03:00:00.000Z',
      datacontenttype: 'application/json',
      entityseq: '3',
      entitytype: 'person',
      position: '81',
      data: { into: randomUUID(), alsoInto: [randomUUID()] },
    };
    expect(validate(merged) ? '' : registry.describe(validate.errors)).toBe('');
    expect(validate({ ...merged, data: { into: randomUUID(), alsoInto: [] } })).toBe(false);
  });

  it('names an unknown schema', () => {
    expect(() => registry.validator('model/nope.schema.json')).toThrow(/unknown schema/);
  });
});
