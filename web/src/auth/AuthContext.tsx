import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, auth } from '../api/client';
import type { User } from '../api/types';

interface AuthState {
  token: string | null;
  user: User | undefined;
  loading: boolean;
  error: unknown;
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => void;
  /** After the user's own password change: the answer's fresh token replaces the ended session's. */
  adoptToken: (token: string) => void;
}

const AuthContext = createContext<AuthState | null>(null);

/** The token lives in memory and in sessionStorage (gone when the tab closes); `GET /api/me` feeds the header. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [token, setToken] = useState<string | null>(auth.token);
  const me = useQuery({
    queryKey: ['me', token],
    queryFn: () => api.get<User>('/api/me'),
    enabled: !!token,
    staleTime: 5 * 60_000,
    retry: false,
  });
  const signOut = useCallback(() => {
    auth.set(null);
    setToken(null);
    client.clear();
  }, [client]);
  useEffect(() => auth.onUnauthenticated(signOut), [signOut]);
  const signIn = useCallback(async (username: string, password: string) => {
    const answer = await api.post<{ accessToken: string }>('/api/auth/login', { username, password });
    auth.set(answer.accessToken);
    setToken(answer.accessToken);
  }, []);
  const adoptToken = useCallback((next: string) => {
    auth.set(next);
    setToken(next);
  }, []);
  const value = useMemo<AuthState>(
    () => ({ token, user: me.data, loading: !!token && me.isLoading, error: me.error, signIn, signOut, adoptToken }),
    [token, me.data, me.isLoading, me.error, signIn, signOut, adoptToken],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** The signed-in user; pages under the shell always have one. */
export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('no user');
  return user;
}
