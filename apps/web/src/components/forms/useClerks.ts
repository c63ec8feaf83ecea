import { createContext, useContext, useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { FilledForm, Provenance } from './types';

/** Submission id → the staff account that submitted it: who stands behind a 镇街采集 value. */
export const ClerkContext = createContext<Record<string, string>>({});

export const useClerk = (provenance: Provenance | null | undefined): string | undefined => {
  const clerks = useContext(ClerkContext);
  return provenance?.feed === 'township' ? clerks[provenance.sourceRecordId] : undefined;
};

/** Every 镇街采集 record a form cites (its record id is the submission's id). */
function townshipRecords(form: FilledForm): string[] {
  const ids = new Set<string>();
  const add = (p: Provenance | null | undefined) => {
    if (p?.feed === 'township') ids.add(p.sourceRecordId);
  };
  for (const section of form.sections)
    for (const field of [
      ...(section.fields ?? []),
      ...(section.rows ?? []).flatMap((r) => r.cells),
    ]) {
      add(field.provenance);
      field.alternatives.forEach((a) => add(a.provenance));
    }
  return [...ids].slice(0, 20);
}

/**
 * The clerks behind the form's 镇街采集 values, from their submissions (read under the form's own
 * purpose). A submission outside the user's reach (another township's clerk) stays unnamed.
 */
export function useClerks(form: FilledForm | null): Record<string, string> {
  const [clerks, setClerks] = useState<Record<string, string>>({});
  const ids = form ? townshipRecords(form).join(',') : '';
  const purpose = form?.template.purpose;
  useEffect(() => {
    if (!ids || !purpose) return;
    let current = true;
    void Promise.all(
      ids.split(',').map(async (submissionId) => {
        const { data } = await api.GET('/v1/forms/submissions/{submissionId}', {
          params: { path: { submissionId }, header: { 'X-Purpose': purpose } },
        });
        return data ? ([submissionId, data.clerk] as const) : undefined;
      }),
    ).then((found) => {
      if (current) setClerks(Object.fromEntries(found.filter((f) => f !== undefined)));
    });
    return () => {
      current = false;
    };
  }, [ids, purpose]);
  return clerks;
}
