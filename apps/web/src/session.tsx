import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { api, setRequestContext } from './api/client';
import type { components } from './api/schema';

export type Me = components['schemas']['MeDto'];

interface Session {
  token: string | null;
  me: Me | null;
  /** The purpose chosen for the task at hand, sent as X-Purpose (remembered for the session). */
  purpose: string | null;
  setPurpose: (purpose: string | null) => void;
  login: (username: string, password: string) => Promise<void>;
  logout: () => void;
  can: (permission: string) => boolean;
}

const SessionContext = createContext<Session | null>(null);

// sessionStorage: the token and the purpose last while the browser tab does, never longer.
const TOKEN_KEY = 'hub.token';
const PURPOSE_KEY = 'hub.purpose';

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY));
  const [purpose, setPurposeState] = useState(() => sessionStorage.getItem(PURPOSE_KEY));
  const [me, setMe] = useState<Me | null>(null);

  const logout = useCallback(() => {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(PURPOSE_KEY);
    setToken(null);
    setPurposeState(null);
    setMe(null);
  }, []);

  setRequestContext({ token, purpose, onUnauthorized: logout });

  useEffect(() => {
    if (!token) return;
    let current = true;
    void api.GET('/v1/auth/me').then(({ data }) => {
      if (current && data) setMe(data);
    });
    return () => {
      current = false;
    };
  }, [token]);

  const value = useMemo<Session>(
    () => ({
      token,
      me,
      purpose,
      setPurpose: (next) => {
        if (next) sessionStorage.setItem(PURPOSE_KEY, next);
        else sessionStorage.removeItem(PURPOSE_KEY);
        setPurposeState(next);
      },
      login: async (username, password) => {
        const { data, error, response } = await api.POST('/v1/auth/token', {
          body: { username, password },
        });
        if (!data)
          throw new Error(
            response.status === 401
              ? '用户名或密码不正确'
              : ((error as { message?: string } | undefined)?.message ??
                  `登录失败（${response.status}）`),
          );
        sessionStorage.setItem(TOKEN_KEY, data.accessToken);
        setRequestContext({ token: data.accessToken });
        setToken(data.accessToken);
      },
      logout,
      can: (permission) => me?.permissions.includes(permission) ?? false,
    }),
    [token, me, purpose, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
