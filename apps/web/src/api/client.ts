import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/** What every request carries: the user's token and the purpose chosen for the task at hand. */
export interface RequestContext {
  token: string | null;
  purpose: string | null;
  onUnauthorized: () => void;
}

const context: RequestContext = { token: null, purpose: null, onUnauthorized: () => undefined };

export const setRequestContext = (next: Partial<RequestContext>) => Object.assign(context, next);

/**
 * The hub's public /v1 API, typed from its OpenAPI document (apps/web/openapi.json): a route the
 * document describes differently from how the page calls it fails the build.
 */
export const api = createClient<paths>({ baseUrl: '' });

const credentials: Middleware = {
  onRequest({ request }) {
    if (context.token) request.headers.set('Authorization', `Bearer ${context.token}`);
    // A form names its own purpose; everything else is read for the purpose the user chose.
    if (context.purpose && !request.headers.has('X-Purpose'))
      request.headers.set('X-Purpose', context.purpose);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && context.token) context.onUnauthorized();
    return response;
  },
};
api.use(credentials);

/** The hub's error message of a failed call (NestJS: { message: string | string[] }). */
export function errorText(error: unknown, status?: number): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  const text = Array.isArray(message)
    ? message.join('；')
    : typeof message === 'string'
      ? message
      : '';
  if (status === 403) return `无权限：${text || '您的角色不能执行此操作'}`;
  if (status === 404) return `未找到：${text || '不在您的辖区内或不存在'}`;
  if (status === 429) return '请求过于频繁，请稍后再试';
  return text || `请求失败${status ? `（${status}）` : ''}`;
}

/** Downloads a file the API answers (the roster workbook) with the user's credentials. */
export async function download(path: string, purpose: string, fallbackName: string) {
  const response = await fetch(path, {
    headers: {
      Authorization: `Bearer ${context.token ?? ''}`,
      'X-Purpose': purpose,
    },
  });
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined);
    throw new Error(errorText(body, response.status));
  }
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const named = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = named ? decodeURIComponent(named) : fallbackName;
  link.click();
  URL.revokeObjectURL(link.href);
}
