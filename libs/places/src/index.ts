export { CHONGQING, readProvinceDivisions, toSixDigits } from './division-catalog';
export type { Division, DivisionLevel } from './division-catalog';
export { PlaceRepository } from './place.repository';
export { PlacesModule } from './places.module';
export { DIVISION_INDEX, DivisionIndexModule } from './division-index.provider';
