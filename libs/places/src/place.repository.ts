import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Place } from '@hub/model';

/** Reads of the place table (divisions, grids, addresses). */
@Injectable()
export class PlaceRepository {
  constructor(@InjectRepository(Place) private readonly places: Repository<Place>) {}

  findByCode(code: string): Promise<Place | null> {
    return this.places.findOne({ where: { code }, relations: { parent: true } });
  }

  findChildren(parentId: string): Promise<Place[]> {
    return this.places.find({ where: { parentId }, order: { code: 'ASC' } });
  }
}
