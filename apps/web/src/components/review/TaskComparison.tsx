import {
  App,
  Alert,
  Button,
  Card,
  Grid,
  Popconfirm,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { api, errorText } from '../../api/client';
import { useSession } from '../../session';
import { evidenceLabel, scoreText, weightText } from './evidence';
import {
  MENTION_FIELDS,
  pointerText,
  statedValues,
  type MentionField,
  type MentionValues,
  type StatedMention,
} from './mention-values';
import type { ReviewTask } from './TaskList';
import { usePersonDetails, type PersonLoad } from './usePersonDetails';
import './review.css';
import { VERIFICATION_PURPOSE } from './VerificationPurpose';

interface Column {
  title: string;
  ref: StatedMention;
  personId: string | null;
  load: PersonLoad | undefined;
  values: MentionValues;
  candidate?: ReviewTask['candidates'][number];
}

interface Row {
  key: string;
  label: string;
  cells: ReactNode[];
}

/** Where a mention comes from: 民政 CA-DB-2022-000248 · 家庭成员第2人. */
function Source({ mention }: { mention: StatedMention }) {
  return (
    <span>
      <Tag color="blue">{mention.department}</Tag>
      <Typography.Text
        copyable={{ text: mention.sourceRecordId, tooltips: ['复制记录编号', '已复制'] }}
      >
        {mention.sourceRecordId}
      </Typography.Text>
      {mention.pointer && <div>{pointerText(mention.pointer)}</div>}
    </span>
  );
}

function PersonCell({ column }: { column: Column }) {
  const { can } = useSession();
  if (!column.personId) return <Typography.Text type="secondary">（无）</Typography.Text>;
  if (!column.load) return <Spin size="small" />;
  if (column.load.error)
    return <Typography.Text type="secondary">{column.load.error}</Typography.Text>;
  const person = column.load.person!;
  const status = person.status !== 'normal' ? person.labels.status : undefined;
  return (
    <Space size={4} wrap>
      <Link to={`/residents/${person.id}`}>{person.name ?? '（无姓名）'}</Link>
      {status && <Tag color="red">{status}</Tag>}
      {person.mentions.length > 1 && <Tag>{person.mentions.length} 条记录</Tag>}
      {person.mentions.length > 1 && can('persons:split') && (
        <Link to={`/review?split=${person.id}`}>拆分</Link>
      )}
    </Space>
  );
}

/** Two values of a field agree: equal, or a birth month and a date in it (1990年1月, 1990年1月1日). */
const agrees = (field: MentionField, a: string, b: string): boolean =>
  a === b || (field === 'birthDate' && (a.startsWith(b) || b.startsWith(a)));

/** The rows of the side-by-side comparison: source, person, each field, score and evidence. */
function comparisonRows(columns: Column[]): Row[] {
  const [mention] = columns;
  const fieldRows = MENTION_FIELDS.filter(({ key }) => columns.some((c) => c.values[key])).map(
    ({ key, label }): Row => ({
      key,
      label,
      cells: columns.map((column, i) => {
        const value = column.values[key];
        if (!value) return <Typography.Text type="secondary">—</Typography.Text>;
        const own = mention.values[key];
        const className =
          i === 0 || !own ? undefined : agrees(key, own, value) ? 'review-same' : 'review-differs';
        return <span className={className}>{value}</span>;
      }),
    }),
  );
  return [
    { key: 'source', label: '来源记录', cells: columns.map((c) => <Source mention={c.ref} />) },
    { key: 'person', label: '所属人员', cells: columns.map((c) => <PersonCell column={c} />) },
    ...fieldRows,
    {
      key: 'score',
      label: '匹配得分',
      cells: columns.map((c) =>
        c.candidate ? (
          <Typography.Text strong>{scoreText(c.candidate.score)}</Typography.Text>
        ) : (
          <Typography.Text type="secondary">待审核</Typography.Text>
        ),
      ),
    },
    {
      key: 'evidence',
      label: '匹配依据',
      cells: columns.map((c) =>
        c.candidate ? (
          <Space size={[4, 4]} wrap data-testid="evidence">
            {c.candidate.evidence.map((e) => (
              <Tag key={e.rule} color={e.weight < 0 ? 'red' : 'green'}>
                {evidenceLabel(e.rule)} {weightText(e.weight)}
              </Tag>
            ))}
          </Space>
        ) : null,
      ),
    },
  ];
}

/**
 * One review task side by side: the mention under review and each candidate's matching mention,
 * field by field as each department's record gives them, with the score and the evidence; and
 * the reviewer's decision.
 */
export function TaskComparison({
  task,
  canDecide,
  onDecided,
}: {
  task: ReviewTask;
  canDecide: boolean;
  onDecided: (taskId: string, summary: string) => void;
}) {
  const { message } = App.useApp();
  const narrow = !Grid.useBreakpoint().md;
  const candidateIds = task.candidates.flatMap((c) => (c.entityId ? [c.entityId] : []));
  const { persons } = usePersonDetails([task.personId, ...candidateIds]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const columnOf = (
    title: string,
    mention: StatedMention,
    personId: string | null,
    candidate?: Column['candidate'],
  ): Column => ({
    title,
    ref: mention,
    personId,
    load: personId ? persons[personId] : undefined,
    values: statedValues(mention),
    candidate,
  });
  const columns: Column[] = [
    columnOf('待审核记录', task, task.personId),
    ...task.candidates.map((c, i) => columnOf(`候选人员 ${i + 1}`, c.matched, c.entityId, c)),
  ];
  const name = columns[0].values.name ?? '该记录';

  const decide = async (verdict: 'same' | 'different', column?: Column) => {
    setBusy(column?.personId ?? verdict);
    setError(null);
    try {
      const { data, error, response } = await api.POST('/v1/review-tasks/{id}/decision', {
        params: { header: { 'X-Purpose': VERIFICATION_PURPOSE }, path: { id: task.id } },
        body: { verdict, ...(column?.personId ? { personId: column.personId } : {}) },
      });
      if (!data) {
        setError(errorText(error, response.status));
        return;
      }
      const summary =
        verdict === 'same'
          ? `已确认：${name}（${task.department}记录）与${column?.title ?? '候选人员'}${column?.values.name ? `（${column.values.name}）` : ''}是同一人，记录已合并。`
          : `已确认：${name}（${task.department}记录）与候选人员不是同一人，保持分开。`;
      void message.success(summary);
      onDecided(task.id, summary);
    } catch {
      setError('网络错误，请稍后重试');
    } finally {
      setBusy(null);
    }
  };

  const tableColumns: TableColumnsType<Row> = [
    {
      title: '项目',
      dataIndex: 'label',
      key: 'label',
      fixed: 'left',
      width: narrow ? 72 : 92,
      render: (label: string) => <Typography.Text type="secondary">{label}</Typography.Text>,
    },
    ...columns.map((column, i) => ({
      title: column.title,
      key: `c${i}`,
      width: narrow ? 150 : 220,
      onCell: () => ({ style: i === 0 ? { background: '#fffbe6' } : {} }),
      render: (_: unknown, row: Row) => row.cells[i],
    })),
  ];

  return (
    <Card
      data-testid="review-task-detail"
      title={
        <span>
          待审核：{name}
          <Typography.Text type="secondary" style={{ fontWeight: 'normal', marginLeft: 8 }}>
            {task.department} {task.sourceRecordId}
          </Typography.Text>
        </span>
      }
      styles={{ body: { padding: 12 } }}
    >
      <Typography.Paragraph type="secondary">
        匹配程序不能确定这条记录是不是下列候选人员之一。请对照各部门记录的内容，作出审核结论：
        绿色为与待审核记录一致的值，橙色为不一致的值。
      </Typography.Paragraph>
      <Table<Row>
        data-testid="review-comparison"
        size="small"
        bordered
        pagination={false}
        rowKey="key"
        columns={tableColumns}
        dataSource={comparisonRows(columns)}
        scroll={{ x: 'max-content' }}
      />
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
      {canDecide ? (
        <Space wrap style={{ marginTop: 12 }} data-testid="review-decision">
          {columns.slice(1).map((column) =>
            column.personId ? (
              <Popconfirm
                key={column.personId}
                title={`确认${name}与${column.title}${column.values.name ? `（${column.values.name}）` : ''}是同一人？`}
                description="确认后两人的记录合并为一人，今后匹配以此结论为准。"
                okText="确认合并"
                cancelText="取消"
                onConfirm={() => void decide('same', column)}
              >
                <Button type="primary" loading={busy === column.personId}>
                  是同一人：{column.title}
                  {column.values.name && `（${column.values.name}）`}
                </Button>
              </Popconfirm>
            ) : null,
          )}
          <Popconfirm
            title={`确认${name}与候选人员都不是同一人？`}
            description="确认后这条记录保持为单独的人员，今后匹配以此结论为准。"
            okText="确认分开"
            cancelText="取消"
            onConfirm={() => void decide('different')}
          >
            <Button danger loading={busy === 'different'}>
              不是同一人（保持分开）
            </Button>
          </Popconfirm>
        </Space>
      ) : (
        <Alert
          type="info"
          showIcon
          style={{ marginTop: 12 }}
          title="您的角色可以查看审核任务，但不能作出审核结论。"
        />
      )}
    </Card>
  );
}
