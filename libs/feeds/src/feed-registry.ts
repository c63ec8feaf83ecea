/**
 * The department feeds the hub consumes (contracts in shared/feeds): which topic each arrives
 * on, which field is the record id (the message key) and which field orders versions.
 */
export interface FeedDefinition {
  /** Name used in URLs and in `source_record.feed`. */
  name: string;
  department: string;
  topic: string;
  recordIdField: string;
  versionField: string;
}

export const FEEDS: readonly FeedDefinition[] = [
  {
    name: 'population',
    department: '公安 public security',
    topic: 'ps.population.v1',
    recordIdField: 'RKBM',
    versionField: 'SJBBH',
  },
  {
    name: 'assistance',
    department: '民政 civil affairs',
    topic: 'ca.assistance.v1',
    recordIdField: 'recordId',
    versionField: 'version',
  },
  {
    name: 'grid',
    department: '网格 grid management',
    topic: 'grid.records.v1',
    recordIdField: '记录编号',
    versionField: '采集时间',
  },
];

export const FEED_TOPICS = FEEDS.map((f) => f.topic);

export function feedForTopic(topic: string): FeedDefinition {
  const feed = FEEDS.find((f) => f.topic === topic);
  if (!feed) throw new Error(`no feed is registered for topic ${topic}`);
  return feed;
}
