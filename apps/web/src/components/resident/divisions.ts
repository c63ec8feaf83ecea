import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { isAddress } from './types';

/** 梅湾村 for 梅湾村村民委员会, 东门社区 for 东门社区居民委员会: a division as addresses write it. */
export const shortDivisionName = (name: string): string =>
  name.replace(/(居民委员会|村民委员会|委员会)$/, '');

interface DivisionNames {
  /** 梅湾村 */
  name: string;
  /** 杜市镇 (the township above a village or community), when there is one. */
  parent?: string;
}

// Division names never change while the page is open: each code is asked for once.
const cache = new Map<string, Promise<DivisionNames | null>>();

function divisionNames(code: string): Promise<DivisionNames | null> {
  let found = cache.get(code);
  if (!found) {
    found = api
      .GET('/v1/divisions/{code}', { params: { path: { code } } })
      .then(({ data }) => {
        const division = data as
          | { name?: string; level?: string; parent?: { name?: string; level?: string } | null }
          | undefined;
        if (!division?.name) return null;
        const parent =
          division.parent?.name && division.parent.level === 'township'
            ? shortDivisionName(division.parent.name)
            : undefined;
        return { name: shortDivisionName(division.name), parent };
      })
      .catch(() => null);
    cache.set(code, found);
  }
  return found;
}

/** A division's names (梅湾村, under 杜市镇), null until known or when unknown. */
export function useDivisionNames(code: string | null | undefined): DivisionNames | null {
  const [names, setNames] = useState<DivisionNames | null>(null);
  useEffect(() => {
    setNames(null);
    if (!code) return;
    let current = true;
    void divisionNames(code).then((found) => {
      if (current) setNames(found);
    });
    return () => {
      current = false;
    };
  }, [code]);
  return names;
}

/**
 * An address as people write it: the township and village before the hub's standard address
 * (杜市镇梅湾村7组91号), without repeating what the address already names. A masked address (a
 * string) is shown as the API gives it.
 */
export function addressText(value: unknown, division: DivisionNames | null): string {
  if (typeof value === 'string') return value;
  if (!isAddress(value)) return '';
  const text = value.standard || value.detail || '';
  if (!division) return text;
  if (division.parent && text.startsWith(division.parent)) return text;
  if (text.startsWith(division.name)) return `${division.parent ?? ''}${text}`;
  return `${division.parent ?? ''}${division.name}${text}`;
}
