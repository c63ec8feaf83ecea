import fc from 'fast-check';
import {
  ADDRESS_PARTS,
  addressParts,
  formatStandardAddress,
  parentAddress,
  standardAddress,
  type StandardAddress,
} from './standard-address';
import { chineseNumeral, messUp } from './test-arbitraries';

const address = addressParts;

const FLAT = address({ road: '双福大道', number: '72', building: '2', unit: '3', room: '501' });

describe('standardAddress', () => {
  it.each([
    '双福大道72号2栋3单元501室',
    '双福大道72号2-3-501',
    '双福大道72号2幢3单元501',
    '双福大道72号2号楼3单元501室',
    '双福大道７２号２栋３单元５０１室',
    '双福大道72号二栋三单元五〇一室',
    '双福大道72号二栋三单元五〇一',
    '双福大道72号2栋三单元0501',
    ' 双福大道 72号　2栋 3单元 501室 ',
    '双福大道72号2栋3-501',
    '双福大道72号2栋3单元5楼501室',
    '双福大道72号2#楼3单元501室',
    '双福大道72号2栋3单元501号',
  ])('reads %j as 双福大道 72号 2栋 3单元 501室', (detail) => {
    expect(standardAddress(detail)).toEqual(FLAT);
    expect(formatStandardAddress(standardAddress(detail))).toBe('双福大道72号2栋3单元501室');
  });

  it('reads building-room without a unit', () => {
    expect(formatStandardAddress(standardAddress('滨江大道8号2-1103'))).toBe(
      '滨江大道8号2栋1103室',
    );
  });

  it("reads Chongqing's floor-flat form after a number (5-2 is floor 5, flat 2)", () => {
    const floorFlat = address({ road: '解放路', number: '9', floor: '5', room: '2' });
    expect(standardAddress('解放路9号5-2')).toEqual(floorFlat);
    expect(standardAddress('解放路9号5楼2号')).toEqual(floorFlat);
    expect(standardAddress('解放路九号五楼二号')).toEqual(floorFlat);
    expect(formatStandardAddress(floorFlat)).toBe('解放路9号5层2室');
  });

  it('reads annex numbers (附号)', () => {
    const annex = address({ road: '东门路', number: '12', annex: '3' });
    expect(standardAddress('东门路12号附3号')).toEqual(annex);
    expect(standardAddress('东门路12号附三号')).toEqual(annex);
    expect(standardAddress('东门路12-3号')).toEqual(annex);
    expect(formatStandardAddress(annex)).toBe('东门路12号附3号');
  });

  it('reads village groups, in digits or numerals, 组 or 社', () => {
    const home = address({ group: '3', number: '41' });
    expect(standardAddress('3组41号')).toEqual(home);
    expect(standardAddress('三组41号')).toEqual(home);
    expect(standardAddress('3社41号')).toEqual(home);
    expect(standardAddress('3村民小组41号')).toEqual(home);
    expect(formatStandardAddress(home)).toBe('3组41号');
  });

  it('keeps a village or community that is not among the divisions apart from the road', () => {
    expect(standardAddress('艾坪山社区双福大道72号2栋3单元501室')).toEqual({
      ...FLAT,
      community: '艾坪山社区',
    });
    expect(standardAddress('石龙村三组41号')).toEqual(
      address({ community: '石龙村', group: '3', number: '41' }),
    );
    expect(standardAddress('石龙村村民委员会3组41号')).toMatchObject({ community: '石龙村' });
  });

  it('leaves names that hold numerals or 村 alone', () => {
    expect(standardAddress('五一社区东门路1号')).toMatchObject({
      community: '五一社区',
      road: '东门路',
    });
    expect(standardAddress('一号路5号')).toMatchObject({ road: '一号路', number: '5' });
    expect(standardAddress('三峡路十二号')).toMatchObject({ road: '三峡路', number: '12' });
    expect(standardAddress('新村路8号')).toMatchObject({ community: null, road: '新村路' });
  });

  it('reads an estate without a road number as the road part', () => {
    expect(standardAddress('金科世纪城12号楼3单元501')).toEqual(
      address({ road: '金科世纪城', building: '12', unit: '3', room: '501' }),
    );
  });

  it('keeps what it cannot place', () => {
    expect(standardAddress('老街菜市场旁')).toEqual(address({ rest: '老街菜市场旁' }));
    expect(standardAddress('东门路12号门面')).toEqual(
      address({ road: '东门路', number: '12', rest: '门面' }),
    );
    expect(standardAddress('东门路')).toEqual(address({ road: '东门路' }));
    expect(formatStandardAddress(standardAddress('老街 菜市场旁'))).toBe('老街菜市场旁');
  });
});

describe('parentAddress', () => {
  it('walks a flat up to its house number', () => {
    const chain: string[] = [];
    for (let a: StandardAddress | null = FLAT; a; a = parentAddress(a))
      chain.push(formatStandardAddress(a));
    expect(chain).toEqual([
      '双福大道72号2栋3单元501室',
      '双福大道72号2栋3单元',
      '双福大道72号2栋',
      '双福大道72号',
    ]);
  });

  it('gives no parent to an address with a rest it cannot place', () => {
    expect(parentAddress(address({ road: '东门路', number: '12', rest: '门面' }))).toBeNull();
  });
});

// ---- property: any address, however it is written, parses back to its parts ----------------

const ROADS = ['双福大道', '东门路', '滨江路', '鼎山大道', '几江街', '小南巷', '金科世纪城'];
const small = fc.integer({ min: 1, max: 30 });

/** Parts as an address gives them: a road or a village group, and what follows as far as it goes. */
const partsArbitrary: fc.Arbitrary<StandardAddress> = fc
  .record({
    community: fc.option(fc.constantFrom('艾坪山社区', '石龙村'), { nil: null }),
    village: fc.boolean(),
    road: fc.constantFrom(...ROADS),
    group: small,
    number: fc.integer({ min: 1, max: 999 }),
    annex: fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }),
    building: fc.option(small, { nil: null }),
    unit: fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }),
    floor: fc.integer({ min: 1, max: 33 }),
    flat: fc.integer({ min: 1, max: 12 }),
    depth: fc.integer({ min: 0, max: 3 }),
  })
  .map((a) => {
    const building = a.depth >= 1 ? String(a.building ?? 1) : null;
    const unit = a.depth >= 2 && a.unit !== null ? String(a.unit) : null;
    return address({
      community: a.community,
      group: a.village ? String(a.group) : null,
      road: a.village ? null : a.road,
      number: String(a.number),
      annex: a.annex === null ? null : String(a.annex),
      building,
      unit,
      room: a.depth >= 3 ? `${a.floor}${String(a.flat).padStart(2, '0')}` : null,
    });
  });

/** One way of writing the parts: markers, numerals, hyphen forms, dropped 室. */
const spelled = (parts: StandardAddress) =>
  fc
    .record({
      buildingMark: fc.constantFrom('栋', '幢', '号楼', '座'),
      numerals: fc.boolean(),
      hyphens: fc.boolean(),
      roomMark: fc.constantFrom('室', '', '号'),
      groupMark: fc.constantFrom('组', '社'),
      annexDash: fc.boolean(),
    })
    .chain((s) => {
      const n = (value: string) =>
        s.numerals && Number(value) < 100 ? chineseNumeral(Number(value)) : value;
      const head = [
        parts.community ?? '',
        parts.group === null ? '' : `${n(parts.group)}${s.groupMark}`,
        parts.road ?? '',
        parts.annex !== null && s.annexDash
          ? `${parts.number}-${parts.annex}号`
          : `${parts.number}号${parts.annex === null ? '' : `附${parts.annex}号`}`,
      ].join('');
      const { building, unit, room } = parts;
      const tail =
        s.hyphens && building !== null && room !== null
          ? [building, unit, room].filter((p) => p !== null).join('-')
          : [
              building === null ? '' : `${n(building)}${s.buildingMark}`,
              unit === null ? '' : `${n(unit)}单元`,
              room === null ? '' : `${room}${s.roomMark}`,
            ].join('');
      return messUp(head + tail);
    });

describe('standardAddress, for any address', () => {
  it('parses every spelling of an address back to its parts', () => {
    fc.assert(
      fc.property(
        partsArbitrary.chain((parts) => fc.tuple(fc.constant(parts), spelled(parts))),
        ([parts, text]) => {
          expect(standardAddress(text)).toEqual(parts);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('formats parts as a text that parses back to them', () => {
    fc.assert(
      fc.property(partsArbitrary, (parts) => {
        expect(standardAddress(formatStandardAddress(parts))).toEqual(parts);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws and covers every character it is given', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const parts = standardAddress(text);
        expect(ADDRESS_PARTS.every((p) => parts[p] === null || parts[p] !== '')).toBe(true);
      }),
    );
  });
});
