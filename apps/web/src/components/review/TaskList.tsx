import { List, Tag, Typography } from 'antd';
import type { components } from '../../api/schema';
import { chineseDateTime } from '../../format';
import { scoreText } from './evidence';
import { pointerText } from './mention-values';
import './review.css';

export type ReviewTask = components['schemas']['ReviewTaskDto'];

/** The open review tasks, oldest first; the chosen one is shown beside (or below, on a phone). */
export function TaskList({
  tasks,
  selected,
  onSelect,
}: {
  tasks: ReviewTask[];
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  return (
    <List
      data-testid="review-task-list"
      bordered
      size="small"
      dataSource={tasks}
      locale={{ emptyText: '没有待审核的任务' }}
      renderItem={(task, index) => {
        const best = Math.max(...task.candidates.map((c) => c.score));
        const active = task.id === selected;
        return (
          <List.Item
            data-testid="review-task"
            style={{ background: active ? '#e6f4ff' : undefined, padding: 0 }}
          >
            <button
              type="button"
              aria-current={active ? 'true' : undefined}
              onClick={() => onSelect(task.id)}
              className="review-task-button"
            >
              <Typography.Text strong>
                {index + 1}. {task.department}记录 {task.sourceRecordId}
              </Typography.Text>
              {task.pointer && (
                <Typography.Text type="secondary"> · {pointerText(task.pointer)}</Typography.Text>
              )}
              <div>
                <Tag color="orange">{task.candidates.length} 个候选人员</Tag>
                <Tag>最高得分 {scoreText(best)}</Tag>
              </div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                产生于 {chineseDateTime(task.createdAt)}
              </Typography.Text>
            </button>
          </List.Item>
        );
      }}
    />
  );
}
