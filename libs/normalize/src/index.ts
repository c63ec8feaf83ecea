export { splitAddress, splitAddressWithin } from './address';
export type { SplitAddress } from './address';
export { HUB_FORMATS, addHubFormats } from './ajv-formats';
export { InvalidDateError } from './calendar';
export { codeTable, relationCode, relationCodesByGender } from './code-table';
export type { CodeTable, CodeTableName } from './code-table';
export { codeLabel, shortDivisionName } from './code-labels';
export { DivisionIndex } from './division-index';
export type { DivisionLevel, DivisionMatch, DivisionRecord } from './division-index';
export { toHalfWidth } from './half-width';
export {
  birthDateFromIdNumber,
  genderFromIdNumber,
  idCheckCharacter,
  normalizeIdNumber,
} from './id-number';
export type { NormalizedIdNumber } from './id-number';
export { parseInstant } from './instant';
export { normalizeName, simplifiedName } from './name';
export { parsePartialDate } from './partial-date';
export { normalizePhone } from './phone';
export type { NormalizedPhone } from './phone';
export { splitTags } from './tags';
export { normalizeUscc, usccCheckCharacter } from './uscc';
export type { NormalizedUscc } from './uscc';
export {
  ADDRESS_PARTS,
  formatStandardAddress,
  parentAddress,
  standardAddress,
} from './standard-address';
export { chineseNumeralValue } from './chinese-numerals';
export type { StandardAddress } from './standard-address';
