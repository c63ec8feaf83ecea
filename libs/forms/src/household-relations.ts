import { relationCodesByGender } from '@hub/normalize';

/**
 * 与申请人关系 from 与户主关系: forms (低保 household situation and the like) list each member's
 * relation to the applicant, but departments record each member's relation to the household head
 * (the police `YHZGXDM`, civil affairs member relations, grid 与户主关系). Both are GB/T 4761-2008
 * codes as the hub stores them: the first-level categories only (libs/normalize code table
 * `relation`). Those categories are coarse: 20 子 also holds 女婿 and 养子/继子, 30 女 also holds
 * 儿媳 and 养女/继女, 40 孙子女 also holds 孙媳妇/孙女婿 and great-grandchildren, 50 父母 also holds
 * 公婆/岳父母 and step- and adoptive parents, 60 祖父母 also holds the spouse's grandparents and
 * great-grandparents, 70 兄弟姐妹 also holds 嫂/弟媳/姐夫/妹夫 (a sibling's spouse, NOT a spouse's
 * sibling: 大伯子, 小叔子, 小姑子, 大舅子, 小姨子 are 97 其他亲属, category 80), and 80 其他 holds
 * every other relative (伯叔姑舅姨, cousins, 侄/甥, 亲家, ...) and non-relatives.
 *
 * So the table below is worked out per pair of categories over every finer relation the two codes
 * allow. `certain` is true only when all those readings land in the same category; then the answer
 * is the GB/T 4761 category of the member as the applicant would record them. Otherwise `certain` is
 * false and the answer is the code of the usual household (the reading that covers the common
 * case, e.g. the head's two parents are each other's spouses) or, when the readings split with no
 * usual one (the head's son and a woman recorded 30: his wife 儿媳, his sister, or his brother's wife),
 * 80 其他. Staff must confirm every uncertain answer; the table never states a confident wrong one.
 */

/** GB/T 4761-2008 category codes as the hub stores them (02 户主 for the head). */
export type RelationCode = '02' | '10' | '20' | '30' | '40' | '50' | '60' | '70' | '80';

export interface RelationToApplicant {
  /** GB/T 4761 category of the member as the applicant's relative; '00' 本人 for the applicant. */
  code: RelationCode | '00';
  /** 本人, 配偶, 子, 女, 孙子女, 父母, 祖父母, 兄弟姐妹, 其他, or 子女 (a child of unknown gender, code 80). */
  label: string;
  /** False when the two relations to the head allow readings in another category: staff confirm. */
  certain: boolean;
}

/**
 * What a cell answers: a category, or `child`: the applicant's child or child's spouse, which
 * GB/T 4761 files by the member's gender (子 and 女婿 are 20, 女 and 儿媳 are 30).
 */
export type RelationAnswer = '00' | Exclude<RelationCode, '02'> | 'child';

export interface RelationCell {
  readonly answer: RelationAnswer;
  /** True when every reading the two categories allow falls in `answer`. */
  readonly certain: boolean;
}

/** `${applicantToHead}:${memberToHead}` */
export type RelationPair = `${RelationCode}:${RelationCode}`;

export const RELATION_CODES: readonly RelationCode[] = Object.freeze([
  '02',
  '10',
  '20',
  '30',
  '40',
  '50',
  '60',
  '70',
  '80',
] as const);

/** Names as in the hub's relation code table, plus '00' 本人. */
export const RELATION_LABELS: Readonly<Record<RelationCode | '00', string>> = Object.freeze({
  '00': '本人',
  '02': '户主',
  '10': '配偶',
  '20': '子',
  '30': '女',
  '40': '孙子女',
  '50': '父母',
  '60': '祖父母',
  '70': '兄弟姐妹',
  '80': '其他',
});

/** Label of a child (or child's spouse) whose gender is unknown: GB/T 4761 has no code for it. */
export const CHILD_OF_UNKNOWN_GENDER_LABEL = '子女';

const sure = (answer: RelationAnswer): RelationCell => Object.freeze({ answer, certain: true });
const guess = (answer: RelationAnswer): RelationCell => Object.freeze({ answer, certain: false });

/**
 * The member's relation to the applicant, keyed by `${applicantToHead}:${memberToHead}`. Each
 * comment gives the readings (the member as the applicant's ...) behind the answer. H: the head.
 */
export const RELATION_TO_APPLICANT: Readonly<Record<RelationPair, RelationCell>> = Object.freeze({
  // Applicant is the head: the member's relation to the applicant is its relation to the head.
  '02:02': sure('00'), // both are the head: the same person
  '02:10': sure('10'),
  '02:20': sure('20'),
  '02:30': sure('30'),
  '02:40': sure('40'),
  '02:50': sure('50'),
  '02:60': sure('60'),
  '02:70': sure('70'),
  '02:80': sure('80'), // the department's own 80, whatever it stands for

  // Applicant is H's spouse.
  '10:02': sure('10'), // H is the applicant's spouse
  '10:10': guess('80'), // H has one spouse: the same person (the caller says so) or an error
  '10:20': sure('20'), // son, 继子 (27), or 女婿 (28): all 20
  '10:30': sure('30'), // daughter, 继女 (37), or 儿媳 (38): all 30
  '10:40': sure('40'), // grandchild, step-grandchild, grandchild's spouse, great-grandchild
  '10:50': sure('50'), // H's parent = 公婆/岳父母 (53-56); H's parent-in-law = own parent
  '10:60': sure('60'), // H's grandparent = 配偶的祖父母 (65); H's spouse's grandparent = own
  '10:70': sure('80'), // spouse's sibling or sibling's spouse: 97 其他亲属, not 70
  '10:80': guess('80'), // e.g. the applicant's own sibling is 80 to H but 70 to the applicant

  // Applicant is H's son, 继子, or 女婿 (a 上门女婿 is common): the applicant is male.
  '20:02': sure('50'), // H is father/mother, step-parent (57/58), or 岳父/岳母 (55/56)
  '20:10': sure('50'), // mother/father, 继母/继父 (57/58), or 岳母/岳父: step-parents are 50 too
  '20:20': guess('70'), // brother or 姐夫/妹夫 (70); if the applicant is 女婿: 大舅子/连襟 (80)
  '20:30': guess('80'), // wife (儿媳 is 30: 10), sister or 嫂/弟媳 (70), wife's sister (80)
  '20:40': guess('child'), // own child or child's spouse; or a nephew/niece (侄, 外甥: 80)
  '20:50': sure('60'), // grandparent, 外祖父母, step-grandparent, or 配偶的祖父母 (65)
  '20:60': sure('60'), // great-grandparent (66/67) or spouse's (68)
  '20:70': sure('80'), // 伯叔姑舅姨 and their spouses, or the wife's: 81-90, 97
  '20:80': guess('80'), // a 上门女婿's own parents are 亲家 (80) to H but 50 to him

  // Applicant is H's daughter, 继女, or 儿媳: the applicant is female.
  '30:02': sure('50'), // H is father/mother, step-parent, or 公公/婆婆 (53/54)
  '30:10': sure('50'), // mother/father, step-parent, or 婆婆/公公
  '30:20': guess('80'), // husband (女婿 is 20: 10), brother or 姐夫/妹夫 (70), 大伯子/小叔子 (80)
  '30:30': guess('70'), // sister or 嫂/弟媳 (70); if the applicant is 儿媳: 小姑子/妯娌 (80)
  '30:40': guess('child'), // own child or child's spouse; or a nephew/niece (80)
  '30:50': sure('60'), // grandparent, step-grandparent, or husband's grandparent (65)
  '30:60': sure('60'), // great-grandparent or spouse's (66-68)
  '30:70': sure('80'), // aunts, uncles and their spouses, or the husband's: 81-90, 97
  '30:80': guess('80'), // a 儿媳's own parents are 亲家 (80) to H but 50 to her

  // Applicant is H's grandchild, grandchild's spouse (45/46), or great-grandchild (47/48).
  '40:02': sure('60'), // H is grandparent, 配偶的祖父母 (65), or great-grandparent
  '40:10': sure('60'), // grandparent, step-grandparent, spouse's, or great-grandparent
  '40:20': guess('50'), // father or 公公/岳父 (50); uncle (80); grandfather (60) of a 曾孙
  '40:30': guess('50'), // mother or 婆婆/岳母 (50); aunt (80); grandmother (60) of a 曾孙
  '40:40': guess('80'), // sibling (70), cousin (80), spouse (10), or own child (20/30)
  '40:50': sure('60'), // great-grandparent (66/67), spouse's (68), or further back (69)
  '40:60': sure('60'), // great-great-grandparent: 69 其他祖父母 (five generations, rare)
  '40:70': sure('80'), // grand-uncle or grand-aunt and their spouses: 97
  '40:80': guess('80'), // e.g. the other grandparents (亲家 of H) are 60 to the applicant

  // Applicant is H's parent, step-parent, or parent-in-law (H's spouse's parent).
  '50:02': sure('child'), // H is son/daughter, or 女婿/儿媳: 20 if male, 30 if female
  '50:10': sure('child'), // H's spouse is 儿媳/女婿, or own child if the applicant is 岳父母/公婆
  '50:20': sure('40'), // grandchild (41/43), 孙女婿 (46), or step-grandchild (49)
  '50:30': sure('40'), // grandchild (42/44), 孙媳妇 (45), or step-grandchild (49)
  '50:40': sure('40'), // great-grandchild (47/48) or their spouse (49)
  '50:50': guess('10'), // H's father and mother are spouses; H's parent and parent-in-law are 亲家 (80)
  '50:60': guess('50'), // own or spouse's parent (50); H's grandparent to H's parent-in-law (80)
  '50:70': guess('child'), // child or child's spouse; 亲家's child (80) if H's parent-in-law
  '50:80': guess('80'),

  // Applicant is H's grandparent, H's spouse's grandparent (65), or great-grandparent.
  '60:02': sure('40'), // H is grandchild, grandchild's spouse, or great-grandchild
  '60:10': sure('40'), // grandchild's spouse, or grandchild if the applicant is 65
  '60:20': sure('40'), // great-grandchild (47) or their spouse (49)
  '60:30': sure('40'), // great-grandchild (48) or their spouse (49)
  '60:40': sure('40'), // great-great-grandchild: 49 (five generations, rare)
  // Child or child-in-law; H's parent-in-law, or any of H's parents if the applicant is 65, is 80;
  // to a great-grandparent, H's parent is a grandchild (40).
  '60:50': guess('child'),
  '60:60': guess('10'), // H's grandfather and grandmother are spouses; paternal/maternal: 亲家 (80)
  '60:70': guess('40'), // grandchild or their spouse (40); 80 if the applicant is 65
  '60:80': guess('80'),

  // Applicant is H's sibling, or a sibling's spouse (嫂, 弟媳, 姐夫, 妹夫).
  '70:02': guess('70'), // H is a sibling (70); to a 嫂/弟媳, H is 小叔子/大伯子 (97: 80)
  '70:10': guess('70'), // H's spouse is 嫂/弟媳/姐夫/妹夫 (70); to a 嫂: 妯娌 (80)
  '70:20': sure('80'), // nephew 侄子/外甥 (93/95) or a niece's husband (97)
  '70:30': sure('80'), // niece 侄女/外甥女 (94/96) or a nephew's wife (97)
  '70:40': sure('80'), // grand-nephew or grand-niece: 97
  '70:50': guess('50'), // own parent or step-parent; parent-in-law for a 嫂 (50); 亲家 (80)
  '70:60': guess('60'), // own or spouse's grandparent (60); H's spouse's grandparent (80)
  '70:70': guess('70'), // sibling or sibling's spouse (70); own spouse (10); spouse's sibling (80)
  '70:80': guess('80'),

  // Applicant is another relative or a non-relative of H (80 also holds 子女 of unknown gender).
  '80:02': guess('80'), // e.g. H's spouse's sibling (80) sees H as 姐夫/妹夫/嫂/弟媳 (70)
  '80:10': guess('80'), // e.g. H's spouse's sibling sees H's spouse as a sibling (70)
  '80:20': guess('80'), // e.g. the parent of a 女婿 (亲家) sees him as a son (20)
  '80:30': guess('80'), // e.g. the parent of a 儿媳 (亲家) sees her as a daughter (30)
  '80:40': guess('80'), // e.g. 亲家 see H's grandchild as their grandchild (40)
  '80:50': guess('80'), // e.g. H's spouse's sibling sees H's parent-in-law as a parent (50)
  '80:60': guess('80'),
  '80:70': guess('80'),
  '80:80': guess('80'), // anything: two 80s may be a couple, siblings, or strangers
});

const SELF: RelationToApplicant = Object.freeze({
  code: '00',
  label: RELATION_LABELS['00'],
  certain: true,
});

/**
 * `member`'s relation to the applicant, from each one's relation to the same household head.
 * `memberGender`: GB/T 2261.1 '1' male, '2' female, else unknown. '00' 本人 when member is the
 * applicant (both 02, or the same person: the caller passes applicantIsMember).
 *
 * Where the answer is the applicant's child or child's spouse, the member's gender picks 20 子 or
 * 30 女; without it the answer is 80 子女, uncertain (GB/T 4761 has no gender-neutral child code).
 * Throws RangeError for a code outside GB/T 4761's categories (normalize with the relation code
 * table first).
 */
export function relationToApplicant(
  applicantToHead: RelationCode,
  memberToHead: RelationCode,
  memberGender?: string | null,
  applicantIsMember = false,
): RelationToApplicant {
  const pair: RelationPair = `${applicantToHead}:${memberToHead}`;
  if (!Object.hasOwn(RELATION_TO_APPLICANT, pair)) {
    throw new RangeError(`Not a pair of GB/T 4761 relation categories: ${JSON.stringify(pair)}`);
  }
  if (applicantIsMember) return { ...SELF };
  const { answer, certain } = RELATION_TO_APPLICANT[pair];
  if (answer !== 'child') return { code: answer, label: RELATION_LABELS[answer], certain };
  if (memberGender === '1') return { code: '20', label: RELATION_LABELS['20'], certain };
  if (memberGender === '2') return { code: '30', label: RELATION_LABELS['30'], certain };
  return { code: '80', label: CHILD_OF_UNKNOWN_GENDER_LABEL, certain: false };
}

/** A member's relation to the applicant as a civil-affairs case states it. */
export interface StatedRelation {
  /** The GB/T 4761 category the hub stored for it (the relation code table's), if any. */
  code: string | null;
  /** The text the case wrote (夫, 子女, 其他...), if known. */
  text: string | null;
}

const isCategory = (code: string | null | undefined): code is RelationCode =>
  code != null && (RELATION_CODES as readonly string[]).includes(code);

/** More than 80 其他 says: a category, or at least a child (子女 of unknown gender). */
const saysMoreThanOther = (r: RelationToApplicant) =>
  r.code !== '80' || r.label === CHILD_OF_UNKNOWN_GENDER_LABEL;

/**
 * `member`'s relation to the applicant when a civil-affairs case states it directly: the most
 * precise relation consistent with the statement wins. `household` is the relation the police
 * household gives (relationToApplicant of both relations to the same head), when the member is
 * in the applicant's household there.
 *
 * - A precise statement (配偶, 儿子, 孙女...) wins over the police, as the department says it.
 * - 子女 (a text GB/T 4761 files by gender: stored 80) allows only 20 子 or 30 女: the member's
 *   gender ('1' male, '2' female) picks one, uncertain if the police certainly say otherwise;
 *   without the gender, a police 20 or 30 refines it; else 80 子女, uncertain.
 * - 80 其他, or no category at all, is the department's catch-all: a police relation that says
 *   more refines it, with the police's certainty; else 80 其他 (uncertain without a category).
 */
export function statedRelationToApplicant(
  stated: StatedRelation,
  memberGender?: string | null,
  household?: RelationToApplicant,
): RelationToApplicant {
  // The member is not the applicant: 本人 by the police (two heads of one household) says nothing.
  const viaHead = household?.code === '00' ? undefined : household;
  if (isCategory(stated.code) && stated.code !== '80')
    return relationToApplicant('02', stated.code, memberGender);
  const byGender = stated.text == null ? undefined : relationCodesByGender(stated.text);
  if (byGender) {
    const allowed = Object.values(byGender);
    const own =
      memberGender != null && Object.hasOwn(byGender, memberGender)
        ? byGender[memberGender]
        : undefined;
    if (isCategory(own)) {
      const contradicted = viaHead?.certain === true && viaHead.code !== own;
      return { code: own, label: RELATION_LABELS[own], certain: !contradicted };
    }
    if (viaHead && allowed.includes(viaHead.code)) return { ...viaHead };
    return { code: '80', label: CHILD_OF_UNKNOWN_GENDER_LABEL, certain: false };
  }
  if (viaHead && saysMoreThanOther(viaHead)) return { ...viaHead };
  if (stated.code === '80') return relationToApplicant('02', '80');
  return { code: '80', label: RELATION_LABELS['80'], certain: false };
}
