import { Tag } from 'antd';
import { conflictsOf, type PersonSummary } from './types';
import { attributeName, statusTag } from './vocabulary';

/** A person's marks in a list: 已死亡, 已迁出, 下落不明, 数据冲突. */
export function PersonTags({ person }: { person: Pick<PersonSummary, 'status' | 'flags'> }) {
  const status = statusTag(person.status);
  const conflicts = conflictsOf(person);
  return (
    <>
      {status && (
        <Tag color={status.color} data-testid="status-tag">
          {status.text}
        </Tag>
      )}
      {conflicts.length > 0 && (
        <Tag color="orange" title={conflicts.map((c) => attributeName(c.attribute)).join('、')}>
          数据冲突
        </Tag>
      )}
    </>
  );
}
