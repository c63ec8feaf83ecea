import { Alert, App, Button, Card, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, errorText } from '../../api/client';
import type { components } from '../../api/schema';
import { chineseDateTime, DEPARTMENTS } from '../../format';
import { ApiKeyModal } from './ApiKeyModal';
import { CreateClientForm, SCOPES } from './CreateClientForm';
import { DivisionName } from './DivisionName';

type Client = components['schemas']['ClientDto'];

/** 部门客户端: department and subscriber systems, their keys rotated or revoked. */
export function ClientsTab() {
  const { message } = App.useApp();
  const [clients, setClients] = useState<Client[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [key, setKey] = useState<{ clientName: string; token: string } | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      const { data, error, response } = await api.GET('/v1/admin/clients');
      if (data) setClients(data);
      else setError(errorText(error, response.status));
    } catch {
      setError('网络错误，请稍后重试');
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const rotate = async (client: Client) => {
    const { data, error, response } = await api.POST('/v1/admin/clients/{id}/rotate', {
      params: { path: { id: client.id } },
    });
    if (!data) {
      void message.error(errorText(error, response.status));
      return;
    }
    setKey({ clientName: client.name, token: data.token });
    await load();
  };

  const revoke = async (client: Client) => {
    const { data, error, response } = await api.DELETE('/v1/admin/clients/{id}', {
      params: { path: { id: client.id } },
    });
    if (!data) {
      void message.error(errorText(error, response.status));
      return;
    }
    void message.success(`已吊销“${client.name}”，其密钥立即失效`);
    await load();
  };

  const columns: TableColumnsType<Client> = [
    { title: '名称', dataIndex: 'name', key: 'name' },
    {
      title: '推送数据源',
      dataIndex: 'feeds',
      key: 'feeds',
      render: (feeds: string[]) =>
        feeds.length ? feeds.map((f) => <Tag key={f}>{DEPARTMENTS[f] ?? f}</Tag>) : '—',
    },
    {
      title: '订阅权限',
      dataIndex: 'scopes',
      key: 'scopes',
      render: (scopes: string[]) =>
        scopes.length ? scopes.map((s) => <Tag key={s}>{SCOPES[s] ?? s}</Tag>) : '—',
    },
    {
      title: '辖区',
      dataIndex: 'divisionCode',
      key: 'divisionCode',
      render: (code: string | null) => <DivisionName code={code} />,
    },
    {
      title: '创建',
      key: 'created',
      render: (_: unknown, c) => (
        <span>
          {chineseDateTime(c.createdAt)}
          <Typography.Text type="secondary"> {c.createdBy}</Typography.Text>
        </span>
      ),
    },
    {
      title: '状态',
      key: 'state',
      render: (_: unknown, c) =>
        c.revokedAt ? (
          <Tag color="red">已吊销 {chineseDateTime(c.revokedAt)}</Tag>
        ) : (
          <Space size={4} wrap>
            <Tag color="green">启用</Tag>
            {c.rotatedAt && (
              <Typography.Text type="secondary">
                密钥更换于 {chineseDateTime(c.rotatedAt)}
              </Typography.Text>
            )}
          </Space>
        ),
    },
    {
      title: '操作',
      key: 'actions',
      render: (_: unknown, c) =>
        c.revokedAt ? null : (
          <Space size={4} wrap>
            <Popconfirm
              title={`更换“${c.name}”的密钥？`}
              description="旧密钥立即失效，新密钥只显示一次。"
              okText="更换"
              cancelText="取消"
              onConfirm={() => void rotate(c)}
            >
              <Button size="small">更换密钥</Button>
            </Popconfirm>
            <Popconfirm
              title={`吊销“${c.name}”？`}
              description="吊销后该系统的密钥立即失效，不能恢复。"
              okText="吊销"
              okButtonProps={{ danger: true }}
              cancelText="取消"
              onConfirm={() => void revoke(c)}
            >
              <Button size="small" danger>
                吊销
              </Button>
            </Popconfirm>
          </Space>
        ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {error && <Alert type="error" showIcon title={error} />}
      <Table<Client>
        data-testid="clients"
        rowKey="id"
        size="small"
        loading={!clients && !error}
        columns={columns}
        dataSource={clients ?? []}
        locale={{ emptyText: '还没有客户端' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
      />
      <Card title="新建客户端" size="small">
        <CreateClientForm
          onCreated={(client) => {
            setKey({ clientName: client.name, token: client.token });
            void load();
          }}
        />
      </Card>
      <ApiKeyModal shown={key} onClose={() => setKey(null)} />
    </Space>
  );
}
