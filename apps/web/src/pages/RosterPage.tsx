import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Form, Select, Skeleton, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { download } from '../api/client';
import { todayInBeijing } from '../format';
import { formLink } from '../components/forms/SubjectStarter';
import { useDivisionOptions } from '../components/forms/useDivisionOptions';
import { useFormTemplates } from '../components/forms/useFormTemplates';
import { useSession } from '../session';

const ROSTER = 'elderly-roster';
const ROSTER_PURPOSE = 'elderly-allowance-review';

interface RosterQuery {
  divisionCode: string;
  formDate?: Dayjs | null;
}

/**
 * 辖区80周岁以上老人花名册 as an Excel workbook: the user's division or one under it, ages on
 * the chosen date; the workbook's second sheet 来源 gives every cell's source.
 */
export function RosterPage() {
  const { me } = useSession();
  const { forms, error: listError } = useFormTemplates();
  const divisions = useDivisionOptions(me?.divisionCode);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [form] = Form.useForm<RosterQuery>();
  const divisionCode = Form.useWatch('divisionCode', form);

  const fetchRoster = async ({ divisionCode, formDate: date }: RosterQuery) => {
    const formDate = date ? date.format('YYYY-MM-DD') : '';
    setBusy(true);
    setError(null);
    setDone(null);
    const query = new URLSearchParams({ divisionCode, format: 'xlsx' });
    if (formDate) query.set('formDate', formDate);
    const name = divisions.find((d) => d.value === divisionCode)?.label.replace('（全部）', '');
    try {
      await download(
        `/v1/forms/elderly-roster/export?${query.toString()}`,
        ROSTER_PURPOSE,
        `高龄老人花名册-${name ?? divisionCode}-${formDate || todayInBeijing()}.xlsx`,
      );
      setDone(`已下载${name ?? divisionCode}的花名册`);
    } catch (e) {
      setError(e instanceof Error ? e.message : '下载失败，请稍后重试');
    } finally {
      setBusy(false);
    }
  };

  const usable = forms?.some((f) => f.id === ROSTER);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        辖区80周岁以上老人花名册
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        辖区内居住的80周岁以上在世老人，每人一行（序号、姓名、性别、公民身份号码、出生日期、年龄、居住地址、联系电话、是否独居、享受高龄津贴）。Excel
        文件的第二张表“来源”列出每个单元格的来源部门、记录编号和时间。调取用途：高龄津贴审核。
      </Typography.Paragraph>
      {listError && <Alert type="error" showIcon title={listError} />}
      {!forms && !listError && <Skeleton active />}
      {forms && !usable && <Alert type="warning" showIcon title="您的角色不能下载花名册" />}
      {usable && (
        <Card>
          <Form<RosterQuery>
            form={form}
            name="roster"
            layout="vertical"
            key={me?.divisionCode ?? ''}
            initialValues={{ divisionCode: me?.divisionCode ?? undefined }}
            onFinish={(values) => void fetchRoster(values)}
            style={{ maxWidth: 420 }}
          >
            <Form.Item
              label="辖区"
              name="divisionCode"
              rules={[{ required: true, message: '请选择辖区' }]}
              extra="您所在辖区，或其下的村（社区）"
            >
              <Select
                options={divisions}
                showSearch={{ optionFilterProp: 'label' }}
                data-testid="roster-division"
              />
            </Form.Item>
            <Form.Item label="统计日期" name="formDate" extra="年龄按此日期计算；不填为今天">
              <DatePicker
                format={['YYYY年M月D日', 'YYYY-MM-DD']}
                placeholder="今天"
                style={{ width: '100%' }}
                data-testid="roster-date"
              />
            </Form.Item>
            <Space wrap>
              <Button
                type="primary"
                htmlType="submit"
                icon={<DownloadOutlined />}
                loading={busy}
                data-testid="roster-download"
              >
                下载 Excel（.xlsx）
              </Button>
              {divisionCode && <Link to={formLink(ROSTER, { divisionCode })}>在线查看并打印</Link>}
            </Space>
          </Form>
        </Card>
      )}
      {done && <Alert type="success" showIcon title={done} data-testid="roster-done" />}
      {error && <Alert type="error" showIcon title={error} data-testid="roster-error" />}
    </Space>
  );
}
