/**
 * The department of each feed as staff name it: the first word of its mapping's `department`
 * ("公安 public security: population registry" → 公安; the hub's own forms feed is 镇街采集).
 * Provenance names the department, not the feed.
 */
export class FeedDepartments {
  private readonly names: ReadonlyMap<string, string>;

  constructor(mappings: Iterable<{ feed: string; department: string }>) {
    this.names = new Map([...mappings].map((m) => [m.feed, m.department.split(/\s/)[0]]));
  }

  /** The department of a feed; the feed's own name for one no mapping defines. */
  of(feed: string): string {
    return this.names.get(feed) ?? feed;
  }
}
