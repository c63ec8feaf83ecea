import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';

const PAGE = 5000;

@ApiTags('persons')
@Controller('resolution')
export class ResolutionLinksController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Keyset pages over the mention primary key: memory stays flat however many mentions there
   * are, and no transaction is held open while the client reads.
   */
  @Get('links')
  @ApiOperation({
    summary:
      'Every mention and its entity as NDJSON, one line each: {"feed","sourceRecordId","pointer","entityType","entityId"}.',
  })
  @ApiProduces('application/x-ndjson')
  async links(@Res() res: Response): Promise<void> {
    res.status(200).type('application/x-ndjson');
    let after: [string, string, string] | null = null;
    for (;;) {
      const rows: {
        feed: string;
        sourceRecordId: string;
        pointer: string;
        entityType: string;
        entityId: string;
      }[] = await this.db.query(
        `SELECT feed, source_record_id AS "sourceRecordId", pointer, entity_type AS "entityType", entity_id AS "entityId"
             FROM mention
            WHERE $1::text IS NULL OR (feed, source_record_id, pointer) > ($1, $2, $3)
            ORDER BY feed, source_record_id, pointer LIMIT ${PAGE}`,
        after ?? [null, null, null],
      );
      if (rows.length === 0) break;
      const chunk = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      const last = rows[rows.length - 1];
      after = [last.feed, last.sourceRecordId, last.pointer];
      if (rows.length < PAGE) break;
    }
    res.end();
  }
}
