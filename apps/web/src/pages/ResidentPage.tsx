import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Collapse, Skeleton, Space, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { todayInBeijing } from '../format';
import { EventsCards } from '../components/resident/EventsCard';
import { FlagAlerts } from '../components/resident/FlagAlerts';
import { GoldenValues } from '../components/resident/GoldenValues';
import { HouseholdCard } from '../components/resident/HouseholdCard';
import { NeedPurpose, suggestedPurposes } from '../components/resident/NeedPurpose';
import { PersonTags } from '../components/resident/PersonTags';
import { RelationsCard } from '../components/resident/RelationsCard';
import { ResidentActions } from '../components/resident/ResidentActions';
import { SourceLine } from '../components/resident/Sourced';
import type { PersonDetail } from '../components/resident/types';
import { useResident } from '../components/resident/useResident';
import { ageOf } from '../components/resident/vocabulary';
import { useSession } from '../session';

/**
 * A resident's page: flags first (they must not be missed), the forms the user may open for
 * them, the golden values with their sources, household, assistance and allowances, incidents,
 * and what else records tie them to.
 */
export function ResidentPage() {
  const { id = '' } = useParams();
  const { purpose, me } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const { message } = App.useApp();
  const { person, events, openReviewTasks, forms } = useResident(id, purpose);

  // Another resident's page (a household member's link) starts at its top.
  useEffect(() => {
    // Block body: chromium's scrollTo returns a promise, which React would take for a cleanup.
    window.scrollTo(0, 0);
  }, [id]);

  // A merged person: the API answers the survivor (301); its page is the survivor's.
  const survivor = person?.data && person.data.id !== id ? person.data.id : null;
  useEffect(() => {
    if (!survivor) return;
    void message.info('该居民的记录已与另一条合并，已转到合并后的记录');
    void navigate(`/residents/${survivor}`, { replace: true });
  }, [survivor, navigate, message]);

  const back = (
    <Button
      type="link"
      icon={<ArrowLeftOutlined />}
      style={{ paddingInline: 0 }}
      onClick={() => (location.key !== 'default' ? void navigate(-1) : void navigate('/'))}
    >
      返回
    </Button>
  );

  if (!purpose)
    return (
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        {back}
        <NeedPurpose suggest={suggestedPurposes(me?.role)} />
      </Space>
    );
  if (person?.error)
    return (
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        {back}
        <Alert
          type="error"
          showIcon
          data-testid="resident-error"
          title={person.error}
          description="只能查看您辖区内的居民。如确需查看，请联系该居民所在村（社区）或上级管理员。"
        />
      </Space>
    );
  if (!person?.data)
    return (
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        {back}
        <Skeleton active paragraph={{ rows: 8 }} />
      </Space>
    );

  const p = person.data;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="resident">
      {back}
      <Title person={p} />
      <FlagAlerts person={p} openReviewTasks={openReviewTasks} />
      <ResidentActions personId={p.id} forms={forms} />
      <Card
        title="基本信息"
        size="small"
        extra={<Typography.Text type="secondary">点击带虚线的值可查看来源</Typography.Text>}
      >
        <GoldenValues person={p} />
      </Card>
      <HouseholdCard person={p} />
      <EventsCards events={events} purpose={purpose} />
      <RelationsCard person={p} />
      <Sources person={p} />
    </Space>
  );
}

function Title({ person }: { person: PersonDetail }) {
  const age = ageOf(person.birthDate, todayInBeijing());
  return (
    <Space size={8} wrap align="center">
      <Typography.Title level={3} style={{ margin: 0 }} data-testid="resident-name">
        {person.name ?? '（无姓名）'}
      </Typography.Title>
      <Typography.Text type="secondary">
        {[person.labels.gender, age !== null && `${age}岁`, person.labels.division]
          .filter(Boolean)
          .join(' · ')}
      </Typography.Text>
      <PersonTags person={person} />
    </Space>
  );
}

/** Every department record this resident is found in (their mentions). */
function Sources({ person }: { person: PersonDetail }) {
  if (person.mentions.length === 0) return null;
  return (
    <Collapse
      size="small"
      items={[
        {
          key: 'sources',
          label: `来源记录（${person.mentions.length} 条）`,
          children: (
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {person.mentions.map((m) => (
                <li key={`${m.feed}/${m.sourceRecordId}/${m.pointer}`}>
                  <SourceLine source={{ ...m, observedAt: null }} />
                  {!m.active && <Tag style={{ marginInlineStart: 8 }}>已失效</Tag>}
                </li>
              ))}
            </ul>
          ),
        },
      ]}
    />
  );
}
