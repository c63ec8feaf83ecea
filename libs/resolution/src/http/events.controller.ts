import { Controller, Get, Inject, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import { ApiMovedPermanentlyResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { accessOf, PersonalData } from '@hub/access';
import { codeLabel, type DivisionIndex } from '@hub/normalize';
import { DIVISION_INDEX } from '@hub/places';
import { EntityReadRepository } from './entity-read.repository';
import {
  EventDetailDto,
  MergedPersonEventsDto,
  PersonEventListDto,
  PersonEventsQueryDto,
} from './event.dto';
import { EventReadRepository } from './event-read.repository';
import { FeedDepartments } from './feed-departments';
import { PersonReadRepository } from './person-read.repository';
import { byAttribute, mentionSummary } from './persons.controller';
import { EntityIdParams } from './read.dto';
import { divisionLabel, labelsOf, preferredValues, provenanceOf } from './read-views';

/** Events (事): an assistance case, an allowance, a grid incident, and a resident's events. */
@ApiTags('events')
@Controller()
export class EventsController {
  constructor(
    private readonly events: EventReadRepository,
    private readonly entities: EntityReadRepository,
    private readonly persons: PersonReadRepository,
    private readonly departments: FeedDepartments,
    @Inject(DIVISION_INDEX) private readonly divisions: DivisionIndex,
  ) {}

  @Get('events/:id')
  @PersonalData('events:read', {
    action: 'read',
    subjects: (body: EventDetailDto) => [body.id, ...body.persons.map((p) => p.personId)],
  })
  @ApiOperation({
    summary:
      'An event in your jurisdiction (an assistance case, an allowance, a grid incident): type, status, dates and amounts with their texts, the persons involved with their roles, the places, and every value with its department and record.',
  })
  @ApiOkResponse({ type: EventDetailDto })
  async findOne(@Param() { id }: EntityIdParams, @Req() request: Request) {
    const event = await this.events.event(id, accessOf(request).principal.jurisdiction);
    if (!event) throw new NotFoundException(`no event ${id}`);
    const [candidates, relations, mentions] = await Promise.all([
      this.entities.candidates('event', id),
      this.entities.relations('event', id),
      this.entities.mentions('event', id),
    ]);
    const involved = relations.filter((r) => r.type === 'involves' && r.otherType === 'person');
    const briefs = new Map(
      (await this.persons.briefs(involved.map((r) => r.otherId))).map((p) => [p.personId, p]),
    );
    const values = preferredValues(candidates);
    return {
      ...event,
      labels: this.labels(event, values),
      values,
      candidates: byAttribute(candidates),
      persons: involved.map((r) => ({
        personId: r.otherId,
        name: briefs.get(r.otherId)?.name ?? r.otherName,
        idNumber: briefs.get(r.otherId)?.idNumber ?? null,
        role: r.attributes.role ?? null,
        roleLabel: codeLabel('role', r.attributes.role) ?? null,
        ...provenanceOf(r, this.departments),
      })),
      places: relations
        .filter((r) => r.otherType === 'place')
        .map(({ otherId, type, placeCode, otherName, address, ...source }) => ({
          placeId: otherId,
          relation: type,
          placeCode,
          name: otherName,
          ...(address === undefined ? {} : { address }),
          ...provenanceOf(source, this.departments),
        })),
      mentions: mentions.map(mentionSummary),
    };
  }

  @Get('persons/:id/events')
  @PersonalData('events:read', {
    action: 'read',
    subjects: (body: PersonEventListDto, request) => [
      request.params.id,
      ...body.events.map((e) => e.id),
    ],
  })
  @ApiOperation({
    summary:
      "A resident's current events, newest first: assistance cases, allowances, incidents, each with the resident's role, its values and texts, and the record that names them. A merged person answers 301 to the survivor's events.",
  })
  @ApiOkResponse({ type: PersonEventListDto })
  @ApiMovedPermanentlyResponse({
    type: MergedPersonEventsDto,
    description: "Merged into another person: Location names the survivor's events",
  })
  async ofPerson(
    @Param() { id }: EntityIdParams,
    @Query() query: PersonEventsQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const person = await this.persons.summary(id, accessOf(request).principal.jurisdiction);
    if (!person) throw new NotFoundException(`no person ${id}`);
    if (person.mergedInto) {
      res.status(301).location(`../${person.mergedInto}/events`);
      return { id, mergedInto: person.mergedInto, events: [] };
    }
    const rows = await this.events.ofPerson(id, {
      limit: query.limit ?? 50,
      eventType: query.type,
    });
    const values = await this.events.values(rows.map((r) => r.id));
    return {
      events: rows.map(({ role, feed, sourceRecordId, observedAt, endedAt: _, ...event }) => {
        const own = preferredValues(values.filter((v) => v.eventId === event.id));
        return {
          ...event,
          labels: this.labels(event, own),
          values: own,
          role,
          roleLabel: codeLabel('role', role) ?? null,
          ...provenanceOf({ feed, sourceRecordId, observedAt }, this.departments),
        };
      }),
    };
  }

  /** Texts of an event's type, status, division and coded values. */
  private labels(
    event: { eventType: string; status: string | null; divisionCode: string | null },
    values: Record<string, unknown>,
  ) {
    const division = divisionLabel(this.divisions, event.divisionCode);
    return {
      ...labelsOf(values),
      ...labelsOf({ eventType: event.eventType, status: event.status }),
      ...(division === undefined ? {} : { division }),
    };
  }
}
