import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Grid, List, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, errorText } from '../api/client';
import type { components } from '../api/schema';
import { chineseDateTime } from '../format';
import { NeedPurpose } from '../components/resident/NeedPurpose';
import { useSession } from '../session';

/** One audited read or change naming the resident (GET /v1/persons/{id}/access-log). */
type AccessLogEntry = components['schemas']['AccessLogEntryDto'];

const PAGE = 50;

/** Roles as staff name them (rules/access/roles.json). */
const ROLE_NAMES: Record<string, string> = {
  'district-admin': '区级管理员',
  'township-staff': '镇街工作人员',
  'community-staff': '村社区工作人员',
  'grid-worker': '网格员',
  reviewer: '审核员',
  operator: '运维',
};

const FIELD_NAMES: Record<string, string> = {
  idNumber: '身份证号',
  phone: '电话',
  address: '地址',
};

/** What a request did, from its method and route: 查看居民信息, 填写表单… */
function actionOf(endpoint: string): string {
  const [method = '', path = ''] = endpoint.split(' ');
  const route = path.replace(/^\/v1\//, '');
  if (/^persons\/[^/]+\/access-log/.test(route)) return '查看访问记录';
  if (/^persons\/[^/]+\/events/.test(route)) return '查看事件';
  if (/^persons\/[^/]+\/explain/.test(route)) return '查看合并依据';
  if (/^persons\/[^/]+\/split/.test(route)) return '拆分人员';
  if (/^persons\/[^/?]+/.test(route)) return '查看居民信息';
  if (/^persons/.test(route)) return '查询居民';
  if (/^events/.test(route)) return '查看事件';
  if (/^forms\/[^/]+\/prefill/.test(route)) return '预填表单';
  if (/^forms\/[^/]+\/submissions/.test(route)) return '提交表单';
  if (/^forms\/[^/]+\/export/.test(route)) return '导出花名册';
  if (/^review-tasks/.test(route)) return '审核合并';
  if (/^changes/.test(route)) return '数据订阅同步';
  if (/^reports/.test(route)) return '报表';
  return method === 'GET' ? '查看' : '修改';
}

/**
 * 访问记录: who read or changed this resident's data, when, in which role and for what purpose
 * (the audit trail), newest first, for admins (persons:access-log).
 */
export function AccessLogPage() {
  const { id = '' } = useParams();
  const { purpose, can, me } = useSession();
  const narrow = !Grid.useBreakpoint().md;
  const [entries, setEntries] = useState<AccessLogEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [more, setMore] = useState(false);
  const allowed = can('persons:access-log');

  const load = useCallback(
    async (before?: string) => {
      if (!purpose) return;
      setLoading(true);
      setError(null);
      try {
        const {
          data,
          error: failed,
          response,
        } = await api.GET('/v1/persons/{id}/access-log', {
          params: {
            path: { id },
            header: { 'X-Purpose': purpose },
            query: { limit: PAGE, ...(before ? { before } : {}) },
          },
        });
        const page = data?.entries;
        if (!page) {
          setError(
            response.status === 404
              ? errorText(undefined, 404)
              : errorText(failed, response.status),
          );
          return;
        }
        setEntries((was) => (before ? [...was, ...page] : page));
        setMore(page.length === PAGE);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      } finally {
        setLoading(false);
      }
    },
    [id, purpose],
  );

  useEffect(() => {
    setEntries([]);
    if (allowed) void load();
  }, [allowed, load]);

  const header = (
    <Space orientation="vertical" size={4}>
      <Link to={`/residents/${id}`}>
        <ArrowLeftOutlined /> 返回居民信息
      </Link>
      <Typography.Title level={3} style={{ margin: 0 }}>
        访问记录
      </Typography.Title>
      <Typography.Text type="secondary">
        谁在何时、以什么身份、为什么用途查看或修改了该居民的信息（最近的在前）。
      </Typography.Text>
    </Space>
  );

  if (me && !allowed)
    return (
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        {header}
        <Alert type="error" showIcon title={errorText(undefined, 403)} />
      </Space>
    );
  if (!purpose)
    return (
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        {header}
        <NeedPurpose suggest={['resident-request', 'data-verification']} />
      </Space>
    );

  const last = entries.at(-1);
  const loadMore = more && last && (
    <div style={{ textAlign: 'center', marginTop: 12 }}>
      <Button onClick={() => void load(last.id)} loading={loading}>
        加载更早的记录
      </Button>
    </div>
  );
  const unmasked = (e: AccessLogEntry) =>
    e.fieldsUnmasked?.length
      ? e.fieldsUnmasked.map((f) => <Tag key={f}>{FIELD_NAMES[f] ?? f}</Tag>)
      : '—';
  const who = (e: AccessLogEntry) => `${e.actor}${e.actorKind === 'client' ? '（系统接入）' : ''}`;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {header}
      {error && <Alert type="error" showIcon title={error} data-testid="access-log-error" />}
      <Card size="small">
        {narrow ? (
          <List
            loading={loading && entries.length === 0}
            dataSource={entries}
            rowKey="id"
            data-testid="access-log"
            locale={{ emptyText: '没有访问记录' }}
            renderItem={(e) => (
              <List.Item>
                <Space orientation="vertical" size={0}>
                  <Typography.Text strong>{chineseDateTime(e.at)}</Typography.Text>
                  <span>
                    {who(e)} · {ROLE_NAMES[e.role ?? ''] ?? e.role ?? ''}
                  </span>
                  <span>
                    {actionOf(e.endpoint)} · 用途：{e.purposeLabel ?? e.purpose ?? '—'}
                  </span>
                  <span>未脱敏：{unmasked(e)}</span>
                </Space>
              </List.Item>
            )}
          />
        ) : (
          <Table<AccessLogEntry>
            size="small"
            rowKey="id"
            loading={loading && entries.length === 0}
            dataSource={entries}
            pagination={false}
            data-testid="access-log"
            locale={{ emptyText: '没有访问记录' }}
            scroll={{ x: 900 }}
            columns={[
              { title: '时间', key: 'at', width: 170, render: (_, e) => chineseDateTime(e.at) },
              { title: '访问人', key: 'actor', render: (_, e) => who(e) },
              {
                title: '角色',
                key: 'role',
                render: (_, e) => ROLE_NAMES[e.role ?? ''] ?? e.role ?? '—',
              },
              {
                title: '操作',
                key: 'endpoint',
                render: (_, e) => <span title={e.endpoint}>{actionOf(e.endpoint)}</span>,
              },
              {
                title: '用途',
                key: 'purpose',
                render: (_, e) => e.purposeLabel ?? e.purpose ?? '—',
              },
              { title: '未脱敏字段', key: 'fields', render: (_, e) => unmasked(e) },
            ]}
          />
        )}
        {loadMore}
      </Card>
    </Space>
  );
}
