/* The admin token (kept in session storage) and the API calls that carry it. */

import { byId } from './dom.js';
import { closeDialog, showView, stopBackgroundWork } from './page.js';

const TOKEN_KEY = 'deployment-events.admin-token';

export const tokenStore = {
  get() {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  },
  set(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  forget() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** `make run` prints `/#token=…`; the token is kept, then taken out of the address bar and history. */
export function takeTokenFromFragment() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (!fragment.has('token')) return false;
  const token = fragment.get('token').trim();
  if (token) tokenStore.set(token);
  history.replaceState(history.state, '', location.pathname + location.search);
  return true;
}

export function requireToken(message, tone = 'error') {
  stopBackgroundWork();
  closeDialog();
  showView('token');
  document.title = 'Admin token · Deployment events';
  byId('refresh-status').hidden = true;
  byId('forget-token').hidden = true;
  const notice = byId('token-message');
  notice.textContent = message || '';
  notice.className = `notice notice-${tone}`;
  notice.hidden = !message;
  byId('token-input-error').hidden = true;
  byId('token-input').focus();
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

class TokenRejected extends Error {}

async function describeFailure(response) {
  let detail = '';
  try {
    const body = await response.json();
    if (body && typeof body.message === 'string') detail = body.message;
  } catch {
    detail = '';
  }
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  return detail ? `${detail} (${status})` : `The server answered ${status}.`;
}

/**
 * A GET of the admin API. `signal` aborts it when the view that asked is gone: the promise then rejects,
 * and the caller, seeing `signal.aborted`, shows nothing of it.
 */
export function apiGet(path, signal) {
  return apiRequest(path, { signal });
}

/** A POST of JSON to the admin API (the preview); answers, failures and aborts as `apiGet`'s. */
export function apiPost(path, body, signal) {
  return apiRequest(path, { method: 'POST', body, signal, headers: { 'Content-Type': 'application/json' } });
}

/** A PUT of JSON to the admin API (a verdict, §18); answers and failures as `apiGet`'s. */
export function apiPut(path, body) {
  return apiRequest(path, {
    method: 'PUT',
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  });
}

/** A DELETE of the admin API; null for its 204. */
export function apiDelete(path) {
  return apiRequest(path, { method: 'DELETE' });
}

async function apiRequest(path, options) {
  const token = tokenStore.get();
  if (!token) throw new TokenRejected('');
  let response;
  try {
    response = await fetch(path, {
      ...options,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(options.headers || {}) },
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(0, 'The server could not be reached. Check that it is running and that you are online.');
  }
  if (response.status === 401) {
    throw new TokenRejected(
      'The admin token was not accepted (401 Unauthorized): it may be mistyped or no longer valid. Enter it again.',
    );
  }
  if (!response.ok) throw new ApiError(response.status, await describeFailure(response));
  if (response.status === 204) return null;
  try {
    return await response.json();
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(response.status, 'The server answered with something that is not JSON.');
  }
}

/** A rejected token ends whatever was running and asks for the token again; true when it did. */
export function handleTokenRejected(error) {
  if (!(error instanceof TokenRejected)) return false;
  tokenStore.forget();
  requireToken(error.message);
  return true;
}
