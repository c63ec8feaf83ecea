import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Permission } from '@hub/access';
import { DivisionDto } from './division.dto';
import { PlaceRepository } from './place.repository';

@ApiTags('places')
@Controller('divisions')
export class DivisionsController {
  constructor(private readonly places: PlaceRepository) {}

  @Get(':code')
  @Permission('divisions:read')
  @ApiOperation({ summary: 'An administrative division with its parent and its direct children.' })
  @ApiParam({ name: 'code', example: '500116005', description: '6, 9 or 12-digit division code' })
  @ApiOkResponse({ type: DivisionDto })
  async findOne(@Param('code') code: string): Promise<DivisionDto> {
    const place = await this.places.findByCode(code);
    if (!place) throw new NotFoundException(`no division with code ${code}`);
    const children = await this.places.findChildren(place.id);
    return DivisionDto.from(place, children);
  }
}
