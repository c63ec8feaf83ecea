import { WarningOutlined } from '@ant-design/icons';
import { Empty, Table, Tag, Tooltip } from 'antd';
import { SourceInfo } from './SourceInfo';
import { flagReason, readable } from './form-values';
import type { FilledField, FilledRow, FilledSection } from './types';

const FLAG_COLORS: Record<string, string> = {
  deceased: 'red',
  moved_out: 'volcano',
  missing_person: 'red',
  pending_review: 'gold',
  conflicting_identity: 'orange',
};

/** One cell of a table: its value with the source, or what is wrong with it. */
function Cell({ cell }: { cell: FilledField }) {
  if (cell.status === 'missing') return <span className="forms-missing">缺失</span>;
  if (cell.status === 'staff') return <span>—</span>;
  const value = (
    <SourceInfo provenance={cell.provenance} alternatives={cell.alternatives}>
      {readable(cell.display)}
    </SourceInfo>
  );
  if (cell.status === 'flagged')
    return (
      <Tooltip title={flagReason(cell)}>
        <span>
          {value} <WarningOutlined style={{ color: '#faad14' }} aria-label={flagReason(cell)} />
        </span>
      </Tooltip>
    );
  if (cell.status === 'conflict')
    return (
      <span>
        {value}{' '}
        <Tag color="orange" style={{ marginInlineEnd: 0 }}>
          来源不一致
        </Tag>
      </span>
    );
  return value;
}

/**
 * A table section (household members, assistance cases, residents, incidents): one row per
 * entity, each cell with its source; a row's flags (deceased, moved out…) as tags. Scrolls
 * sideways on a phone.
 */
export function TableSection({ section }: { section: FilledSection }) {
  const rows = section.rows ?? [];
  if (rows.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无记录" />;
  const labels = rows[0].cells.map((c) => ({ key: c.key, label: c.label }));
  return (
    <Table<FilledRow>
      size="small"
      bordered
      rowKey={(row, index) => `${row.entityId}-${index ?? 0}`}
      dataSource={rows}
      pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      scroll={{ x: 'max-content' }}
      data-testid={`table-${section.key}`}
      columns={[
        {
          key: 'index',
          title: '序号',
          width: 56,
          render: (_: unknown, row: FilledRow, index: number) => (
            <>
              {index + 1}
              {row.flags.map((flag) => (
                <Tag key={flag.code} color={FLAG_COLORS[flag.code]} style={{ marginLeft: 4 }}>
                  {flag.message}
                </Tag>
              ))}
            </>
          ),
        },
        ...labels.map(({ key, label }, column) => ({
          key,
          title: label,
          render: (_: unknown, row: FilledRow) =>
            row.cells[column] ? <Cell cell={row.cells[column]} /> : null,
        })),
      ]}
    />
  );
}
