import { Alert, Card, Col, Row, Skeleton, Space, Tag, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router-dom';
import { SubjectStarter } from '../components/forms/SubjectStarter';
import { SUBJECT_LABELS } from '../components/forms/types';
import { useFormTemplates } from '../components/forms/useFormTemplates';

/** What each form is for, as staff know it (shared/forms.md). */
const ABOUT: Record<string, string> = {
  'dibao-household': '申请人及其家庭成员、现享受救助；家庭月总收入、申请理由由经办人填写。',
  'elderly-allowance':
    '申领人身份、年龄段、联系方式、是否独居、人员状态；银行账号、审核意见由经办人填写。',
  'grid-visit': '房屋及其住户、近12个月事件；走访情况由网格员填写。',
  'elderly-roster': '辖区内80周岁以上在世老人，每人一行。',
};

/**
 * 一表通: the forms the user's role may use, each started for its subject: a resident (by ID
 * number, or the one the user came from with ?personId=), an address, or a division.
 */
export function FormsPage() {
  const { forms, purposes, error } = useFormTemplates();
  const [params] = useSearchParams();
  const personId = params.get('personId') ?? undefined;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        一表通表单
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        表单按各部门已有数据自动预填，每项可查看来源；只需补充缺失项、核对后提交，提交的内容会作为“镇街采集”数据供下一张表复用。调取数据时使用表单自身的用途。
      </Typography.Paragraph>
      {personId && (
        <Alert
          type="info"
          showIcon
          title="已选定居民：可直接为其打开个人或家庭表单"
          data-testid="forms-person"
        />
      )}
      {error && <Alert type="error" showIcon title={error} />}
      {!forms && !error && <Skeleton active />}
      {forms && forms.length === 0 && (
        <Alert type="info" showIcon title="您的角色没有可使用的表单" />
      )}
      <Row gutter={[16, 16]}>
        {(forms ?? []).map((form) => (
          <Col key={form.id} xs={24} lg={12}>
            <Card
              title={form.title}
              data-testid={`form-card-${form.id}`}
              extra={form.subject === 'division' ? <Link to="/roster">下载花名册</Link> : undefined}
            >
              <Space size={[4, 4]} wrap style={{ marginBottom: 8 }}>
                <Tag color="blue">对象：{SUBJECT_LABELS[form.subject]}</Tag>
                <Tag>用途：{purposes[form.purpose] ?? form.purpose}</Tag>
              </Space>
              {ABOUT[form.id] && (
                <Typography.Paragraph type="secondary">{ABOUT[form.id]}</Typography.Paragraph>
              )}
              <SubjectStarter
                form={form}
                personId={
                  form.subject === 'person' || form.subject === 'household' ? personId : undefined
                }
              />
            </Card>
          </Col>
        ))}
      </Row>
    </Space>
  );
}
