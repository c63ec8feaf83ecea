import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/*
 * Response shapes of the change feed, for the OpenAPI document the staff page's types are
 * generated from. The events' data are described by schemas/events/ (AsyncAPI: schemas/asyncapi.yaml).
 */

/** A change event as CloudEvents 1.0 JSON (structured mode), as on Kafka and to webhooks. */
export class ChangeCloudEventDto {
  @ApiProperty({ enum: ['1.0'] }) specversion!: '1.0';
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '/grassroots-hub' }) source!: string;
  @ApiProperty({ example: 'cn.gov.hub.person.updated' }) type!: string;
  @ApiProperty({ format: 'uuid', description: 'The entity id' }) subject!: string;
  @ApiProperty({ type: String, format: 'date-time' }) time!: string;
  @ApiProperty({ enum: ['application/json'] }) datacontenttype!: 'application/json';
  @ApiProperty({ example: '3', description: "The entity's sequence number: order by it" })
  entityseq!: string;
  @ApiPropertyOptional({ example: '500116005002', description: "The entity's division" })
  divisioncode?: string;
  @ApiPropertyOptional({
    example: '500116005001',
    description: 'The division the change moved the entity out of',
  })
  previousdivisioncode?: string;
  @ApiProperty({ enum: ['person', 'event', 'object', 'place', 'organization'] })
  entitytype!: string;
  @ApiProperty({ example: '1042', description: 'Position in the change log (the cursor)' })
  position!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: {
      attributes: { name: '李秀英', phone: '139****1234' },
      changed: { phone: { before: '138****6789', after: '139****1234' } },
    },
    description:
      'created, updated, revived, ended: the golden values (`attributes`) and each changed one (`changed`); merged, split: `into`; relation events: `relation`, `to` (schemas/events/change-event.schema.json). Masked by your role like every personal field',
  })
  data!: Record<string, unknown>;
}

export class ChangePageDto {
  @ApiProperty({ type: [ChangeCloudEventDto], description: 'In commit order' })
  events!: ChangeCloudEventDto[];
  @ApiProperty({ example: '1042', description: 'The cursor to continue from (`after`)' })
  next!: string;
  @ApiProperty({ type: [String], example: ['phone'] }) maskedFields!: string[];
}

/** The 410 answer to a cursor behind the change log's retention (HUB_CHANGE_RETENTION_DAYS). */
export class ChangesGoneDto {
  @ApiProperty({ enum: [410] }) statusCode!: 410;
  @ApiProperty({ enum: ['Gone'] }) error!: 'Gone';
  @ApiProperty() message!: string;
  @ApiProperty({ example: '0', description: 'The cursor asked for' }) after!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '50213',
    description: 'The earliest position still in the change log',
  })
  earliest!: string | null;
  @ApiProperty({
    example: '50212',
    description:
      'The cursor to go on from (the earliest position minus one), once your copy no longer needs the events deleted',
  })
  next!: string;
}
