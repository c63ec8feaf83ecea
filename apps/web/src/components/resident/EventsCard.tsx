import { Alert, Button, Card, Col, Empty, List, Row, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { EventDrawer, eventTitle } from './EventDrawer';
import { SourcePopover, ValueText } from './Sourced';
import type { PersonEvent } from './types';
import { beijingDate, valueText } from './vocabulary';

/** 救助与津贴 (assistance cases, allowances) and 事件 (grid incidents): which card shows which. */
const BENEFITS = new Set(['assistance', 'elderly_allowance']);
const INCIDENTS = new Set(['grid_incident']);

const STATUS_COLORS: Record<string, string> = {
  active: 'green',
  suspended: 'orange',
  terminated: 'default',
  reported: 'blue',
  accepted: 'blue',
  handling: 'orange',
  closed: 'default',
  rated: 'default',
};

/**
 * A resident's events, in two cards: assistance and allowances (type, amount, dates, status,
 * their role), and incidents (type, description, status); each opens with its full record.
 */
export function EventsCards({
  events,
  purpose,
}: {
  events?: { data: PersonEvent[]; error?: undefined } | { data?: undefined; error: string };
  purpose: string;
}) {
  const [open, setOpen] = useState<string | null>(null);
  const list = events?.data ?? [];
  const benefits = list.filter((e) => BENEFITS.has(e.eventType));
  const incidents = list.filter((e) => INCIDENTS.has(e.eventType));
  const others = list.filter((e) => !BENEFITS.has(e.eventType) && !INCIDENTS.has(e.eventType));
  const card = (title: string, items: PersonEvent[], testId: string, empty: string) => (
    <Card title={title} size="small" data-testid={testId} loading={!events}>
      {events?.error ? (
        <Alert type="error" showIcon title={events.error} />
      ) : items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} />
      ) : (
        <List
          size="small"
          dataSource={items}
          rowKey="id"
          renderItem={(e) => <EventItem event={e} onOpen={() => setOpen(e.id)} />}
        />
      )}
    </Card>
  );
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={12}>
        {card('救助与津贴', benefits, 'benefits', '没有在享受或登记的救助、津贴')}
      </Col>
      <Col xs={24} lg={12}>
        {card('网格事件', incidents, 'incidents', '没有涉及该居民的事件')}
      </Col>
      {others.length > 0 && <Col span={24}>{card('其他事项', others, 'other-events', '')}</Col>}
      <EventDrawer id={open} purpose={purpose} onClose={() => setOpen(null)} />
    </Row>
  );
}

function EventItem({ event, onOpen }: { event: PersonEvent; onOpen: () => void }) {
  const v = event.values;
  const title = eventTitle(event);
  const start = valueText('startDate', v.startDate);
  const end = valueText('endDate', v.endDate);
  const facts = [
    v.monthlyAmount !== undefined &&
      v.monthlyAmount !== null &&
      `每月 ${valueText('monthlyAmount', v.monthlyAmount)}`,
    start && (end ? `${start} 至 ${end}` : `${start} 起`),
    !start && event.occurredAt && beijingDate(event.occurredAt),
    event.roleLabel && `本人为${event.roleLabel}`,
    event.labels.division,
  ].filter(Boolean);
  return (
    <List.Item
      data-testid="event"
      actions={[
        <Button key="open" size="small" onClick={onOpen} data-testid="event-open">
          详情
        </Button>,
      ]}
    >
      <Space orientation="vertical" size={2} style={{ minWidth: 0 }}>
        <Space size={6} wrap>
          <Typography.Text strong>{title}</Typography.Text>
          {event.status && (
            <Tag color={STATUS_COLORS[event.status] ?? 'default'}>
              {event.labels.status ?? event.status}
            </Tag>
          )}
        </Space>
        {typeof v.description === 'string' && <Typography.Text>{v.description}</Typography.Text>}
        {v.address !== undefined && v.address !== null && (
          <Typography.Text type="secondary">
            地址：
            <ValueText attribute="address" value={v.address} />
          </Typography.Text>
        )}
        <Typography.Text type="secondary">{facts.join(' · ')}</Typography.Text>
        <Typography.Text type="secondary">
          来源：
          <SourcePopover title="来源" sources={[event]}>
            {event.department}
          </SourcePopover>
        </Typography.Text>
      </Space>
    </List.Item>
  );
}
