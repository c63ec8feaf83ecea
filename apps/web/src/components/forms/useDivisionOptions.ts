import { useEffect, useState } from 'react';
import { api } from '../../api/client';

export interface DivisionOption {
  value: string;
  label: string;
}

/**
 * The user's own division and the divisions directly under it (a township's villages and
 * communities), for a division picker.
 */
export function useDivisionOptions(code: string | null | undefined): DivisionOption[] {
  const [options, setOptions] = useState<DivisionOption[]>([]);
  useEffect(() => {
    if (!code) return;
    let current = true;
    void api.GET('/v1/divisions/{code}', { params: { path: { code } } }).then(({ data }) => {
      if (!current) return;
      if (!data) {
        setOptions([{ value: code, label: code }]);
        return;
      }
      setOptions([
        { value: data.code, label: `${data.name}（全部）` },
        ...data.children.map((c) => ({ value: c.code, label: c.name })),
      ]);
    });
    return () => {
      current = false;
    };
  }, [code]);
  return options;
}
