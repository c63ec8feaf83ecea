import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AccessPolicy } from '../access-policy';
import { Authenticated } from '../access-rule.decorator';

export class PurposeDto {
  @ApiProperty({ example: 'grid-visit', description: 'What X-Purpose carries' })
  code!: string;
  @ApiProperty({ example: '网格走访' }) label!: string;
  @ApiProperty({ required: false }) description?: string;
}

export class PurposeListDto {
  @ApiProperty({ type: [PurposeDto] }) purposes!: PurposeDto[];
}

@ApiTags('auth')
@Controller('purposes')
export class PurposesController {
  constructor(private readonly policy: AccessPolicy) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'The purposes a personal-data request may name in X-Purpose' })
  @ApiOkResponse({ type: PurposeListDto })
  list(): PurposeListDto {
    return { purposes: this.policy.purposes };
  }
}
