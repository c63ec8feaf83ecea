import { blockKeys, placeBlock, placeBlocksOf } from './block-keys';
import { personFeatures, type PersonFeatures } from './person-features';
import { keyedEntityId } from './keyed-entities';
import { personContext } from './record-context';

const blockKey = (f: Parameters<typeof blockKeys>[0]) => blockKeys(f).block;
import { DECISIVE_MARGIN, oneEditApart, scorePair } from './person-match';
import { featuresOf } from './test-features';

const person = featuresOf;

const ID = '500381195603022029';

describe('person features', () => {
  it('give homophones, traditional forms and the minority dot one blocking key', () => {
    const keys = ['张伟', '张玮', '張偉'].map((name) =>
      blockKey(person({ name, birthDate: '1980-01-02' })),
    );
    expect(new Set(keys)).toEqual(new Set(['zhangwei|1980']));
    expect(blockKey(person({ name: '阿依古丽·买买提' }))).toBe(
      blockKey(person({ name: '阿依古丽买买提' })),
    );
  });

  it('put a mention without a name in a block of its valid ID alone, and one without either in none', () => {
    const nameless = personFeatures([{ attribute: 'idNumber', value: ID, valid: true }], {
      places: [keyedEntityId('place|500116005|东门路12号3栋2单元501室')],
    });
    expect(blockKeys(nameless)).toEqual({ block: `|i${ID}`, anchorBlock: null });
    expect(placeBlocksOf(nameless)).toEqual([]);
    expect(blockKeys(person({ birthDate: '1980-01-02', phone: '13800000000' }))).toEqual({
      block: null,
      anchorBlock: null,
    });
  });

  it('put a family member with only a name in the block of the person it is family of', () => {
    const member = personFeatures([{ attribute: 'name', value: '王建国', valid: true }], {
      familyOf: ID,
    });
    expect(blockKeys(member)).toEqual({ block: `wangjianguo|f${ID}`, anchorBlock: null });
    // In that household, the same name is the same person.
    const police = person({
      name: '王建国',
      idNumber: '500381195809113110',
      householdNumber: 'H1',
    });
    expect(scorePair({ ...member, household: 'H1' }, police).score).toBeGreaterThanOrEqual(0.75);
  });

  it('put a house owner given by name only in the block of the flat, beside the persons tied to it', () => {
    const flat = keyedEntityId('place|500116005|东门路12号3栋2单元501室');
    const address = { divisionCode: '500116005', detail: '东门路12号3-2-501' };
    const house = {
      mentions: [
        { key: 'house', entityType: 'object', values: [] },
        {
          key: 'owner',
          entityType: 'person',
          values: [{ attribute: 'name', value: '李秀英', valid: true }],
        },
        {
          key: 'site',
          entityType: 'place',
          values: [{ attribute: 'address', value: address, valid: true }],
        },
      ],
      relations: [
        { type: 'owns', fromKey: 'owner', toKey: 'house' },
        { type: 'located_at', fromKey: 'house', toKey: 'site' },
      ],
    };
    const context = personContext(house, 'owner');
    expect(context).toEqual({
      familyOf: null,
      places: [flat],
      buildings: [keyedEntityId('place|500116005|东门路12号3栋')],
    });
    const owner = personFeatures(house.mentions[1].values, context);
    expect(blockKeys(owner).block).toBe(`lixiuying|a${flat}`);
    expect(placeBlock(`lixiuying|a${flat}`)).toEqual({ nameKey: 'lixiuying', place: flat });
    // The police resident registered at that flat is a candidate there, and the flat is evidence.
    const police = personFeatures(
      [
        { attribute: 'name', value: '李秀英', valid: true },
        { attribute: 'idNumber', value: ID, valid: true },
      ],
      { places: [flat] },
    );
    expect(placeBlocksOf(police)).toEqual([`lixiuying|a${flat}`]);
    expect(scorePair(owner, police).evidence.map((e) => e.rule)).toEqual([
      'same-name',
      'same-address',
    ]);
    expect(scorePair(owner, police).score).toBeGreaterThanOrEqual(0.75);
  });

  it('take birth date and gender from a valid ID, and the block year from a mistyped one', () => {
    expect(person({ name: '李秀英', idNumber: ID })).toMatchObject({
      birthDate: '1956-03-02',
      gender: '2',
    });
    expect(blockKey(person({ name: '李秀英' }, { idNumber: '50038119560302202X' }))).toBe(
      'lixiuying|1956',
    );
  });
});

describe('scorePair on residents without an ID number (the addresses issue)', () => {
  const FLAT = keyedEntityId('place|500116005|双福大道72号2栋3单元501室');
  const BUILDING = keyedEntityId('place|500116005|双福大道72号2栋');
  const police = personFeatures(
    [
      { attribute: 'name', value: '李秀英', valid: true },
      { attribute: 'idNumber', value: ID, valid: true },
      { attribute: 'residenceAddress', value: { divisionCode: '500116005002' }, valid: true },
    ],
    { places: [FLAT], buildings: [BUILDING] },
  );
  const grid = (values: Record<string, unknown>, places = [FLAT], buildings = [BUILDING]) =>
    personFeatures(
      Object.entries({
        name: '李秀英',
        gender: '2',
        birthDate: '1956-03',
        residenceAddress: { divisionCode: '500116005002' },
        ...values,
      }).map(([attribute, value]) => ({ attribute, value, valid: true })),
      { places, buildings },
    );
  const rules = (a: PersonFeatures, b: PersonFeatures) =>
    scorePair(a, b).evidence.map((e) => e.rule);

  it('links a name, gender and year-month birth date at the same flat', () => {
    expect(scorePair(grid({}), police).score).toBeGreaterThanOrEqual(0.75);
    expect(rules(grid({}), police)).toContain('same-address');
  });

  it('links them in the same building with the same household head when the flat differs', () => {
    const other = keyedEntityId('place|500116005|双福大道72号2栋');
    const a = grid({ householdHeadName: '王建国', relationToHead: '10' }, [other]);
    const b = grid({ householdHeadName: '王建国', relationToHead: '10', birthDate: '1956-03-02' });
    expect(rules(a, b)).toContain('same-building-same-household-head');
    expect(scorePair(a, b).score).toBeGreaterThanOrEqual(0.75);
    // Another head in the building: a namesake of another household, not linked.
    const c = grid({ householdHeadName: '张伟', relationToHead: '10' });
    expect(rules(a, c)).not.toContain('same-building-same-household-head');
    expect(scorePair(a, c).score).toBeLessThan(0.75);
  });

  it('keeps twins apart: same flat and birth date, another name', () => {
    const twin = grid({ name: '李秀兰', birthDate: '1956-03-02' });
    expect(scorePair(twin, police).score).toBeLessThan(0.75);
    // Beside the twin's own record, the twin's sister is far behind (see DECISIVE_MARGIN).
    const own = grid({ name: '李秀兰', birthDate: '1956-03-02', phone: '13823456789' });
    expect(scorePair(twin, own).weight - scorePair(twin, police).weight).toBeGreaterThanOrEqual(
      DECISIVE_MARGIN,
    );
  });

  it('keeps namesakes of one flat apart when their birth years differ', () => {
    expect(scorePair(grid({ birthDate: '1981-05' }), police).cannotLink).toBe(
      'different-birth-dates',
    );
  });

  it('links an incident participant by name and phone, never by name alone', () => {
    const withPhone = person({ name: '李秀英', phone: '13823456789' });
    expect(
      scorePair(withPhone, person({ name: '李秀英', idNumber: ID, phone: '13823456789' })).score,
    ).toBeGreaterThanOrEqual(0.75);
    expect(scorePair(person({ name: '李秀英' }), police).score).toBeLessThan(0.5);
  });
});

describe('scorePair', () => {
  const police = person({
    name: '李秀英',
    idNumber: ID,
    phone: '13823456789',
    residenceAddress: { divisionCode: '500116005' },
  });

  it('links the same valid ID and never two different valid IDs', () => {
    expect(scorePair(police, person({ name: '李秀英', idNumber: ID })).score).toBe(1);
    expect(
      scorePair(police, person({ name: '李秀英', idNumber: '500381195603021921' })).cannotLink,
    ).toBe('different-id-numbers');
  });

  it('scores a grid observation with a mistyped ID high, as evidence rather than proof', () => {
    const grid = person(
      {
        name: '李秀英',
        birthDate: '1956-03',
        gender: '2',
        phone: '13823456789',
        residenceAddress: { divisionCode: '500116005' },
      },
      { idNumber: '50038119560302202X' },
    );
    const s = scorePair(police, grid);
    expect(s.evidence.map((e) => e.rule)).toContain('id-number-one-edit-apart');
    expect(s.score).toBeGreaterThanOrEqual(0.75);
  });

  it('links a name with an ID one edit from a valid ID, and sends a homophone with it to review', () => {
    const participant = (name: string) => person({ name }, { idNumber: '500381195603022028' });
    expect(scorePair(participant('李秀英'), police).score).toBeGreaterThanOrEqual(0.75);
    const homophone = scorePair(participant('李秀鹰'), police).score;
    expect(homophone).toBeGreaterThanOrEqual(0.5);
    expect(homophone).toBeLessThan(0.75);
  });

  it('takes a traditional form for the same name, and a homophone for weaker evidence', () => {
    const police = person({ name: '汤国永', phone: '18259651857' });
    const rules = (name: string) =>
      scorePair(person({ name, phone: '18259651857' }), police).evidence.map((e) => e.rule);
    expect(rules('湯國永')).toContain('same-name-traditional-form');
    expect(scorePair(person({ name: '湯國永', phone: '18259651857' }), police).score).toBe(
      scorePair(person({ name: '汤国永', phone: '18259651857' }), police).score,
    );
    expect(rules('汤国勇')).toContain('same-name-pinyin');
  });

  it('keeps namesakes apart: same name, another birth date', () => {
    const a = person({ name: '张伟', birthDate: '1980-01-02', gender: '1' });
    const b = person({ name: '张伟', birthDate: '1980-03-04', gender: '1' });
    expect(scorePair(a, b).cannotLink).toBe('different-birth-dates');
  });

  it('gives a bare name and gender too little to link', () => {
    const a = person({ name: '张伟', gender: '1' });
    const b = person({ name: '张伟', gender: '1' });
    expect(scorePair(a, b).score).toBeLessThan(0.5);
  });

  it('tells one substitution or one transposition from more', () => {
    expect(oneEditApart('123456', '123457')).toBe(true);
    expect(oneEditApart('123456', '123465')).toBe(true);
    expect(oneEditApart('123456', '124365')).toBe(false);
  });
});
