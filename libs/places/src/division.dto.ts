import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Place } from '@hub/model';

export class DivisionRefDto {
  @ApiProperty({ example: 'b9c1…' }) id!: string;
  @ApiProperty({ example: '500116005' }) code!: string;
  @ApiProperty({ example: '鼎山街道' }) name!: string;
  @ApiProperty({ example: 'township' }) level!: string;

  static from(place: Place): DivisionRefDto {
    return { id: place.id, code: place.code ?? '', name: place.name, level: place.level };
  }
}

export class DivisionDto extends DivisionRefDto {
  @ApiPropertyOptional({ type: DivisionRefDto, nullable: true }) parent!: DivisionRefDto | null;
  @ApiProperty({ type: [DivisionRefDto] }) children!: DivisionRefDto[];

  static override from(place: Place, children: Place[] = []): DivisionDto {
    return {
      ...DivisionRefDto.from(place),
      parent: place.parent ? DivisionRefDto.from(place.parent) : null,
      children: children.map((c) => DivisionRefDto.from(c)),
    };
  }
}
