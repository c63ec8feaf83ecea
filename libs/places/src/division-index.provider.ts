import { Module } from '@nestjs/common';
import { DivisionIndex } from '@hub/normalize';
import { CHONGQING, readProvinceDivisions } from './division-catalog';

/** Injection token of the process's DivisionIndex (the published divisions, by name and code). */
export const DIVISION_INDEX = Symbol('DIVISION_INDEX');

/**
 * The process's one DivisionIndex: every module that needs it imports this module (its catalog
 * is read once, about a second and tens of MB for the villages).
 */
@Module({
  providers: [
    {
      provide: DIVISION_INDEX,
      useFactory: async () => new DivisionIndex(await readProvinceDivisions(CHONGQING)),
    },
  ],
  exports: [DIVISION_INDEX],
})
export class DivisionIndexModule {}
