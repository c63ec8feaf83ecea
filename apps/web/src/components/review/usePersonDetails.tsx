import { useEffect, useState } from 'react';
import { api, errorText } from '../../api/client';
import type { PersonDetail } from './mention-values';
import { VERIFICATION_PURPOSE } from './VerificationPurpose';

export interface PersonLoad {
  person?: PersonDetail;
  error?: string;
}

/**
 * The persons a review task names (the mention's own and each candidate), read for the purpose
 * the user chose; one outside the user's jurisdiction answers 404 and says so.
 */
export function usePersonDetails(ids: string[]): {
  persons: Record<string, PersonLoad>;
  loading: boolean;
} {
  const key = [...new Set(ids)].join(',');
  const [state, setState] = useState<{ key: string; persons: Record<string, PersonLoad> }>({
    key: '',
    persons: {},
  });
  useEffect(() => {
    if (!key) return;
    let current = true;
    void Promise.all(
      key.split(',').map(async (id): Promise<[string, PersonLoad]> => {
        try {
          const { data, error, response } = await api.GET('/v1/persons/{id}', {
            params: { header: { 'X-Purpose': VERIFICATION_PURPOSE }, path: { id } },
          });
          if (data) return [id, { person: data }];
          // A person with no division yet (a family member a record names without an address)
          // is in nobody's jurisdiction: the task still shows what the record says.
          return [
            id,
            {
              error: response.status === 404 ? '不在您的辖区内' : errorText(error, response.status),
            },
          ];
        } catch {
          return [id, { error: '网络错误，请稍后重试' }];
        }
      }),
    ).then((loaded) => {
      if (current) setState({ key, persons: Object.fromEntries(loaded) });
    });
    return () => {
      current = false;
    };
  }, [key]);
  return { persons: state.key === key ? state.persons : {}, loading: !!key && state.key !== key };
}
