export { CHONGQING, readProvinceDivisions, toSixDigits } from './division-catalog';
export type { Division, DivisionLevel } from './division-catalog';
export { PlaceRepository } from './place.repository';
export { PlacesModule } from './places.module';
export { DIVISION_INDEX, DIVISION_INDEX_PROVIDER } from './division-index.provider';
