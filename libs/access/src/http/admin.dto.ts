import { ApiProperty } from '@nestjs/swagger';
import { ROLES } from '../access-rules';

/*
 * Response shapes of the admin routes, for the OpenAPI document the staff page's types are
 * generated from. Never a key hash or a password hash.
 */

export class ClientDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '江津区公安局人口系统' }) name!: string;
  @ApiProperty({ type: [String], example: ['population'] }) feeds!: string[];
  @ApiProperty({ type: [String], example: ['changes:read'] }) scopes!: string[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: '500116',
    description: 'null: every division',
  })
  divisionCode!: string | null;
  @ApiProperty({ example: 'demo-admin' }) createdBy!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) rotatedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
}

export class ClientWithKeyDto extends ClientDto {
  @ApiProperty({ description: 'The API key: in this answer only, stored as its SHA-256' })
  token!: string;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'dongmen-clerk' }) username!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ example: '镇街工作人员', description: "The role's name as staff read it" })
  roleLabel!: string;
  @ApiProperty({ example: '500116005001' }) divisionCode!: string;
  @ApiProperty({ type: String, nullable: true, example: '李晓红' }) displayName!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ description: 'A demo account (HUB_DEMO)' }) demo!: boolean;
}

export class DeactivatedUserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: false }) active!: boolean;
}
