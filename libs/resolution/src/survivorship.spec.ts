import { goldenOrganization, goldenPerson, type SurvivorshipRules } from './survivorship';
import type { PersonFeatures } from './person-features';

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
