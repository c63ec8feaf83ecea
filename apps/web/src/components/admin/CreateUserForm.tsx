import { Alert, App, Button, Col, Form, Input, Row, Select } from 'antd';
import { useState } from 'react';
import { api, errorText } from '../../api/client';
import type { components } from '../../api/schema';
import { useSession } from '../../session';
import { useDivisionName } from '../useDivisionName';
import { roleOptions, ROLES, type StaffUser } from './roles';

type NewUser = components['schemas']['CreateUserDto'];

const DIVISION = /^(\d{6}|\d{9}|\d{12})$/;

/** A new staff user with a role over a division inside the admin's own jurisdiction. */
export function CreateUserForm({
  users,
  onCreated,
}: {
  users: StaffUser[];
  onCreated: (user: StaffUser) => void;
}) {
  const { me } = useSession();
  const { message } = App.useApp();
  const [form] = Form.useForm<NewUser>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const divisionCode = Form.useWatch('divisionCode', form);
  const divisionName = useDivisionName(
    divisionCode && DIVISION.test(divisionCode) ? divisionCode : null,
  );

  const submit = async (values: NewUser) => {
    setBusy(true);
    setError(null);
    try {
      const { data, error, response } = await api.POST('/v1/admin/users', {
        body: { ...values, displayName: values.displayName?.trim() || undefined },
      });
      if (!data) {
        setError(
          response.status === 409
            ? `用户名 ${values.username} 已被使用`
            : errorText(error, response.status),
        );
        return;
      }
      void message.success(`已创建用户 ${data.username}`);
      form.resetFields();
      onCreated(data);
    } catch {
      setError('网络错误，请稍后重试');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form<NewUser>
      form={form}
      layout="vertical"
      data-testid="create-user"
      initialValues={{ divisionCode: me?.divisionCode ?? undefined }}
      onFinish={(values) => void submit(values)}
    >
      <Row gutter={16}>
        <Col xs={24} md={12} xl={8}>
          <Form.Item
            label="用户名"
            name="username"
            rules={[
              { required: true, message: '请输入用户名' },
              {
                pattern: /^[a-z0-9][a-z0-9._-]{2,63}$/,
                message: '3至64位小写字母、数字或“.”“_”“-”，以字母或数字开头',
              },
            ]}
          >
            <Input autoComplete="off" placeholder="如 dongmen-clerk" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={8}>
          <Form.Item label="姓名" name="displayName">
            <Input autoComplete="off" placeholder="如 李晓红（可不填）" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={8}>
          <Form.Item
            label="初始密码"
            name="password"
            rules={[
              { required: true, message: '请输入初始密码' },
              { min: 10, message: '至少10位' },
              { max: 256, message: '最多256位' },
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={8}>
          <Form.Item label="角色" name="role" rules={[{ required: true, message: '请选择角色' }]}>
            <Select placeholder="请选择角色" options={roleOptions(ROLES, users)} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12} xl={8}>
          <Form.Item
            label="辖区代码"
            name="divisionCode"
            extra={
              divisionName && divisionName !== divisionCode
                ? divisionName
                : '6、9或12位行政区划代码，须在您的辖区内'
            }
            rules={[
              { required: true, message: '请输入辖区代码' },
              { pattern: DIVISION, message: '6、9或12位行政区划代码' },
            ]}
          >
            <Input inputMode="numeric" placeholder="如 500116121204" />
          </Form.Item>
        </Col>
      </Row>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Button type="primary" htmlType="submit" loading={busy}>
        创建用户
      </Button>
    </Form>
  );
}
