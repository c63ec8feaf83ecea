import { useCallback, useMemo, useState } from 'react';
import { conflictChoices, isMasked, submittable } from './form-values';
import type { FilledField } from './types';

/** What the clerk did to a form before submitting it, by `section.field`. */
export interface FormEdits {
  /** Typed, corrected or chosen values of fields staff fill: what a submission sends. */
  entered: Record<string, string>;
  /** The choice made among a conflict's values (0: the hub's value), for any conflict. */
  chosen: Record<string, number>;
  /** Filled fields turned into inputs to correct them. */
  editing: Record<string, boolean>;
}

export interface FormEditActions {
  type: (path: string, text: string) => void;
  choose: (path: string, field: FilledField, index: number) => void;
  startCorrection: (path: string, field: FilledField) => void;
  cancelCorrection: (path: string) => void;
  reset: () => void;
  /** The values a submission sends: only those entered, corrected or chosen. */
  values: () => Record<string, string>;
}

const EMPTY: FormEdits = { entered: {}, chosen: {}, editing: {} };

const without = <T>(record: Record<string, T>, key: string) =>
  Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));

export function useFormEdits(): [FormEdits, FormEditActions] {
  const [edits, setEdits] = useState<FormEdits>(EMPTY);
  const type = useCallback(
    (path: string, text: string) =>
      setEdits((e) => ({ ...e, entered: { ...e.entered, [path]: text } })),
    [],
  );
  const choose = useCallback((path: string, field: FilledField, index: number) => {
    const choice = conflictChoices(field)[index];
    const text = choice ? submittable(choice.value, choice.display) : null;
    setEdits((e) => ({
      ...e,
      chosen: { ...e.chosen, [path]: index },
      // Only a field staff fill flows back; a masked value cannot (the clerk never saw it).
      entered:
        field.staff && text && !isMasked(field, text)
          ? { ...e.entered, [path]: text }
          : without(e.entered, path),
      editing: without(e.editing, path),
    }));
  }, []);
  const startCorrection = useCallback((path: string, field: FilledField) => {
    const text = submittable(field.value, field.display) ?? '';
    setEdits((e) => ({
      ...e,
      editing: { ...e.editing, [path]: true },
      entered: { ...e.entered, [path]: isMasked(field, text) ? '' : text },
    }));
  }, []);
  const cancelCorrection = useCallback(
    (path: string) =>
      setEdits((e) => ({
        entered: without(e.entered, path),
        chosen: without(e.chosen, path),
        editing: without(e.editing, path),
      })),
    [],
  );
  const reset = useCallback(() => setEdits(EMPTY), []);
  const actions = useMemo<FormEditActions>(
    () => ({
      type,
      choose,
      startCorrection,
      cancelCorrection,
      reset,
      values: () =>
        Object.fromEntries(
          Object.entries(edits.entered)
            .map(([k, v]) => [k, v.trim()] as const)
            .filter(([, v]) => v !== ''),
        ),
    }),
    [type, choose, startCorrection, cancelCorrection, reset, edits.entered],
  );
  return [edits, actions];
}
