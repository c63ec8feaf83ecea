import { Card, List, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { SourcePopover } from './Sourced';
import type { PersonDetail } from './types';
import { relationName } from './vocabulary';

/** Relations shown elsewhere: events (their cards), places (the addresses), family (家庭成员). */
const SHOWN_ELSEWHERE = new Set(['involves', 'family_member_of']);

const KIND: Record<string, string> = { object: '房屋/场所', organization: '组织', person: '人员' };

/**
 * 关联房屋、场所与组织: what else records tie the resident to (a house they own, premises they
 * run, an organization they represent, a person), each with its record.
 */
export function RelationsCard({ person }: { person: PersonDetail }) {
  const relations = person.relations.filter(
    (r) => r.otherType !== 'place' && r.otherType !== 'event' && !SHOWN_ELSEWHERE.has(r.type),
  );
  if (relations.length === 0) return null;
  return (
    <Card title="关联房屋、场所与组织" size="small" data-testid="relations">
      <List
        size="small"
        dataSource={relations}
        rowKey={(r) => `${r.type}-${r.otherId}-${r.sourceRecordId}`}
        renderItem={(r) => (
          <List.Item>
            <Space size={6} wrap>
              <Tag>{relationName(r.type)}</Tag>
              {r.otherType === 'person' ? (
                <Link to={`/residents/${r.otherId}`}>{r.otherName ?? '（无姓名）'}</Link>
              ) : (
                <SourcePopover title={relationName(r.type)} sources={[r]}>
                  {r.otherName ?? r.address ?? KIND[r.otherType] ?? r.otherType}
                </SourcePopover>
              )}
              <Typography.Text type="secondary">{KIND[r.otherType] ?? ''}</Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}
