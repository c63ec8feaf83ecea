import { Alert, Descriptions, Drawer, Grid, List, Skeleton, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, errorText } from '../../api/client';
import { SourceLine, SourcedAttribute, ValueText } from './Sourced';
import type { EventDetail } from './types';
import { attributeName, beijingDate, relationName } from './vocabulary';

/** The order of an event's values; others the API gives come last. */
const ORDER = [
  'assistanceType',
  'caseNumber',
  'incidentNumber',
  'incidentType',
  'status',
  'monthlyAmount',
  'ageBand',
  'startDate',
  'endDate',
  'description',
  'address',
  'handlingDepartment',
  'gridCode',
  'satisfaction',
  'division',
];

/** Names that differ for an event from a person's (状态 of a case, not 人员状态). */
const EVENT_NAMES: Record<string, string> = {
  status: '办理状态',
  address: '发生地址',
  division: '所属村（社区）',
};

/** One event (GET /v1/events/{id}): its values with their sources, the persons, the places. */
export function EventDrawer({
  id,
  purpose,
  onClose,
}: {
  id: string | null;
  purpose: string;
  onClose: () => void;
}) {
  const narrow = !Grid.useBreakpoint().md;
  const [event, setEvent] = useState<{ data?: EventDetail; error?: string }>();

  useEffect(() => {
    setEvent(undefined);
    if (!id) return;
    let current = true;
    void api
      .GET('/v1/events/{id}', { params: { path: { id }, header: { 'X-Purpose': purpose } } })
      .then(({ data, error, response }) => {
        if (current) setEvent(data ? { data } : { error: errorText(error, response.status) });
      })
      .catch((e: unknown) => current && setEvent({ error: String(e) }));
    return () => {
      current = false;
    };
  }, [id, purpose]);

  const e = event?.data;
  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      size={narrow ? '100%' : 560}
      title={e ? eventTitle(e) : '事件详情'}
      data-testid="event-drawer"
    >
      {!event ? (
        <Skeleton active />
      ) : event.error || !e ? (
        <Alert type="error" showIcon title={event.error} />
      ) : (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          {e.endedAt && (
            <Alert type="warning" showIcon title={`该记录已于${beijingDate(e.endedAt)}作废`} />
          )}
          <Descriptions
            bordered
            size="small"
            column={1}
            items={[
              ...ORDER.filter((a) => e.candidates[a]?.length),
              ...Object.keys(e.candidates)
                .filter((a) => !ORDER.includes(a))
                .sort(),
            ].map((attribute) => ({
              key: attribute,
              label: EVENT_NAMES[attribute] ?? attributeName(attribute),
              children: (
                <SourcedAttribute
                  attribute={attribute}
                  candidates={e.candidates[attribute]}
                  golden={e.values[attribute]}
                  goldenLabel={e.labels[attribute]}
                />
              ),
            }))}
          />
          <div>
            <Typography.Title level={5}>涉及人员</Typography.Title>
            <List
              size="small"
              dataSource={e.persons}
              rowKey={(p) => `${p.personId}-${p.role ?? ''}`}
              locale={{ emptyText: '没有登记的人员' }}
              renderItem={(p) => (
                <List.Item>
                  <Space orientation="vertical" size={0}>
                    <Space size={6} wrap>
                      <Link to={`/residents/${p.personId}`} onClick={onClose}>
                        {p.name ?? '（无姓名）'}
                      </Link>
                      {p.roleLabel && <Tag>{p.roleLabel}</Tag>}
                      <Typography.Text type="secondary">{p.idNumber ?? ''}</Typography.Text>
                    </Space>
                    <Typography.Text type="secondary">
                      <SourceLine source={p} />
                    </Typography.Text>
                  </Space>
                </List.Item>
              )}
            />
          </div>
          {e.places.length > 0 && (
            <div>
              <Typography.Title level={5}>地点</Typography.Title>
              <List
                size="small"
                dataSource={e.places}
                rowKey={(p) => `${p.placeId}-${p.relation}`}
                renderItem={(p) => (
                  <List.Item>
                    <Space size={6} wrap>
                      <Tag>{relationName(p.relation)}</Tag>
                      {p.address !== undefined ? (
                        <ValueText attribute="address" value={withDivision(p.address, e)} />
                      ) : (
                        (p.name ?? p.placeCode ?? '')
                      )}
                    </Space>
                  </List.Item>
                )}
              />
            </div>
          )}
        </Space>
      )}
    </Drawer>
  );
}

/** A masked or plain address string of an event, after the division it happened in (银岩村8组72号). */
function withDivision(address: string, event: EventDetail): string {
  const division = event.places.find((p) => p.relation === 'happened_in')?.name;
  return division && !address.startsWith(division) ? `${division}${address}` : address;
}

/** 社会救助 · 城乡低保, 网格事件 · 环境卫生: the event's type and its kind. */
export function eventTitle(event: {
  eventType: string;
  labels: Record<string, string>;
  values: Record<string, unknown>;
}): string {
  const kind =
    event.labels.assistanceType ??
    (typeof event.values.assistanceType === 'string' ? event.values.assistanceType : undefined) ??
    event.labels.incidentType;
  return [event.labels.eventType ?? event.eventType, kind].filter(Boolean).join(' · ');
}
