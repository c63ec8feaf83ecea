import { useEffect, useState } from 'react';
import { api, errorText } from '../../api/client';
import type { components } from '../../api/schema';
import type { PersonDetail, PersonEvent } from './types';

/** A form the user may open (GET /v1/forms): its subject decides what it is prefilled for. */
export type UsableForm = components['schemas']['FormSummaryDto'];

type Loaded<T> = { data: T; error?: undefined } | { data?: undefined; error: string };

export interface ResidentData {
  person?: Loaded<PersonDetail>;
  events?: Loaded<PersonEvent[]>;
  /** Open review tasks naming this person (GET /v1/persons/{id}/explain); 0 when unknown. */
  openReviewTasks: number;
  forms: UsableForm[];
}

const failure = (error: unknown, status?: number) =>
  status === 404 ? errorText(undefined, 404) : errorText(error, status);

/**
 * Everything the resident page shows, each part as soon as it arrives: the person (its golden
 * values, sources, household, families, relations), their events, whether a review of their
 * identity is pending, and the forms the user may open for them. Every call carries the purpose.
 */
export function useResident(id: string, purpose: string | null): ResidentData {
  // Each answer with the id it answers: after a move to another resident, the previous one's
  // answers are not shown as the new one's (nor taken for a merged record's redirect).
  const [person, setPerson] = useState<Loaded<PersonDetail> & { for: string }>();
  const [events, setEvents] = useState<Loaded<PersonEvent[]> & { for: string }>();
  const [review, setReview] = useState<{ for: string; open: number }>();
  const [forms, setForms] = useState<UsableForm[]>([]);

  useEffect(() => {
    if (!purpose) return;
    let current = true;
    const header = { 'X-Purpose': purpose };
    void api
      .GET('/v1/persons/{id}', { params: { path: { id }, header } })
      .then(({ data, error, response }) => {
        if (current)
          setPerson(data ? { for: id, data } : { for: id, error: failure(error, response.status) });
      })
      .catch((e: unknown) => current && setPerson({ for: id, error: String(e) }));
    void api
      .GET('/v1/persons/{id}/events', { params: { path: { id }, query: { limit: 200 }, header } })
      .then(({ data, error, response }) => {
        if (current)
          setEvents(
            data
              ? { for: id, data: data.events }
              : { for: id, error: failure(error, response.status) },
          );
      })
      .catch((e: unknown) => current && setEvents({ for: id, error: String(e) }));
    // The person's record does not say whether a merge naming them waits for a reviewer; the
    // explanation of their resolution does.
    void api
      .GET('/v1/persons/{id}/explain', { params: { path: { id }, header } })
      .then(({ data }) => {
        const tasks = data?.reviewTasks;
        if (current && tasks) setReview({ for: id, open: tasks.length });
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [id, purpose]);

  useEffect(() => {
    let current = true;
    void api
      .GET('/v1/forms')
      .then(({ data }) => {
        if (current && data) setForms(data.forms);
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);

  return {
    person: person?.for === id ? person : undefined,
    events: events?.for === id ? events : undefined,
    openReviewTasks: review?.for === id ? review.open : 0,
    forms,
  };
}
