import { codeTable, relationCode } from '@hub/normalize';
import fc from 'fast-check';
import {
  CHILD_OF_UNKNOWN_GENDER_LABEL,
  RELATION_CODES,
  RELATION_LABELS,
  RELATION_TO_APPLICANT,
  relationToApplicant,
  statedRelationToApplicant,
} from './household-relations';
import type { RelationCode, RelationPair, RelationToApplicant } from './household-relations';

const pairs = RELATION_CODES.flatMap((a) => RELATION_CODES.map((m) => [a, m] as const));
const nonHead = RELATION_CODES.filter((c) => c !== '02');

/** The relations that can answer back: if B is A's `code`, A is B's one of these. */
const INVERSE: Record<RelationToApplicant['code'], readonly string[]> = {
  '00': ['00'],
  '02': [],
  '10': ['10'],
  '20': ['50'],
  '30': ['50'],
  '40': ['60'],
  '50': ['20', '30', '80'], // 80: a child of unknown gender
  '60': ['40'],
  '70': ['70', '80'], // 姐夫 is 70 to his wife's brother, who is 80 (大舅子) to him
  '80': RELATION_CODES,
};

const equal = (x: RelationToApplicant, y: RelationToApplicant) =>
  x.code === y.code && x.label === y.label && x.certain === y.certain;

const rel = (
  code: RelationToApplicant['code'],
  certain: boolean,
  label = RELATION_LABELS[code],
): RelationToApplicant => ({ code, label, certain });

describe('relationToApplicant', () => {
  describe('a household of five with a grandchild gives the right relations to the applicant', () => {
    // The 低保 applicant is 王志强, son of the head 王建国. The police feed recorded each member's
    // 与户主关系 as text; the hub normalizes it to GB/T 4761 categories first.
    const household = [
      { name: '王建国', recorded: '户主', gender: '1' },
      { name: '李秀英', recorded: '妻', gender: '2' },
      { name: '王志强', recorded: '儿子', gender: '1' }, // the applicant
      { name: '张丽', recorded: '儿媳', gender: '2' }, // filed under 30 女
      { name: '王小宝', recorded: '孙子', gender: '1' },
    ].map((m) => ({ ...m, toHead: relationCode(m.recorded, m.gender) as RelationCode }));
    const applicant = household[2];
    const relations = (grandchildGender: string | null) =>
      household.map((m) =>
        relationToApplicant(
          applicant.toHead,
          m.toHead,
          m.name === '王小宝' ? grandchildGender : m.gender,
          m.name === applicant.name,
        ),
      );

    it('normalizes the recorded relations to the head', () => {
      expect(household.map((m) => m.toHead)).toEqual(['02', '10', '20', '30', '40']);
    });

    it("answers 父母, 父母, 本人, and for the son's wife (recorded 30) 其他, uncertain", () => {
      // 20:30 could be the applicant's wife (儿媳 is 30: 配偶), his sister or 嫂/弟媳 (兄弟姐妹),
      // or, were he a 上门女婿, his wife's sister (其他). No reading is the usual one, so the table
      // answers 80 其他 with certain=false rather than pre-fill a 配偶 or 兄弟姐妹 that is wrong
      // for a common household: staff confirm 配偶.
      expect(relations('1').slice(0, 4)).toEqual([
        rel('50', true), // the head: father (or 岳父 were the applicant a 女婿: also 50)
        rel('50', true), // the head's wife: mother, 继母 or 岳母: all 50
        rel('00', true),
        rel('80', false),
      ]);
    });

    it('answers the grandchild as 子 or 女 by gender, uncertain (could be a nephew or niece)', () => {
      expect(relations('1')[4]).toEqual(rel('20', false));
      expect(relations('2')[4]).toEqual(rel('30', false));
      expect(relations(null)[4]).toEqual(rel('80', false, '子女'));
      expect(relations('9')[4]).toEqual(rel('80', false, '子女'));
    });

    it('gives the applicant as 本人 only when the caller says it is the same person', () => {
      expect(relationToApplicant('20', '20', '1', true)).toEqual(rel('00', true));
      expect(relationToApplicant('20', '20', '1')).toEqual(rel('70', false));
    });
  });

  it('gives every member its own relation when the applicant is the head', () => {
    expect(relationToApplicant('02', '02')).toEqual(rel('00', true));
    for (const m of nonHead) {
      for (const g of ['1', '2', null, undefined]) {
        expect(relationToApplicant('02', m, g)).toEqual(rel(m, true));
      }
    }
  });

  it('gives the head the inverse of the applicant relation when the member is the head', () => {
    const head = (a: RelationCode, g?: string | null) => relationToApplicant(a, '02', g);
    expect(head('10')).toEqual(rel('10', true));
    expect(head('20')).toEqual(rel('50', true));
    expect(head('30')).toEqual(rel('50', true));
    expect(head('40')).toEqual(rel('60', true));
    expect(head('50', '1')).toEqual(rel('20', true));
    expect(head('50', '2')).toEqual(rel('30', true));
    expect(head('50')).toEqual(rel('80', false, '子女'));
    expect(head('50', '0')).toEqual(rel('80', false, '子女'));
    expect(head('60')).toEqual(rel('40', true));
    // To a 嫂/弟媳 (70 under GB/T 4761) the head is her husband's brother: 97 其他亲属.
    expect(head('70')).toEqual(rel('70', false));
    expect(head('80')).toEqual(rel('80', false));
  });

  it('is symmetric where the relation is: spouse and sibling', () => {
    expect(relationToApplicant('02', '10').code).toBe('10');
    expect(relationToApplicant('10', '02').code).toBe('10');
    expect(relationToApplicant('02', '70').code).toBe('70');
    expect(relationToApplicant('70', '02').code).toBe('70');
    expect(relationToApplicant('70', '70').code).toBe('70');
    // The head's parents are each other's spouses, most likely (or 亲家).
    expect(relationToApplicant('50', '50')).toEqual(rel('10', false));
    expect(relationToApplicant('60', '60')).toEqual(rel('10', false));
  });

  it('answers by the finer GB/T 4761 codes the categories hold', () => {
    // The head's spouse to the head's son: mother, 继母 (58) or, for a 女婿, 岳母 (56): all 50.
    expect(relationToApplicant('20', '10')).toEqual(rel('50', true));
    // The head's parent to the head's spouse: 公婆/岳父母 (53-56) are 50.
    expect(relationToApplicant('10', '50')).toEqual(rel('50', true));
    // The head's sibling to the head's spouse: 小叔子/小姑子/小舅子 are 97 其他亲属, not 70.
    expect(relationToApplicant('10', '70')).toEqual(rel('80', true));
    // The head's spouse to the head's sibling: 嫂/弟媳/姐夫/妹夫 are 70, unless 妯娌/连襟.
    expect(relationToApplicant('70', '10')).toEqual(rel('70', false));
    // The head's son and the head's son: brothers, or 大舅子 of a 女婿.
    expect(relationToApplicant('20', '20')).toEqual(rel('70', false));
    // The head's daughter (or 儿媳) and the head's son (or 女婿): husband, brother, 小叔子...
    expect(relationToApplicant('30', '20')).toEqual(rel('80', false));
    // A 上门女婿's parents are 亲家 to the head.
    expect(relationToApplicant('20', '80')).toEqual(rel('80', false));
    expect(relationToApplicant('10', '10')).toEqual(rel('80', false));
  });

  it('covers all 81 pairs, and a certain answer is the inverse of the answer back', () => {
    expect(Object.keys(RELATION_TO_APPLICANT).sort()).toEqual(
      pairs.map(([a, m]) => `${a}:${m}`).sort(),
    );
    const notInverse = pairs.flatMap(([a, m]) =>
      ['1', '2'].flatMap((g) => {
        const there = relationToApplicant(a, m, g);
        const back = relationToApplicant(m, a); // the applicant's gender is not known
        const checked = there.certain && there.code !== '80';
        return checked && !INVERSE[there.code].includes(back.code)
          ? [`${a}:${m} ${there.code} back ${back.code}`]
          : [];
      }),
    );
    expect(notInverse).toEqual([]);
  });

  it('never answers a child confidently without the gender', () => {
    for (const key of Object.keys(RELATION_TO_APPLICANT) as RelationPair[]) {
      if (RELATION_TO_APPLICANT[key].answer !== 'child') continue;
      const [a, m] = key.split(':') as [RelationCode, RelationCode];
      expect(relationToApplicant(a, m)).toEqual(rel('80', false, CHILD_OF_UNKNOWN_GENDER_LABEL));
    }
  });

  it('answers a valid code and its label for every pair and any gender', () => {
    const gender = fc.oneof(
      fc.constantFrom('0', '1', '2', '9', null, undefined),
      fc.string({ maxLength: 3 }),
    );
    fc.assert(
      fc.property(gender, (g) => {
        for (const [a, m] of pairs) {
          const r = relationToApplicant(a, m, g);
          expect(['00', ...nonHead]).toContain(r.code);
          expect(typeof r.certain).toBe('boolean');
          expect(r.label).toBe(
            r.label === CHILD_OF_UNKNOWN_GENDER_LABEL ? '子女' : RELATION_LABELS[r.code],
          );
          if (r.label === '子女') expect(r).toEqual(rel('80', false, '子女'));
          // The gender only matters for the applicant's children, and unknown is never certain.
          const child = RELATION_TO_APPLICANT[`${a}:${m}`].answer === 'child';
          if (!child && !equal(r, relationToApplicant(a, m, '1'))) return false;
          if (child && g !== '1' && g !== '2' && r.label !== '子女') return false;
          if (r.code === '00' && !(a === '02' && m === '02')) return false;
        }
        return true;
      }),
    );
  });

  it('uses the codes and names of the hub relation code table', () => {
    const { codes } = codeTable('relation');
    expect(Object.keys(codes).sort()).toEqual([...RELATION_CODES].sort());
    for (const c of RELATION_CODES) expect(RELATION_LABELS[c]).toBe(codes[c]);
  });

  it('refuses codes outside the GB/T 4761 categories', () => {
    expect(() => relationToApplicant('01' as RelationCode, '10')).toThrow(RangeError);
    expect(() => relationToApplicant('20', '' as RelationCode)).toThrow(RangeError);
    expect(() => relationToApplicant('to' as RelationCode, 'String' as RelationCode)).toThrow(
      RangeError,
    );
  });
});

describe('statedRelationToApplicant', () => {
  // How the civil-affairs mapping stores what a case writes: the relation code table's category.
  const stated = (text: string | null) => ({
    code: text === null ? null : (codeTable('relation').lookup(text) ?? null),
    text,
  });
  // The police household of a 低保 applicant who is its head (02): a son (20), a daughter (30).
  const police = (memberToHead: RelationCode, gender?: string | null, applicantToHead = '02') =>
    relationToApplicant(applicantToHead as RelationCode, memberToHead, gender);

  it('stores 子女 as 80, as it stores 其他: only the text tells them apart', () => {
    expect(stated('子女').code).toBe('80');
    expect(stated('其他').code).toBe('80');
  });

  it("refines a case's 子女 by the member's gender", () => {
    expect(statedRelationToApplicant(stated('子女'), '1')).toEqual(rel('20', true));
    expect(statedRelationToApplicant(stated('子女'), '2')).toEqual(rel('30', true));
    expect(statedRelationToApplicant(stated('孩子'), '2')).toEqual(rel('30', true));
    // ...and the police agreeing changes nothing.
    expect(statedRelationToApplicant(stated('子女'), '1', police('20', '1'))).toEqual(
      rel('20', true),
    );
  });

  it("refines a case's 子女 by the police relation via the head when the gender is unknown", () => {
    for (const g of [null, undefined, '0', '9']) {
      expect(statedRelationToApplicant(stated('子女'), g, police('20', g))).toEqual(
        rel('20', true),
      );
      expect(statedRelationToApplicant(stated('子女'), g, police('30', g))).toEqual(
        rel('30', true),
      );
      // The applicant is the head's spouse: the head's son is the applicant's son (or 继子).
      expect(statedRelationToApplicant(stated('子女'), g, police('30', g, '10'))).toEqual(
        rel('30', true),
      );
    }
  });

  it('keeps 子女 (80, uncertain) when nothing tells the gender or the police disagree', () => {
    const child = rel('80', false, CHILD_OF_UNKNOWN_GENDER_LABEL);
    expect(statedRelationToApplicant(stated('子女'))).toEqual(child);
    expect(statedRelationToApplicant(stated('子女'), '9')).toEqual(child);
    // A grandchild to the police is no child of the applicant: neither is preferred.
    expect(statedRelationToApplicant(stated('子女'), null, police('40'))).toEqual(child);
    expect(statedRelationToApplicant(stated('子女'), null, police('80'))).toEqual(child);
    // The police give a child of unknown gender too (the applicant is the head's parent).
    expect(statedRelationToApplicant(stated('子女'), null, police('02', null, '50'))).toEqual(
      child,
    );
  });

  it('flags a 子女 whose gender disagrees with what the police certainly say', () => {
    expect(statedRelationToApplicant(stated('子女'), '1', police('40', '1'))).toEqual(
      rel('20', false),
    );
    expect(statedRelationToApplicant(stated('子女'), '2', police('20', '2'))).toEqual(
      rel('30', false),
    );
    // An uncertain police answer (the head's two sons: most likely brothers) is no contradiction.
    expect(statedRelationToApplicant(stated('子女'), '1', police('20', '1', '20'))).toEqual(
      rel('20', true),
    );
  });

  it("refines a case's 其他, or a case without a category, by the police", () => {
    expect(statedRelationToApplicant(stated('其他'), '1', police('70', '1'))).toEqual(
      rel('70', true),
    );
    expect(statedRelationToApplicant(stated('其他'), '2', police('60', '2'))).toEqual(
      rel('60', true),
    );
    expect(statedRelationToApplicant(stated('其他'), '1', police('20', '1', '20'))).toEqual(
      rel('70', false),
    );
    expect(statedRelationToApplicant(stated(null), '2', police('30', '2'))).toEqual(
      rel('30', true),
    );
    expect(statedRelationToApplicant({ code: 'x', text: '朋友' }, '2', police('10'))).toEqual(
      rel('10', true),
    );
    // The police's 子女 of unknown gender says more than 其他.
    expect(statedRelationToApplicant(stated('其他'), null, police('02', null, '50'))).toEqual(
      rel('80', false, CHILD_OF_UNKNOWN_GENDER_LABEL),
    );
  });

  it('keeps 其他 when the police say no more, and flags a case without a category', () => {
    expect(statedRelationToApplicant(stated('其他'))).toEqual(rel('80', true));
    expect(statedRelationToApplicant(stated('非亲属'), '1', police('80'))).toEqual(rel('80', true));
    expect(statedRelationToApplicant(stated('其他'), '1', police('80', '1', '10'))).toEqual(
      rel('80', true),
    );
    expect(statedRelationToApplicant(stated(null))).toEqual(rel('80', false));
    expect(statedRelationToApplicant({ code: '99', text: null }, '1')).toEqual(rel('80', false));
  });

  it('lets a precise case relation win over the police', () => {
    expect(statedRelationToApplicant(stated('夫'), '1', police('20', '1'))).toEqual(
      rel('10', true),
    );
    expect(statedRelationToApplicant(stated('儿子'), '1', police('40', '1'))).toEqual(
      rel('20', true),
    );
    expect(statedRelationToApplicant(stated('孙女'), '2', police('30', '2'))).toEqual(
      rel('40', true),
    );
    // A code a mapper already resolved by gender stands, whatever the text.
    expect(statedRelationToApplicant({ code: '30', text: '子女' }, null)).toEqual(rel('30', true));
  });

  it('never takes 本人 from the police for a member', () => {
    // Two heads in one police household: a data error, not the applicant.
    expect(statedRelationToApplicant(stated('其他'), '1', police('02'))).toEqual(rel('80', true));
    expect(statedRelationToApplicant(stated('子女'), '1', police('02'))).toEqual(rel('20', true));
  });

  it('answers a code allowed by the statement, or the police, for any input', () => {
    const text = fc.oneof(
      fc.constantFrom('子女', '孩子', '其他', '非亲属', '夫', '儿子', '女儿', '孙子', '父亲', null),
      fc.string({ maxLength: 3 }),
    );
    const gender = fc.constantFrom('0', '1', '2', '9', null, undefined);
    const code = fc.constantFrom(...RELATION_CODES);
    fc.assert(
      fc.property(text, gender, fc.option(fc.tuple(code, code)), (t, g, viaHead) => {
        const statement = stated(t);
        const byPolice = viaHead ? relationToApplicant(viaHead[0], viaHead[1], g) : undefined;
        const r = statedRelationToApplicant(statement, g, byPolice);
        expect(['00', ...nonHead]).toContain(r.code);
        if (statement.code && statement.code !== '80')
          expect(r).toEqual(relationToApplicant('02', statement.code as RelationCode, g));
        else if (t === '子女' || t === '孩子')
          expect([r.code, r.label]).toEqual(
            r.code === '80' ? ['80', '子女'] : [expect.stringMatching(/^[23]0$/), r.label],
          );
        else if (r.code !== '80') expect(r).toEqual(byPolice);
        if (r.label === CHILD_OF_UNKNOWN_GENDER_LABEL) expect(r.certain).toBe(false);
      }),
    );
  });
});
