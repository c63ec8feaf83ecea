import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { accessOf, AuditTrail, PersonalData } from '@hub/access';
import { ResolutionLinksRepository } from './resolution-links.repository';

const PAGE = 5000;

@ApiTags('persons')
@Controller('resolution')
export class ResolutionLinksController {
  constructor(
    private readonly repository: ResolutionLinksRepository,
    private readonly trail: AuditTrail,
  ) {}

  /**
   * Keyset pages over the mention primary key: memory stays flat however many mentions there
   * are, and no transaction is held open while the client reads. Audited once, before the first
   * line, as a bulk read (the export is streamed: its count is not known before it ends).
   */
  @Get('links')
  @PersonalData('resolution-links:read', { action: 'read', selfAudited: true })
  @ApiOperation({
    summary:
      'Every mention in your jurisdiction and its entity as NDJSON, one line each: {"feed","sourceRecordId","pointer","entityType","entityId"}.',
  })
  @ApiOkResponse({
    description: 'One JSON object a line, in the order of (feed, sourceRecordId, pointer)',
    content: {
      'application/x-ndjson': {
        schema: {
          type: 'string',
          example:
            '{"feed":"population","sourceRecordId":"50011620230824000017","pointer":"","entityType":"person","entityId":"3f0c5a9e-6d1b-4c1e-9f3a-2b7d8e4a1c55"}\n',
        },
      },
    },
  })
  async links(@Req() request: Request, @Res() res: Response): Promise<void> {
    const { jurisdiction } = accessOf(request).principal;
    await this.trail.record(request, {
      subjects: [],
      fieldsUnmasked: [],
      status: 200,
      detail: { export: 'resolution-links', jurisdiction },
    });
    res.status(200).type('application/x-ndjson');
    let closed = false;
    res.once('close', () => (closed = true));
    let after: [string, string, string] | null = null;
    while (!closed) {
      const rows = await this.repository.page(after, jurisdiction, PAGE);
      if (rows.length === 0) break;
      const chunk = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
      // A client that stops reading and goes away ends the wait as well as one that reads on;
      // one already gone (its 'close' came before this write) is not waited for at all.
      if (!res.write(chunk) && !closed)
        await new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
      const last = rows[rows.length - 1];
      after = [last.feed, last.sourceRecordId, last.pointer];
      if (rows.length < PAGE) break;
    }
    res.end();
  }
}
