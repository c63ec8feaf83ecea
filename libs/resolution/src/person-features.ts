import { pinyin } from 'pinyin-pro';
import { birthDateFromIdNumber, genderFromIdNumber } from '@hub/normalize';

/** One normalized value of a mention, as the feed mapping produced it. */
export interface MentionValue {
  attribute: string;
  value: unknown;
  valid: boolean;
}

/**
 * What the matcher and the golden record need of one person mention, taken from its mapped
 * values. Stored on the mention row, so re-resolving a block never re-reads payloads.
 */
export interface PersonFeatures {
  /** Normalized name without the minority-name dot. */
  name: string | null;
  /** Toneless pinyin of the name: equal for homophones (张伟/张玮) and traditional forms (張偉). */
  nameKey: string | null;
  /** A citizen ID that passed its check: an exact key. */
  idNumber: string | null;
  /** A citizen ID that failed its check (a typo): evidence, never proof. */
  claimedId: string | null;
  /** YYYY, YYYY-MM or YYYY-MM-DD. */
  birthDate: string | null;
  /** GB/T 2261.1: 1 male, 2 female; unknown codes are left out. */
  gender: '1' | '2' | null;
  phone: string | null;
  /** Residence division (else hukou division), 6–12 digits. */
  division: string | null;
  /**
   * The village or community (村/社区, 12 digits) of the grid a grid worker's record puts the
   * person in: a grid code (网格编码, 500116005002-03) starts with its community's code. Not
   * compared by the matcher; it refines the golden division (see survivingDivision). Absent when
   * the record gives no grid code.
   */
  gridCommunity?: string;
  /** Police household number (户号). */
  household: string | null;
  /** Police status: normal, deceased, moved_out, missing. */
  status: string | null;
  /**
   * The valid ID of the person this one is a family member of in the same record (a
   * civil-affairs case member of its applicant): household context for a mention that has
   * little more than a name.
   */
  familyOf: string | null;
  /**
   * Standard-address places (ids) the record ties the mention to: where it lives or is
   * registered, the house it owns; for a family member, those of the person it is listed with.
   * Absent on features stored before places were resolved.
   */
  places?: string[];
  /**
   * The buildings of those places (a flat's building; a house is its own): with the household
   * head's name, evidence for residents whose sources write the flat differently or not at all.
   */
  buildings?: string[];
  /** Name key (pinyin) of the head of the household the record lists the person in (户主姓名). */
  householdHead?: string;
}

/** GB/T 4761 code of the household head (户主) in relationToHead. */
const HOUSEHOLD_HEAD = '02';

const DOT = /[·•‧・]/g;

export function nameKeyOf(name: string): string {
  return pinyin(name.replace(DOT, ''), { toneType: 'none', type: 'array', nonZh: 'consecutive' })
    .join('')
    .replace(/\s+/g, '')
    .toLowerCase();
}

export function personFeatures(
  values: readonly MentionValue[],
  context: { familyOf?: string | null; places?: string[]; buildings?: string[] } = {},
): PersonFeatures {
  const first = (attribute: string, valid = true): unknown =>
    values.find((v) => v.attribute === attribute && v.valid === valid)?.value;
  const text = (attribute: string): string | null => {
    const v = first(attribute);
    return typeof v === 'string' && v !== '' ? v : null;
  };
  const rawName = text('name');
  const name = rawName ? rawName.replace(DOT, '') : null;
  const idNumber = text('idNumber');
  const claimed = first('idNumber', false);
  const birthDate = text('birthDate') ?? (idNumber ? birthDateFromIdNumber(idNumber) : null);
  const gender = (() => {
    const g = text('gender') ?? (idNumber ? genderFromIdNumber(idNumber) : null);
    return g === '1' || g === '2' ? g : null;
  })();
  const division = divisionOf(first('residenceAddress')) ?? divisionOf(first('hukouAddress'));
  const gridCommunity = /^\d{12}/.exec(text('gridCode') ?? '')?.[0];
  const headName = text('relationToHead') === HOUSEHOLD_HEAD ? name : text('householdHeadName');
  const householdHead = headName ? nameKeyOf(headName.replace(DOT, '')) : null;
  const buildings = [...new Set(context.buildings ?? [])].sort();
  return {
    name,
    nameKey: name ? nameKeyOf(name) : null,
    idNumber,
    claimedId: typeof claimed === 'string' && claimed !== '' ? claimed : null,
    birthDate,
    gender,
    phone: text('phone'),
    division,
    ...(gridCommunity ? { gridCommunity } : {}),
    household: text('householdNumber'),
    status: text('status'),
    familyOf: idNumber ? null : (context.familyOf ?? null),
    places: [...new Set(context.places ?? [])].sort(),
    ...(buildings.length > 0 ? { buildings } : {}),
    ...(householdHead ? { householdHead } : {}),
  };
}

function divisionOf(address: unknown): string | null {
  const code = (address as { divisionCode?: unknown } | undefined)?.divisionCode;
  return typeof code === 'string' && /^\d{6,12}$/.test(code) ? code : null;
}
