import { Alert, Button, Col, Empty, Result, Row, Spin, Tabs, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, errorText } from '../api/client';
import { SplitPerson } from '../components/review/SplitPerson';
import { TaskComparison } from '../components/review/TaskComparison';
import { TaskList, type ReviewTask } from '../components/review/TaskList';
import {
  VERIFICATION_PURPOSE,
  VerificationPurpose,
} from '../components/review/VerificationPurpose';
import { useSession } from '../session';

/** The open review tasks: a list, and the chosen task side by side with its decision. */
function ReviewTasks() {
  const { can } = useSession();
  const [tasks, setTasks] = useState<ReviewTask[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [decided, setDecided] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      const { data, error, response } = await api.GET('/v1/review-tasks', {
        params: { header: { 'X-Purpose': VERIFICATION_PURPOSE }, query: { status: 'open' } },
      });
      if (!data) {
        setError(errorText(error, response.status));
        return;
      }
      setTasks(data.tasks);
      setSelected((current) =>
        current && data.tasks.some((t) => t.id === current) ? current : (data.tasks[0]?.id ?? null),
      );
    } catch {
      setError('网络错误，请稍后重试');
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const onDecided = (taskId: string, summary: string) => {
    setDecided(summary);
    setTasks((current) => {
      const rest = (current ?? []).filter((t) => t.id !== taskId);
      setSelected(rest[0]?.id ?? null);
      return rest;
    });
  };

  if (error)
    return (
      <Alert
        type="error"
        showIcon
        title={error}
        action={<Button onClick={() => void load()}>重试</Button>}
      />
    );
  if (!tasks) return <Spin description="正在读取审核任务…" />;
  const task = tasks.find((t) => t.id === selected);
  return (
    <>
      {decided && (
        <Alert
          type="success"
          showIcon
          closable={{ 'aria-label': '关闭', onClose: () => setDecided(null) }}
          data-testid="review-decided"
          title={decided}
          style={{ marginBottom: 12 }}
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={7}>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
            待审核 {tasks.length} 条（您辖区内，先产生的在前）
          </Typography.Paragraph>
          <div style={{ maxHeight: 640, overflowY: 'auto' }}>
            <TaskList tasks={tasks} selected={selected} onSelect={setSelected} />
          </div>
        </Col>
        <Col xs={24} lg={17}>
          {task ? (
            <TaskComparison
              key={task.id}
              task={task}
              canDecide={can('review-tasks:decide')}
              onDecided={onDecided}
            />
          ) : (
            <Empty description="没有待审核的任务" />
          )}
        </Col>
      </Row>
    </>
  );
}

/**
 * 数据审核: resolution review tasks (is this record the same person as that one?) and splitting
 * a wrongly merged person (/review?split=<person id>, e.g. from a resident's page).
 */
export function ReviewPage() {
  const { me, can } = useSession();
  const [params, setParams] = useSearchParams();
  const splitId = params.get('split');
  if (!me) return <Spin />;
  if (!can('review-tasks:read') && !can('persons:split'))
    return <Result status="403" title="无权限" subTitle="您的角色不能审核人员数据。" />;

  const items = [
    can('review-tasks:read') && {
      key: 'tasks',
      label: '待审核任务',
      children: <ReviewTasks />,
    },
    can('persons:split') && {
      key: 'split',
      label: '拆分人员',
      children: <SplitPerson initialPersonId={splitId} />,
    },
  ].filter((item) => !!item);

  return (
    <>
      <Typography.Title level={3}>数据审核</Typography.Title>
      <VerificationPurpose>
        <Tabs
          activeKey={splitId !== null || !can('review-tasks:read') ? 'split' : 'tasks'}
          onChange={(key) => setParams(key === 'split' ? { split: '' } : {})}
          items={items}
        />
      </VerificationPurpose>
    </>
  );
}
