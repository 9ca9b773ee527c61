/*
 * What every view shares: which view shows, closing the event dialog, background work and the refresh
 * indicator. It imports no view, so the views and the token prompt (api.js) can all use it.
 */

import { byId } from './dom.js';
import { clockFormat } from './format.js';

export const POLL_INTERVAL_MS = 5000;

export const views = {
  token: byId('token-view'),
  list: byId('list-view'),
  alert: byId('alert-view'),
  alerts: byId('alerts-view'),
  delivery: byId('delivery-view'),
};
export const dialog = byId('event-dialog');

export function showView(name) {
  byId('boot-status').hidden = true;
  for (const [viewName, view] of Object.entries(views)) view.hidden = viewName !== name;
}

export function closeDialog() {
  if (dialog.open) dialog.close();
}

let shownView = new AbortController();

/**
 * Ends the shown view's work: its fetches are aborted and its timers cleared, so nothing it started can
 * touch the view that follows.
 */
export function stopBackgroundWork() {
  shownView.abort();
  shownView = new AbortController();
}

/** The signal of the view now shown, aborted when another view starts: its fetches and timers take it. */
export function viewSignal() {
  return shownView.signal;
}

/** Runs `callback` after `delay` unless `signal` is aborted first. */
export function later(callback, delay, signal) {
  if (signal.aborted) return;
  const cancel = () => clearTimeout(timer);
  const timer = setTimeout(() => {
    signal.removeEventListener('abort', cancel);
    callback();
  }, delay);
  signal.addEventListener('abort', cancel, { once: true });
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
