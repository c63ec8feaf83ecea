import { useEffect, useState } from 'react';
import { api } from '../api/client';

/** The name of a division code (江津区鼎山街道东门社区), or the code until it is known. */
export function useDivisionName(code: string | null | undefined): string | null {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    if (!code) return;
    let current = true;
    void api.GET('/v1/divisions/{code}', { params: { path: { code } } }).then(({ data }) => {
      const found = (data as { name?: string } | undefined)?.name;
      if (current && found) setName(found);
    });
    return () => {
      current = false;
    };
  }, [code]);
  return code ? (name ?? code) : null;
}
