import { Alert, Button, Checkbox, Col, Form, Input, Row } from 'antd';
import { useState } from 'react';
import { api, errorText } from '../../api/client';
import type { components } from '../../api/schema';
import { DEPARTMENTS } from '../../format';

type NewClient = components['schemas']['CreateClientDto'];
type ClientWithKey = components['schemas']['ClientWithKeyDto'];

const DIVISION = /^(\d{6}|\d{9}|\d{12})$/;

/** The feeds a department system pushes. */
const FEEDS = ['population', 'assistance', 'grid'];

/** What a subscriber client may read, as rules/access/roles.json `clients.scopes` names it. */
export const SCOPES: Record<string, string> = {
  'changes:read': '数据订阅（变更推送、回调）',
  'reports:read': '报表（汇总统计）',
};

/**
 * A department client (pushes its feeds) or a subscriber client (reads the change feed or
 * reports of its division). The answer carries its API key, shown once by the caller.
 */
export function CreateClientForm({ onCreated }: { onCreated: (client: ClientWithKey) => void }) {
  const [form] = Form.useForm<NewClient>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: NewClient) => {
    if (values.feeds.length === 0 && !values.scopes?.length) {
      setError('请至少选择一个可推送的数据源或一项订阅权限');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { data, error, response } = await api.POST('/v1/admin/clients', {
        body: {
          name: values.name.trim(),
          feeds: values.feeds,
          scopes: values.scopes ?? [],
          divisionCode: values.divisionCode?.trim() || undefined,
        },
      });
      if (!data) {
        setError(
          response.status === 409
            ? `已有名为“${values.name}”的客户端`
            : errorText(error, response.status),
        );
        return;
      }
      form.resetFields();
      onCreated(data);
    } catch {
      setError('网络错误，请稍后重试');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form<NewClient>
      form={form}
      layout="vertical"
      data-testid="create-client"
      initialValues={{ feeds: [], scopes: [] }}
      onFinish={(values) => void submit(values)}
    >
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item
            label="客户端名称"
            name="name"
            rules={[
              { required: true, message: '请输入名称' },
              { max: 100, message: '最多100个字' },
            ]}
          >
            <Input placeholder="如 江津区公安局人口系统" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            label="辖区代码"
            name="divisionCode"
            extra="可不填：默认为您的辖区"
            rules={[{ pattern: DIVISION, message: '6、9或12位行政区划代码' }]}
          >
            <Input inputMode="numeric" placeholder="如 500116" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label="可推送的数据源（部门系统）" name="feeds">
            <Checkbox.Group
              options={FEEDS.map((feed) => ({ value: feed, label: DEPARTMENTS[feed] ?? feed }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label="订阅权限（订阅方）" name="scopes">
            <Checkbox.Group
              options={Object.entries(SCOPES).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
        </Col>
      </Row>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Button type="primary" htmlType="submit" loading={busy}>
        创建客户端
      </Button>
    </Form>
  );
}
