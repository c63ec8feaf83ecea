import { ApiProperty } from '@nestjs/swagger';

/*
 * Response shapes of the webhook routes, for the OpenAPI document the staff page's types are
 * generated from.
 */

const STATUS = {
  enum: ['active', 'dead'],
  description: 'dead: delivery gave up after repeated failures (POST …/revive)',
} as const;

/** A subscription as its client sees it. */
export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'https://brain.example.cn/hub-events' }) url!: string;
  @ApiProperty({
    type: [String],
    nullable: true,
    example: ['cn.gov.hub.person.created'],
    description: 'null: every type',
  })
  types!: string[] | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '500116005',
    description: "null: the client's whole jurisdiction",
  })
  division!: string | null;
  @ApiProperty({ example: '1042', description: 'Change-feed position delivered up to' })
  position!: string;
  @ApiProperty(STATUS) status!: 'active' | 'dead';
  @ApiProperty({ example: 0, description: 'Failed deliveries in a row' }) failures!: number;
  @ApiProperty({ type: String, format: 'date-time' }) nextAttemptAt!: string;
  @ApiProperty({ type: String, nullable: true, example: 'HTTP 503' }) lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
}

export class WebhookWithSecretDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'The Standard Webhooks signing secret: in this answer only',
  })
  secret!: string;
}

/** A subscription as operators see it: delivery state only, no URL, no error text. */
export class WebhookHealthDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '城市大脑', description: "The owning client's name" }) client!: string;
  @ApiProperty(STATUS) status!: 'active' | 'dead';
  @ApiProperty({ example: 0 }) failures!: number;
  @ApiProperty({ example: '1042' }) position!: string;
  @ApiProperty({ type: String, format: 'date-time' }) nextAttemptAt!: string;
}
