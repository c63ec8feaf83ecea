import fc from 'fast-check';
import type { FieldPolicy } from './access-rules';
import { applyFieldPolicy, maskAddress, maskIdNumber, maskPhone } from './masking';

const FULL: FieldPolicy = { idNumber: 'full', phone: 'full', address: 'full' };
const GRID: FieldPolicy = { idNumber: 'masked', phone: 'full', address: 'full' };
const NONE: FieldPolicy = { idNumber: 'omit', phone: 'omit', address: 'omit' };
const ID = '500381198001012029';

describe('masks', () => {
  it('shows an ID number as 500381********2029 and a phone as 138****6789', () => {
    expect(maskIdNumber(ID)).toBe('500381********2029');
    expect(maskPhone('13812346789')).toBe('138****6789');
    expect(maskPhone('138 1234 6789')).toBe('138****6789');
  });

  it('keeps an address up to its community', () => {
    expect(maskAddress('江津区鼎山街道东门社区双福大道72号2栋3单元501')).toBe(
      '江津区鼎山街道东门社区***',
    );
    expect(maskAddress({ divisionCode: '500116005001', detail: '双福大道72号' })).toEqual({
      divisionCode: '500116005001',
      detail: '***',
    });
  });

  it('never leaves more than the first six and last four characters of an ID', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}[\dX]$/), (id) => {
        const masked = maskIdNumber(id);
        expect(masked.length).toBe(18);
        expect(masked.slice(6, 14)).toBe('********');
      }),
    );
  });
});

describe('applyFieldPolicy', () => {
  const person = {
    id: 'p1',
    name: '李秀英',
    idNumber: ID,
    phone: '13812346789',
    flags: [{ attribute: 'idNumber', values: [{ value: ID, feed: 'population' }] }],
    candidates: {
      idNumber: [{ value: ID, valid: true, feed: 'population', sourceRecordId: 'R1' }],
      residenceAddress: [{ value: { divisionCode: '500116005001', detail: '东门路12号' } }],
      name: [{ value: '李秀英', feed: 'population' }],
    },
  };

  it('leaves everything for a policy of full fields and says which were shown', () => {
    const { body, masked, unmasked } = applyFieldPolicy(person, FULL);
    expect(body).toEqual(person);
    expect(masked).toEqual([]);
    expect(unmasked).toEqual(['address', 'idNumber', 'phone']);
  });

  it('masks the ID number wherever it appears for a grid worker', () => {
    const { body, masked, unmasked } = applyFieldPolicy(person, GRID);
    expect(JSON.stringify(body)).not.toContain(ID);
    expect(body.idNumber).toBe('500381********2029');
    expect(body.candidates.idNumber[0]).toEqual({
      value: '500381********2029',
      valid: true,
      feed: 'population',
      sourceRecordId: 'R1',
    });
    expect(body.flags[0].values[0].value).toBe('500381********2029');
    expect(body.candidates.name[0].value).toBe('李秀英');
    expect(body.phone).toBe('13812346789');
    expect(masked).toEqual(['idNumber']);
    expect(unmasked).toEqual(['address', 'phone']);
  });

  it('leaves the fields out for a role that may not see them', () => {
    const { body } = applyFieldPolicy(person, NONE);
    expect(body).not.toHaveProperty('idNumber');
    expect(body).not.toHaveProperty('phone');
    expect(body.candidates).toEqual({ name: person.candidates.name });
    expect(JSON.stringify(body)).not.toContain(ID);
  });

  it('masks change events: attributes and changed before/after', () => {
    const event = {
      data: {
        attributes: { name: '王', idNumber: ID, phone: '13812346789' },
        changed: { phone: { before: '13900000000', after: '13812346789' } },
      },
    };
    const { body } = applyFieldPolicy(event, { ...GRID, phone: 'masked' });
    expect(body.data.attributes).toEqual({
      name: '王',
      idNumber: '500381********2029',
      phone: '138****6789',
    });
    expect(body.data.changed.phone).toEqual({ before: '139****0000', after: '138****6789' });
  });

  it('does not touch the input', () => {
    const copy = structuredClone(person);
    applyFieldPolicy(person, NONE);
    expect(person).toEqual(copy);
  });
});
