import {
  addressParts,
  chineseNumeral,
  FeedMessageFactory,
  FeedName,
  fullWidthDigits,
  GridMessage,
  Household,
  PopulationMessage,
  Resident,
  SourceRecord,
} from './feed-messages';
import { jiangjinDivisions } from './jiangjin';

// The hard cases of person resolution (issue 40) in the generated data, checked against the
// truth: what the bench scores has to be what the records say.

const FEED_WEIGHTS: [FeedName, number][] = [
  ['population', 0.4],
  ['assistance', 0.25],
  ['grid', 0.35],
];

/** Chinese numerals 1..99 back to numbers (independent of chineseNumeral's writing). */
function numberOf(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const digit = (c: string) => '〇一二三四五六七八九'.indexOf(c);
  const ten = text.indexOf('十');
  if (ten < 0) return digit(text);
  const tens = ten === 0 ? 1 : digit(text.slice(0, ten));
  const ones = text.slice(ten + 1);
  return tens * 10 + (ones ? digit(ones) : 0);
}

/**
 * The canonical household address a written address denotes, read with the household's own
 * divisions (and the grid community for division-less grid addresses), or undefined.
 */
function flatOf(written: string, household: Household): string | undefined {
  const { community } = household;
  let text = written.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  text = text.replace(/\s/g, '');
  for (const prefix of ['重庆市', '江津区', community.township.name])
    if (text.startsWith(prefix)) text = text.slice(prefix.length);
  if (community.urban && text.startsWith(community.name)) text = text.slice(community.name.length);
  const n = '(\\d+|[一二三四五六七八九十]+)';
  const flat = new RegExp(
    `^(.+?)(\\d+)号(?:${n}(?:栋|幢|号楼)${n}单元(\\d+)室?|(\\d+)-(\\d+)-(\\d+))$`,
  ).exec(text);
  if (flat) {
    const [, road, number, b1, u1, r1, b2, u2, r2] = flat;
    const [b, u, r] = b1 ? [b1, u1, r1] : [b2, u2, r2];
    return `${road}${number}号${numberOf(b)}栋${numberOf(u)}单元${r}室`;
  }
  const village = new RegExp(`^(.+村)${n}组(\\d+)号$`).exec(text);
  if (village) return `${village[1]}${numberOf(village[2])}组${village[3]}号`;
  return undefined;
}

describe('address helpers', () => {
  it('write numerals and full-width digits', () => {
    expect([3, 10, 12, 20, 21].map(chineseNumeral)).toEqual(['三', '十', '十二', '二十', '二十一']);
    expect(fullWidthDigits('72号2-3-501')).toBe('７２号２-３-５０１');
    expect(addressParts('双福大道72号2栋3单元501室')).toEqual({
      kind: 'flat',
      road: '双福大道',
      number: 72,
      building: 2,
      unit: 3,
      room: 501,
    });
    expect(addressParts('桥坪村3组41号')).toEqual({
      kind: 'village',
      village: '桥坪村',
      group: 3,
      number: 41,
    });
  });
});

describe('the hard cases of person resolution', () => {
  const factory = new FeedMessageFactory({ seed: 40, divisions: jiangjinDivisions() });
  const records: SourceRecord[] = [];
  for (let i = 0; i < 6000; i++) {
    let roll = factory.faker.number.float({ min: 0, max: 1 });
    const feed = FEED_WEIGHTS.find(([, w]) => (roll -= w) < 0)?.[0] ?? 'grid';
    records.push(factory.record(feed, { versions: 1 }));
  }
  const residents = new Map<number, Resident>();
  for (const household of factory.households)
    for (const member of household.members) residents.set(member.id, member);
  const grid = records.filter((r): r is SourceRecord<'grid'> => r.feed === 'grid');
  const gridOf = (type: string) =>
    grid.filter((r) => r.recordType === type).map((r) => ({ r, m: r.versions[0] }));

  it('writes every address as the household’s flat, in many ways', () => {
    const written: string[] = [];
    const check = (text: unknown, household: Household) => {
      expect({ text, flat: flatOf(String(text), household) }).toEqual({
        text,
        flat: household.address,
      });
      written.push(String(text));
    };
    for (const { r, m } of gridOf('实有人口'))
      check(m['居住地址'], residents.get(r.persons[0].person)!.household);
    for (const { r, m } of gridOf('房屋'))
      check(m['地址'], residents.get(r.persons[0].person)!.household);
    for (const r of records.filter((x) => x.feed === 'population')) {
      const m = r.versions[0] as PopulationMessage;
      if (m.JZDZ) check(m.JZDZ, residents.get(r.persons[0].person)!.household);
    }
    const share = (re: RegExp) => written.filter((t) => re.test(t)).length / written.length;
    expect(share(/^重庆市江津区/)).toBeGreaterThan(0.05);
    expect(share(/社区/)).toBeGreaterThan(0.05);
    expect(share(/号[0-9０-９]+-[0-9０-９]+-[0-9０-９]+$/)).toBeGreaterThan(0.03);
    expect(share(/幢|号楼/)).toBeGreaterThan(0.05);
    expect(share(/[一二三四五六七八九十](栋|幢|号楼|单元|组)/)).toBeGreaterThan(0.02);
    expect(share(/[０-９]/)).toBeGreaterThan(0.03);
    expect(share(/ /)).toBeGreaterThan(0.02);
    // Without any division only where the grid code places it.
    const bare = (t: string) => !/^(重庆市|江津区)/.test(t) && !/(街道|镇|乡)/.test(t);
    expect(written.filter(bare).length).toBeGreaterThan(0);
    for (const r of records.filter((x) => x.feed === 'population')) {
      const jzdz = (r.versions[0] as PopulationMessage).JZDZ;
      if (jzdz) expect(bare(jzdz)).toBe(false);
    }
  });

  it('has a fifth of grid residents without ID number and phone', () => {
    const people = gridOf('实有人口').map(({ m }) => m);
    const anonymous = people.filter((m) => !('身份证号' in m) && !('手机号' in m));
    expect(anonymous.length / people.length).toBeGreaterThan(0.15);
    expect(anonymous.length / people.length).toBeLessThan(0.3);
    expect(anonymous.some((m) => /^\d{4}(\.\d{2}|年\d{1,2}月)$/.test(String(m['出生年月'])))).toBe(
      true,
    );
  });

  it('has incident participants by name alone and by name and phone', () => {
    const involved = gridOf('事件').flatMap(({ m }: { m: GridMessage }) => {
      const list = m['涉及人员'];
      return (typeof list === 'string' ? JSON.parse(list) : list) as Record<string, string>[];
    });
    const keys = (p: Record<string, string>) => Object.keys(p).sort().join(',');
    expect(involved.filter((p) => keys(p) === '姓名').length).toBeGreaterThan(
      involved.length * 0.01,
    );
    expect(involved.filter((p) => keys(p) === '姓名,手机号').length).toBeGreaterThan(
      involved.length * 0.1,
    );
  });

  it('has twins, namesakes in one building and in one flat, all different residents', () => {
    const households = factory.households;
    const twins = households.flatMap((h) =>
      h.members.flatMap((a, i) =>
        h.members
          .slice(i + 1)
          .filter(
            (b) =>
              b.birthDate === a.birthDate && b.relationCode !== '10' && a.relationCode !== '10',
          )
          .map((b) => [a, b]),
      ),
    );
    expect(twins.length).toBeGreaterThan(20);
    for (const [a, b] of twins) {
      expect(a.name).not.toBe(b.name);
      expect(a.id).not.toBe(b.id);
      expect(a.idNumber).not.toBe(b.idNumber);
    }
    const inFlat = households.flatMap((h) =>
      h.members.flatMap((a, i) =>
        h.members
          .slice(i + 1)
          .filter((b) => b.name === a.name)
          .map((b) => [a, b]),
      ),
    );
    // Grandparent and grandchild (two siblings of one name happen by chance, rarely).
    const yearsApart = (a: Resident, b: Resident) =>
      Math.abs(Number(a.birthDate.slice(0, 4)) - Number(b.birthDate.slice(0, 4)));
    expect(inFlat.filter(([a, b]) => yearsApart(a, b) >= 20).length).toBeGreaterThan(3);
    const building = (h: Household) => {
      const parts = addressParts(h.address);
      return parts?.kind === 'flat'
        ? `${h.community.code} ${parts.road}${parts.number}号${parts.building}栋`
        : undefined;
    };
    const byBuilding = new Map<string, Household[]>();
    for (const h of households) {
      const key = building(h);
      if (key) byBuilding.set(key, [...(byBuilding.get(key) ?? []), h]);
    }
    const flats = new Set(households.map((h) => `${h.community.code} ${h.address}`));
    expect(flats.size).toBe(households.length);
    const namesakes = [...byBuilding.values()].flatMap((hs) =>
      hs.flatMap((h, i) =>
        hs
          .slice(i + 1)
          .flatMap((g) =>
            h.members.flatMap((a) => g.members.filter((b) => b.name === a.name).map((b) => [a, b])),
          ),
      ),
    );
    expect(namesakes.length).toBeGreaterThan(20);
    for (const [a, b] of namesakes) {
      expect(a.id).not.toBe(b.id);
      expect(a.birthDate.slice(0, 7)).not.toBe(b.birthDate.slice(0, 7));
    }
  });

  it('names the resident behind every person mention', () => {
    for (const r of records) for (const p of r.persons) expect(residents.has(p.person)).toBe(true);
    // A grid resident record is about the resident it names (by name, gender, birth).
    for (const { r, m } of gridOf('实有人口')) {
      const resident = residents.get(r.persons[0].person)!;
      expect(String(m['出生年月']).replace(/\D/g, '').slice(0, 4)).toBe(
        resident.birthDate.slice(0, 4),
      );
      expect(m['性别']).toBe(resident.gender === '1' ? '男' : '女');
    }
  });
});
