import { Alert, App, Button, Card, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, errorText } from '../../api/client';
import { useSession } from '../../session';
import { CreateUserForm } from './CreateUserForm';
import { DivisionName } from './DivisionName';
import type { StaffUser } from './roles';

/** 用户: the hub's staff users, a new one, and deactivating one (their tokens stop at once). */
export function UsersTab() {
  const { me } = useSession();
  const { message } = App.useApp();
  const [users, setUsers] = useState<StaffUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      const { data, error, response } = await api.GET('/v1/admin/users');
      if (data) setUsers(data);
      else setError(errorText(error, response.status));
    } catch {
      setError('网络错误，请稍后重试');
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const deactivate = async (user: StaffUser) => {
    const { data, error, response } = await api.POST('/v1/admin/users/{id}/deactivate', {
      params: { path: { id: user.id } },
    });
    if (!data) {
      void message.error(errorText(error, response.status));
      return;
    }
    void message.success(`已停用用户 ${user.username}`);
    await load();
  };

  const columns: TableColumnsType<StaffUser> = [
    {
      title: '用户名',
      dataIndex: 'username',
      key: 'username',
      render: (username: string, user) => (
        <Space size={4} wrap>
          <Typography.Text strong={username === created}>{username}</Typography.Text>
          {user.demo && <Tag>演示账号</Tag>}
          {username === created && <Tag color="green">新建</Tag>}
        </Space>
      ),
    },
    {
      title: '姓名',
      dataIndex: 'displayName',
      key: 'displayName',
      render: (v: string | null) => v ?? '—',
    },
    { title: '角色', dataIndex: 'roleLabel', key: 'role' },
    {
      title: '辖区',
      dataIndex: 'divisionCode',
      key: 'divisionCode',
      render: (code: string) => <DivisionName code={code} />,
    },
    {
      title: '状态',
      dataIndex: 'active',
      key: 'active',
      render: (active: boolean) =>
        active ? <Tag color="green">启用</Tag> : <Tag color="default">已停用</Tag>,
    },
    {
      title: '操作',
      key: 'actions',
      render: (_: unknown, user) =>
        user.active && user.id !== me?.id ? (
          <Popconfirm
            title={`停用用户 ${user.username}？`}
            description="停用后其登录立即失效，不能再登录。"
            okText="停用"
            okButtonProps={{ danger: true }}
            cancelText="取消"
            onConfirm={() => void deactivate(user)}
          >
            <Button size="small" danger>
              停用
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {error && <Alert type="error" showIcon title={error} />}
      <Table<StaffUser>
        data-testid="users"
        rowKey="id"
        size="small"
        loading={!users && !error}
        columns={columns}
        dataSource={users ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
      />
      <Card title="新建用户" size="small">
        <CreateUserForm
          users={users ?? []}
          onCreated={(user) => {
            setCreated(user.username);
            void load();
          }}
        />
      </Card>
    </Space>
  );
}
