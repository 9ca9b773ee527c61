/*
 * What every view shares: which view shows, closing the event dialog, background work and the refresh
 * indicator. It imports no view, so the views and the token prompt (api.js) can all use it.
 */

import { byId } from './dom.js';
import { clockFormat } from './format.js';

export const POLL_INTERVAL_MS = 5000;

export const views = { token: byId('token-view'), list: byId('list-view'), alert: byId('alert-view') };
export const dialog = byId('event-dialog');

export function showView(name) {
  byId('boot-status').hidden = true;
  for (const [viewName, view] of Object.entries(views)) view.hidden = viewName !== name;
}

export function closeDialog() {
  if (dialog.open) dialog.close();
}

export let generation = 0;
const timers = new Set();

/** Work started for a view that is no longer shown must not touch the page: it checks its generation. */
export function stopBackgroundWork() {
  generation += 1;
  for (const timer of timers) clearTimeout(timer);
  timers.clear();
}

export function later(callback, delay) {
  const timer = setTimeout(() => {
    timers.delete(timer);
    callback();
  }, delay);
  timers.add(timer);
}

export function markRefreshed(verb) {
  const indicator = byId('refresh-status');
  indicator.hidden = false;
  indicator.classList.remove('is-failing');
  indicator.title = '';
  byId('refresh-text').textContent = `${verb} ${clockFormat.format(new Date())}`;
}

export function markRefreshFailed(message) {
  const indicator = byId('refresh-status');
  indicator.hidden = false;
  indicator.classList.add('is-failing');
  indicator.title = message;
  byId('refresh-text').textContent = `Refresh failed at ${clockFormat.format(new Date())} · retrying`;
}
