import { Card, Empty, Grid, List, Space, Table, Tag, Typography } from 'antd';
import type { HTMLAttributes } from 'react';
import { Link } from 'react-router-dom';
import { SourceLine, SourcePopover } from './Sourced';
import type { PersonDetail, Provenance } from './types';

/** A person listed beside the resident: who, their relation, the record that lists them. */
interface MemberRow {
  personId: string;
  name: string | null;
  idNumber: string | null;
  relation: string;
  source?: Provenance;
}

/**
 * 家庭成员: the police households (户号) the resident is in, each member with their relation to
 * the head (GB/T 4761), and the families civil-affairs cases state, each member with their
 * relation to the applicant; every member links to their own page.
 */
export function HouseholdCard({ person }: { person: PersonDetail }) {
  const households = person.households.map((h) => ({
    key: `h-${h.number}`,
    title: `公安户籍 · 户号 ${h.number}`,
    source: undefined,
    rows: h.members.map((m): MemberRow => ({
      personId: m.personId,
      name: m.name,
      idNumber: m.idNumber,
      relation: m.relationLabel ?? m.relationToHead ?? '—',
      source: m,
    })),
  }));
  const families = person.families.map((f) => ({
    key: `f-${f.source.feed}-${f.source.sourceRecordId}`,
    title: `${f.source.department}救助家庭 · 申请人 ${f.head.name ?? ''}`,
    source: f.source,
    rows: [
      { ...f.head, relation: '申请人' },
      ...f.members.map((m): MemberRow => ({
        personId: m.personId,
        name: m.name,
        idNumber: m.idNumber,
        relation: m.relationLabel ?? m.relationToHead ?? '—',
      })),
    ],
  }));
  const groups = [...households, ...families];
  return (
    <Card title="家庭成员" size="small" data-testid="household">
      {groups.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="没有登记的户籍或家庭成员" />
      ) : (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          {groups.map((g) => (
            <div key={g.key}>
              <Typography.Text strong>{g.title}</Typography.Text>
              {g.source && (
                <div>
                  <Typography.Text type="secondary">
                    来源：
                    <SourceLine source={g.source} />
                  </Typography.Text>
                </div>
              )}
              <Members
                rows={g.rows}
                self={person.id}
                relationTitle={g.source ? '与申请人关系' : '与户主关系'}
              />
            </div>
          ))}
        </Space>
      )}
    </Card>
  );
}

function Members({
  rows,
  self,
  relationTitle,
}: {
  rows: MemberRow[];
  self: string;
  relationTitle: string;
}) {
  const narrow = !Grid.useBreakpoint().md;
  const name = (m: MemberRow) =>
    m.personId === self ? (
      <Space size={4}>
        <Typography.Text strong>{m.name ?? '（无姓名）'}</Typography.Text>
        <Tag>本人</Tag>
      </Space>
    ) : (
      <Link to={`/residents/${m.personId}`}>{m.name ?? '（无姓名）'}</Link>
    );
  const relation = (m: MemberRow) =>
    m.source ? (
      <SourcePopover title={relationTitle} sources={[m.source]}>
        {m.relation}
      </SourcePopover>
    ) : (
      m.relation
    );
  if (narrow)
    return (
      <List
        size="small"
        dataSource={rows}
        rowKey="personId"
        data-testid="household-members"
        renderItem={(m) => (
          <List.Item data-testid="household-member">
            <Space orientation="vertical" size={0}>
              <Space size={8} wrap>
                {name(m)}
                <Typography.Text type="secondary">{relation(m)}</Typography.Text>
              </Space>
              <Typography.Text type="secondary">{m.idNumber ?? '—'}</Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    );
  return (
    <Table<MemberRow>
      size="small"
      rowKey="personId"
      dataSource={rows}
      pagination={false}
      data-testid="household-members"
      onRow={() => ({ 'data-testid': 'household-member' }) as HTMLAttributes<HTMLElement>}
      columns={[
        { title: '姓名', key: 'name', render: (_, m) => name(m) },
        { title: relationTitle, key: 'relation', width: 140, render: (_, m) => relation(m) },
        {
          title: '公民身份号码',
          key: 'idNumber',
          width: 200,
          render: (_, m) => m.idNumber ?? '—',
        },
      ]}
    />
  );
}
