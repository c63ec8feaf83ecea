import fc from 'fast-check';
import {
  goldenOrganization,
  goldenPerson,
  survivingDivision,
  type GoldenInput,
  type SurvivorshipRules,
} from './survivorship';
import type { PersonFeatures } from './person-features';
import { featuresOf } from './test-features';

const rules: SurvivorshipRules = {
  person: { birthDate: ['population', 'grid'] },
  organization: { name: ['assistance', 'grid'] },
  conflicts: { person: [] },
};

describe('goldenOrganization', () => {
  const org = (
    feed: string,
    observedAt: string,
    name: string | null,
    uscc: string | null = null,
  ) => ({
    feed,
    observedAt,
    columns: { name, uscc },
  });

  it('takes each column from the feed ranked first, whatever came last', () => {
    expect(
      goldenOrganization(
        [
          org('assistance', '2023-09-01T02:00:00.000000', '江津区东门社区邻里互助服务中心'),
          org('grid', '2023-09-05T02:00:00.000000', '东门社区邻里互助服务中心'),
        ],
        rules,
      ),
    ).toEqual({ name: '江津区东门社区邻里互助服务中心', uscc: null });
  });

  it('takes the newest among equals, and a value from any feed over none', () => {
    expect(
      goldenOrganization(
        [
          org('grid', '2023-09-05T02:00:00.000000', '旧名', '52500116000044120X'),
          org('grid', '2023-09-06T02:00:00.000000', '新名'),
          org('assistance', '2023-09-07T02:00:00.000000', null),
        ],
        rules,
      ),
    ).toEqual({ name: '新名', uscc: '52500116000044120X' });
  });

  it('ranks a feed that is not listed last', () => {
    expect(
      goldenOrganization(
        [
          org('disability', '2023-09-09T02:00:00.000000', '残联的写法'),
          org('grid', '2023-09-01T02:00:00.000000', '网格的写法'),
        ],
        rules,
      ).name,
    ).toBe('网格的写法');
  });
});

describe('goldenPerson', () => {
  const person = (feed: string, observedAt: string, birthDate: string) => ({
    feed,
    sourceRecordId: `${feed}-1`,
    pointer: '',
    observedAt,
    features: { birthDate } as PersonFeatures,
  });

  it('lets a full birth date of the same feed and time beat a partial one', () => {
    expect(
      goldenPerson(
        [
          person('grid', '2023-09-01T02:00:00.000000', '1956-03'),
          person('grid', '2023-09-01T02:00:00.000000', '1956-03-02'),
        ],
        rules,
      ).birth_date,
    ).toBe('1956-03-02');
  });
});

describe('survivingDivision', () => {
  const ORDER = ['township', 'grid', 'assistance', 'population'];
  const DINGSHAN = '500116005'; // 鼎山街道
  const DONGMEN = '500116005002'; // 东门社区, under it
  const LANGSHAN = '500116005001'; // 琅山社区, its neighbour
  const NANMEN = '500116001002'; // 南门社区 of 几江街道, another township
  let n = 0;
  /** A mention whose record's address names `division`, and a grid code when `grid` is given. */
  const placed = (
    feed: string,
    observedAt: string,
    division: string | null,
    grid?: string,
  ): GoldenInput => ({
    feed,
    sourceRecordId: `${feed}-${++n}`,
    pointer: '',
    observedAt,
    features: featuresOf({
      name: '王秀兰',
      ...(division ? { residenceAddress: { divisionCode: division, detail: '双福大道72号' } } : {}),
      ...(grid ? { gridCode: grid } : {}),
    }),
  });
  const T1 = '2024-03-01T01:00:00.000000';
  const T2 = '2024-05-01T01:00:00.000000';

  it('puts a person whose addresses name only the township in the community of their grid', () => {
    expect(
      survivingDivision(
        [placed('grid', T1, DINGSHAN, `${DONGMEN}-03`), placed('population', T2, DINGSHAN)],
        ORDER,
      ),
    ).toBe(DONGMEN);
  });

  it('takes the community another current source names under the township the first one gives', () => {
    expect(
      survivingDivision([placed('grid', T2, DINGSHAN), placed('population', T1, DONGMEN)], ORDER),
    ).toBe(DONGMEN);
  });

  it('never moves a person to another township, nor out of the community chosen', () => {
    expect(
      survivingDivision(
        [placed('grid', T1, DINGSHAN, `${NANMEN}-01`), placed('population', T2, NANMEN)],
        ORDER,
      ),
    ).toBe(DINGSHAN);
    expect(
      survivingDivision(
        [placed('grid', T1, DONGMEN, `${LANGSHAN}-01`), placed('population', T2, LANGSHAN)],
        ORDER,
      ),
    ).toBe(DONGMEN);
  });

  it('chooses among refinements by the same order: the feed first, then the newest', () => {
    expect(
      survivingDivision(
        [placed('grid', T1, DINGSHAN, `${DONGMEN}-01`), placed('population', T2, LANGSHAN)],
        ORDER,
      ),
    ).toBe(DONGMEN);
    // The grid worker's newer record moves the person within the township.
    expect(
      survivingDivision(
        [
          placed('grid', T1, DONGMEN, `${DONGMEN}-01`),
          placed('grid', T2, DINGSHAN, `${LANGSHAN}-02`),
        ],
        ORDER,
      ),
    ).toBe(LANGSHAN);
  });

  it('narrows step by step: county, then township, then community', () => {
    expect(
      survivingDivision(
        [
          placed('grid', T1, '500116'),
          placed('assistance', T1, DINGSHAN),
          placed('population', T1, DONGMEN),
        ],
        ORDER,
      ),
    ).toBe(DONGMEN);
  });

  it('takes the grid’s community when no address names a division, and none from nothing', () => {
    expect(
      survivingDivision(
        [placed('grid', T1, null, `${DONGMEN}-03`), placed('population', T2, null)],
        ORDER,
      ),
    ).toBe(DONGMEN);
    expect(survivingDivision([placed('population', T2, null)], ORDER)).toBeNull();
  });

  it('reads features stored before grid communities were (no gridCommunity)', () => {
    const stored = placed('grid', T1, DINGSHAN);
    expect(stored.features.gridCommunity).toBeUndefined();
    expect(survivingDivision([stored], ORDER)).toBe(DINGSHAN);
  });

  it('gives the same division whatever order the mentions come in', () => {
    const inputs = [
      placed('grid', T1, DINGSHAN, `${DONGMEN}-03`),
      placed('grid', T1, DINGSHAN, `${LANGSHAN}-01`),
      placed('population', T2, LANGSHAN),
      placed('assistance', T2, NANMEN),
      placed('township', T1, '500116'),
    ];
    const expected = survivingDivision(inputs, ORDER);
    // Two grid records of the same time: the lower code.
    expect(expected).toBe(LANGSHAN);
    fc.assert(
      fc.property(fc.shuffledSubarray(inputs, { minLength: inputs.length }), (shuffled) => {
        expect(survivingDivision(shuffled, ORDER)).toBe(expected);
      }),
    );
  });

  it('is the golden division_code', () => {
    expect(
      goldenPerson([placed('grid', T1, DINGSHAN, `${DONGMEN}-03`)], {
        ...rules,
        person: { division: ORDER },
      }).division_code,
    ).toBe(DONGMEN);
  });
});
