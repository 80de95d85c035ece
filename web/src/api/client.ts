/**
 * The one way the console talks to the API: JSON over fetch with the bearer token, errors as ApiError carrying the
 * API's `{statusCode, code, message, fields?, …details}` body so forms can put each field's reason next to it.
 */
export interface FieldError {
  field: string;
  reason: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'ec.accessToken';
let token: string | null = sessionStorage.getItem(TOKEN_KEY);
let onUnauthenticated: (() => void) | null = null;

export const auth = {
  get token() {
    return token;
  },
  set(next: string | null) {
    token = next;
    if (next) sessionStorage.setItem(TOKEN_KEY, next);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
  /** Called when a request answers 401 (expired token): the app signs out. */
  onUnauthenticated(handler: () => void) {
    onUnauthenticated = handler;
  },
};

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  init: RequestInit = {},
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
  if (token) headers.authorization = `Bearer ${token}`;
  const isForm = body instanceof FormData;
  if (body !== undefined && !isForm) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
      ...init,
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', error instanceof Error ? error.message : String(error));
  }
  if (response.status === 401 && token && !path.endsWith('/auth/login')) onUnauthenticated?.();
  const text = await response.text();
  const data = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const b = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    throw new ApiError(
      response.status,
      String(b.code ?? `HTTP_${response.status}`),
      String(b.message ?? response.statusText),
      Array.isArray(b.fields) ? (b.fields as FieldError[]) : [],
      b,
    );
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  /** `headers`: e.g. `If-Match` with the version the form was loaded at, so a change meanwhile is a 409, not lost. */
  put: <T>(path: string, body: unknown, headers?: Record<string, string>) => request<T>('PUT', path, body, {}, headers),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
  upload: <T>(path: string, file: File, query?: Query) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return request<T>('POST', withQuery(path, query), form);
  },
  /** Fetches a file with the token and hands it to the browser as a download. */
  async download(path: string, fallbackName: string, query?: Query) {
    const response = await fetch(withQuery(path, query), {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    if (!response.ok) {
      const b = (safeJson(await response.text()) ?? {}) as Record<string, unknown>;
      throw new ApiError(response.status, String(b.code ?? 'DOWNLOAD_FAILED'), String(b.message ?? ''));
    }
    const blob = await response.blob();
    const disposition = response.headers.get('content-disposition') ?? '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    const plain = /filename="([^"]+)"/i.exec(disposition);
    const name = star ? decodeURIComponent(star[1]) : (plain?.[1] ?? fallbackName);
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  },
};
