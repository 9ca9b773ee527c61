/* The watch of a fresh deployment (§21) on an event's details: watching until …, clean, or suspect with its alerts. */

import { alertHref } from './alerts-list.js';
import { apiGet, handleTokenRejected } from './api.js';
import { el } from './dom.js';
import { timeElement } from './format.js';

const STATE_TONES = { watching: 'pending', clean: 'success', suspect: 'failure' };

function suspectAlert(alert) {
  return el(
    'li',
    { class: 'watch-alert' },
    el('a', { href: alertHref(alert) }, alert.summary || alert.alertId),
    ' ',
    el('span', { class: 'badge badge-likely' }, `${Math.round(alert.score * 100)}%`),
  );
}

function stateLine(health) {
  const badge = el('span', { class: `badge status status-${STATE_TONES[health.state]} watch-state` }, health.state);
  if (health.reason) return el('p', { class: 'watch-line' }, badge, ' ', el('span', { class: 'muted' }, health.reason));
  const until = health.until ? timeElement(health.until) : null;
  const words = { watching: 'watched until', clean: 'no alert named it as likely cause by', suspect: 'watched until' };
  return el('p', { class: 'watch-line' }, badge, ' ', words[health.state], ' ', until);
}

/** Reads the event's health once and draws it in `section`. */
export function loadWatch(eventId, signal, section) {
  section.replaceChildren(el('h3', { class: 'detail-heading' }, 'Watch'));
  apiGet(`/api/deployment-events/${encodeURIComponent(eventId)}/health`, signal)
    .then((health) => {
      const alerts = Array.isArray(health.alerts) ? health.alerts : [];
      section.append(stateLine(health));
      if (alerts.length) section.append(el('ul', { class: 'watch-alerts' }, ...alerts.map(suspectAlert)));
    })
    .catch((error) => {
      if (signal.aborted || handleTokenRejected(error)) return;
      section.append(el('p', { class: 'muted' }, `The watch could not be loaded: ${error.message}`));
    });
}
