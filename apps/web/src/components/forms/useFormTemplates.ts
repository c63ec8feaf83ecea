import { useEffect, useState } from 'react';
import { api, errorText } from '../../api/client';
import type { FormSummary } from './types';

/** The forms the user's role may use (GET /v1/forms), and the purposes' Chinese names. */
export function useFormTemplates() {
  const [forms, setForms] = useState<FormSummary[] | null>(null);
  const [purposes, setPurposes] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    void (async () => {
      try {
        const [list, known] = await Promise.all([api.GET('/v1/forms'), api.GET('/v1/purposes')]);
        if (!current) return;
        if (list.data) setForms(list.data.forms);
        else setError(errorText(list.error, list.response.status));
        setPurposes(Object.fromEntries((known.data?.purposes ?? []).map((p) => [p.code, p.label])));
      } catch {
        if (current) setError('网络错误，请稍后重试');
      }
    })();
    return () => {
      current = false;
    };
  }, []);
  return { forms, purposes, error };
}
