import {
  Alert,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  List,
  Popconfirm,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, errorText } from '../../api/client';
import type { components } from '../../api/schema';
import {
  departmentOf,
  mentionValues,
  pointerText,
  type MentionRef,
  type PersonDetail,
} from './mention-values';
import { VERIFICATION_PURPOSE } from './VerificationPurpose';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type SplitResult = components['schemas']['SplitResultDto'];

const keyOf = (m: MentionRef) => `${m.feed}\u001e${m.sourceRecordId}\u001e${m.pointer}`;

/** One mention of the person: where it comes from and what it says, with its checkbox. */
function MentionOption({
  person,
  mention,
}: {
  person: PersonDetail;
  mention: PersonDetail['mentions'][number];
}) {
  const values = mentionValues(person, mention);
  const facts = [values.name, values.idNumber, values.birthDate, values.gender, values.phone]
    .filter(Boolean)
    .join(' · ');
  return (
    <Checkbox value={keyOf(mention)} disabled={!mention.active} data-testid="split-mention">
      <Space size={4} wrap>
        <Tag color="blue">{mention.department || departmentOf(mention.feed)}</Tag>
        <Typography.Text>{mention.sourceRecordId}</Typography.Text>
        {mention.pointer && (
          <Typography.Text type="secondary">{pointerText(mention.pointer)}</Typography.Text>
        )}
        {!mention.active && <Tag>已失效</Tag>}
      </Space>
      {facts && (
        <div>
          <Typography.Text type="secondary">{facts}</Typography.Text>
        </div>
      )}
    </Checkbox>
  );
}

/**
 * Splitting a wrongly merged person: the reviewer picks the mentions that are someone else; they
 * move to a new person together, and the decision wins over the matcher from then on.
 */
export function SplitPerson({ initialPersonId }: { initialPersonId: string | null }) {
  const [form] = Form.useForm<{ personId: string }>();
  const [person, setPerson] = useState<PersonDetail | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [result, setResult] = useState<SplitResult | null>(null);

  const load = async (id: string) => {
    setLoading(true);
    setError(null);
    setPerson(null);
    setChosen([]);
    try {
      const { data, error, response } = await api.GET('/v1/persons/{id}', {
        params: { header: { 'X-Purpose': VERIFICATION_PURPOSE }, path: { id } },
      });
      if (data) setPerson(data);
      else setError(errorText(error, response.status));
    } catch {
      setError('网络错误，请稍后重试');
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    if (initialPersonId && UUID.test(initialPersonId)) {
      form.setFieldsValue({ personId: initialPersonId });
      void load(initialPersonId);
    }
    // Once per person given in the address (load and form are stable for this purpose).
  }, [initialPersonId]);

  const active = person?.mentions.filter((m) => m.active) ?? [];
  const going = active.filter((m) => chosen.includes(keyOf(m)));
  const leavesNone = going.length > 0 && going.length === active.length;

  const split = async () => {
    if (!person) return;
    setError(null);
    const mentions = going.map(({ feed, sourceRecordId, pointer }) => ({
      feed,
      sourceRecordId,
      pointer,
    }));
    try {
      const { data, error, response } = await api.POST('/v1/persons/{id}/split', {
        params: { header: { 'X-Purpose': VERIFICATION_PURPOSE }, path: { id: person.id } },
        body: { mentions },
      });
      if (!response.ok) {
        setError(errorText(error, response.status));
        return;
      }
      setResult(data ?? null);
      await load(person.id);
    } catch {
      setError('网络错误，请稍后重试');
    }
  };

  return (
    <Card data-testid="split-person" title="拆分人员" styles={{ body: { padding: 12 } }}>
      <Typography.Paragraph type="secondary">
        当两个不同的人被错误地合并为一人时，选出属于另一人的记录，将它们拆分为一个新的人员。
        拆分结论会被保存，今后匹配以此为准；身份证号相同的记录不能拆开。
      </Typography.Paragraph>
      <Form
        form={form}
        layout="inline"
        onFinish={(values) => {
          setResult(null);
          void load(values.personId.trim());
        }}
        style={{ rowGap: 8, marginBottom: 12 }}
      >
        <Form.Item
          label="人员编号"
          name="personId"
          rules={[
            { required: true, message: '请输入人员编号' },
            { pattern: UUID, message: '人员编号格式不正确（居民页面地址中的编号）' },
          ]}
          style={{ minWidth: 280, flex: 1 }}
        >
          <Input placeholder="如 1ea969fa-bfd1-4980-8bb5-1f917e2ef419" allowClear />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit" loading={loading}>
            查看记录
          </Button>
        </Form.Item>
      </Form>
      {result && (
        <Alert
          type="success"
          showIcon
          data-testid="split-result"
          style={{ marginBottom: 12 }}
          title="已拆分"
          description={
            <span>
              所选记录已移到新的人员：
              {result.splitInto.map((id) => (
                <Link key={id} to={`/residents/${id}`} style={{ marginRight: 8 }}>
                  查看新人员
                </Link>
              ))}
              <Link to={`/residents/${result.personId}`}>查看原人员</Link>
            </span>
          }
        />
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {person && (
        <>
          <Typography.Title level={5}>
            <Link to={`/residents/${person.id}`}>{person.name ?? '（无姓名）'}</Link> 的{' '}
            {person.mentions.length} 条记录：勾选属于另一人的记录
          </Typography.Title>
          <Checkbox.Group
            value={chosen}
            onChange={(values) => setChosen(values)}
            style={{ width: '100%' }}
          >
            <List
              bordered
              size="small"
              style={{ width: '100%' }}
              dataSource={person.mentions}
              rowKey={keyOf}
              renderItem={(mention) => (
                <List.Item>
                  <MentionOption person={person} mention={mention} />
                </List.Item>
              )}
            />
          </Checkbox.Group>
          {leavesNone && (
            <Alert
              type="warning"
              showIcon
              style={{ marginTop: 12 }}
              title="至少要保留一条记录在原人员上"
            />
          )}
          <Popconfirm
            title={`将所选 ${going.length} 条记录拆分为另一个人员？`}
            description="拆分后这些记录不再与原人员合并。"
            okText="确认拆分"
            cancelText="取消"
            onConfirm={() => void split()}
            disabled={going.length === 0 || leavesNone}
          >
            <Button
              danger
              style={{ marginTop: 12 }}
              disabled={going.length === 0 || leavesNone}
              data-testid="split-confirm"
            >
              拆分所选记录
            </Button>
          </Popconfirm>
        </>
      )}
    </Card>
  );
}
