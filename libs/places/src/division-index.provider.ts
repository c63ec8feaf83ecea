import { DivisionIndex } from '@hub/normalize';
import { CHONGQING, readProvinceDivisions } from './division-catalog';

/** Injection token of the process's DivisionIndex (the published divisions, by name and code). */
export const DIVISION_INDEX = Symbol('DIVISION_INDEX');

export const DIVISION_INDEX_PROVIDER = {
  provide: DIVISION_INDEX,
  useFactory: async () => new DivisionIndex(await readProvinceDivisions(CHONGQING)),
};
