import { SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Grid, Input, List, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { HTMLAttributes } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, errorText } from '../api/client';
import { NeedPurpose, suggestedPurposes } from '../components/resident/NeedPurpose';
import { PersonTags } from '../components/resident/PersonTags';
import {
  parseBirth,
  parseSearch,
  SEARCH_FIELD_NAMES,
  type SearchQuery,
} from '../components/resident/search-query';
import type { PersonSummary } from '../components/resident/types';
import { valueText } from '../components/resident/vocabulary';
import { useSession } from '../session';

const LIMIT = 50;

interface Found {
  query: SearchQuery;
  persons: PersonSummary[];
  maskedFields: string[];
}

/**
 * 居民查询: a resident by name (or part of it), ID number or phone, inside the user's
 * jurisdiction; the query lives in the address (?q=…&birth=…), so going back from a resident
 * finds the results again.
 */
export function SearchPage() {
  const { purpose, me } = useSession();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const birth = params.get('birth') ?? '';
  const [form] = Form.useForm<{ q: string; birth?: string }>();
  const [found, setFound] = useState<Found | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const narrow = !Grid.useBreakpoint().md;

  useEffect(() => {
    form.setFieldsValue({ q, birth });
  }, [form, q, birth]);

  useEffect(() => {
    const query = parseSearch(q, birth);
    if (!query || !purpose) {
      setFound(null);
      return;
    }
    let current = true;
    setLoading(true);
    setError(null);
    void api
      .GET('/v1/persons', {
        params: { query: { ...filtersOf(query), limit: LIMIT }, header: { 'X-Purpose': purpose } },
      })
      .then(({ data, error: failed, response }) => {
        if (!current) return;
        if (data) setFound({ query, persons: data.persons, maskedFields: data.maskedFields });
        else {
          setFound(null);
          setError(errorText(failed, response.status));
        }
      })
      .catch((e: unknown) => current && setError(e instanceof Error ? e.message : String(e)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [q, birth, purpose]);

  const submit = (values: { q: string; birth?: string }) => {
    const next = new URLSearchParams();
    if (values.q?.trim()) next.set('q', values.q.trim());
    if (values.birth?.trim()) next.set('birth', values.birth.trim());
    setParams(next);
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        居民查询
      </Typography.Title>
      <Card size="small">
        <Form
          form={form}
          layout={narrow ? 'vertical' : 'inline'}
          onFinish={submit}
          initialValues={{ q, birth }}
          style={{ rowGap: 8 }}
        >
          <Form.Item
            name="q"
            label="姓名 / 身份证号 / 电话"
            rules={[{ required: true, whitespace: true, message: '请输入姓名、身份证号或电话' }]}
            style={{ minWidth: narrow ? undefined : 320 }}
          >
            <Input
              allowClear
              placeholder="如：李秀、500381195603022029、13823456789"
              data-testid="search-input"
              autoFocus={!narrow}
            />
          </Form.Item>
          <Form.Item
            name="birth"
            label="出生年月（可选）"
            rules={[
              {
                validator: (_, value: string | undefined) =>
                  !value?.trim() || parseBirth(value)
                    ? Promise.resolve()
                    : Promise.reject(new Error('如 1956、1956-03 或 1956年3月')),
              },
            ]}
          >
            <Input allowClear placeholder="如 1956-03" style={{ width: narrow ? '100%' : 140 }} />
          </Form.Item>
          <Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              icon={<SearchOutlined />}
              block={narrow}
              data-testid="search-submit"
            >
              查询
            </Button>
          </Form.Item>
        </Form>
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          可只输入姓名的一部分（如“李秀”可找到“李秀英”），同名较多时可加出生年月；只查询您辖区内的居民。
        </Typography.Paragraph>
      </Card>
      {!purpose ? (
        <NeedPurpose suggest={suggestedPurposes(me?.role)} />
      ) : error ? (
        <Alert type="error" showIcon title={error} data-testid="search-error" />
      ) : (
        (found || loading) && <Results found={found} loading={loading} narrow={narrow} />
      )}
    </Space>
  );
}

function Results({
  found,
  loading,
  narrow,
}: {
  found: Found | null;
  loading: boolean;
  narrow: boolean;
}) {
  const persons = found?.persons ?? [];
  const idMasked = found?.maskedFields.includes('idNumber');
  const phoneMasked = found?.maskedFields.includes('phone');
  const summary = found && (
    <Space orientation="vertical" size={0} style={{ marginBottom: 8 }}>
      <Typography.Text data-testid="search-summary">
        按{SEARCH_FIELD_NAMES[found.query.field]}“{queryText(found.query)}”查询，
        {persons.length === 0
          ? '您的辖区内没有找到符合的居民。'
          : `找到 ${persons.length}${persons.length >= LIMIT ? ' 人以上' : ' 人'}${found.query.field === 'name' ? '（按姓名匹配程度排序）' : ''}。`}
      </Typography.Text>
      {persons.length >= LIMIT && (
        <Typography.Text type="warning">
          只显示前 {LIMIT} 人：请输入更完整的姓名，或加上出生年月。
        </Typography.Text>
      )}
      {(idMasked || phoneMasked) && (
        <Typography.Text type="secondary">
          按您的角色，{[idMasked && '身份证号', phoneMasked && '电话'].filter(Boolean).join('和')}
          已部分隐藏。
        </Typography.Text>
      )}
    </Space>
  );

  if (narrow)
    return (
      <Card size="small" loading={loading && !found}>
        {summary}
        <List
          data-testid="search-results"
          dataSource={persons}
          rowKey="id"
          locale={{ emptyText: '没有找到' }}
          renderItem={(p) => (
            <List.Item data-testid="search-result">
              <List.Item.Meta
                title={
                  <Space size={4} wrap>
                    <Link to={`/residents/${p.id}`}>{p.name ?? '（无姓名）'}</Link>
                    <Typography.Text type="secondary">
                      {[p.labels.gender, valueText('birthDate', p.birthDate)]
                        .filter(Boolean)
                        .join(' · ')}
                    </Typography.Text>
                    <PersonTags person={p} />
                  </Space>
                }
                description={
                  <Space orientation="vertical" size={0}>
                    <span data-testid="result-id-number">{p.idNumber ?? '—'}</span>
                    <span>{[p.phone, p.labels.division].filter(Boolean).join(' · ')}</span>
                  </Space>
                }
              />
            </List.Item>
          )}
        />
      </Card>
    );

  return (
    <Card size="small">
      {summary}
      <Table<PersonSummary>
        data-testid="search-results"
        size="middle"
        rowKey="id"
        loading={loading}
        dataSource={persons}
        pagination={false}
        scroll={{ x: 900 }}
        onRow={() => ({ 'data-testid': 'search-result' }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: '没有找到' }}
        columns={[
          {
            title: '姓名',
            key: 'name',
            render: (_, p) => (
              <Space size={4} wrap>
                <Link to={`/residents/${p.id}`}>{p.name ?? '（无姓名）'}</Link>
                <PersonTags person={p} />
              </Space>
            ),
          },
          {
            title: '性别',
            key: 'gender',
            width: 60,
            render: (_, p) => p.labels.gender ?? p.gender,
          },
          {
            title: '出生日期',
            key: 'birthDate',
            width: 140,
            render: (_, p) => valueText('birthDate', p.birthDate),
          },
          {
            title: '公民身份号码',
            key: 'idNumber',
            width: 200,
            render: (_, p) => <span data-testid="result-id-number">{p.idNumber ?? '—'}</span>,
          },
          { title: '联系电话', key: 'phone', width: 140, render: (_, p) => p.phone ?? '—' },
          {
            title: '所属村（社区）',
            key: 'division',
            render: (_, p) => p.labels.division ?? p.divisionCode ?? '—',
          },
        ]}
      />
    </Card>
  );
}

/** The API's filters of a query. */
const filtersOf = (query: SearchQuery) => {
  switch (query.field) {
    case 'name':
      return { name: query.name, birthDate: query.birthDate };
    case 'idNumber':
      return { idNumber: query.idNumber };
    case 'phone':
      return { phone: query.phone };
  }
};

const queryText = (query: SearchQuery): string => {
  switch (query.field) {
    case 'name':
      return query.birthDate
        ? `${query.name}，出生于${valueText('birthDate', query.birthDate)}`
        : query.name;
    case 'idNumber':
      return query.idNumber;
    case 'phone':
      return query.phone;
  }
};
