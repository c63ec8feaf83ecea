import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from './app-process';

/** shared/ sits beside the project (for developers and for CI alike). */
export const SHARED_FEEDS = resolve(REPO_ROOT, '../shared/feeds');

export interface FeedExample {
  feed: 'population' | 'assistance' | 'grid';
  topic: string;
  key: string;
  value: Record<string, unknown>;
}

const FILES = [
  { feed: 'population', topic: 'ps.population.v1', file: 'public-security.md' },
  { feed: 'assistance', topic: 'ca.assistance.v1', file: 'civil-affairs.md' },
  { feed: 'grid', topic: 'grid.records.v1', file: 'grid.md' },
] as const;

/** The example message of each contract, read from its ```json block (with its key). */
export function feedExamples(): FeedExample[] {
  return FILES.map(({ feed, topic, file }) => {
    const markdown = readFileSync(resolve(SHARED_FEEDS, file), 'utf8');
    const json = /```json\n([\s\S]*?)```/.exec(markdown)?.[1];
    const key = /Example value \(key `([^`]+)`\)/.exec(markdown)?.[1];
    if (!json || !key) throw new Error(`no example in ${file}`);
    return { feed, topic, key, value: JSON.parse(json) as Record<string, unknown> };
  });
}
