/* One event's details, in the dialog over the list; its id is in the address (`/?event=…`) while it is open. */

import { alertHref } from './alerts-list.js';
import { apiGet, handleTokenRejected } from './api.js';
import { byId, el } from './dom.js';
import { failureLines } from './failure.js';
import { code, detailRow, integrationTag, kindBadge, linkList, statusBadge, teamChips, timeElement } from './format.js';
import { loadEventForwards } from './forwards.js';
import { closeDialog, dialog, viewSignal, views } from './page.js';
import { loadWatch } from './watch.js';

let shownEventId = null;
let shownEventRequest = null;
/** "Alerts after this change" (§18): read once per opened event, kept across the detail's redraws. */
let eventAlerts = el('section', { class: 'event-alerts' });
/** The watch of a fresh deployment (§21), read as the alerts are. */
let eventWatch = el('section', { class: 'event-watch' });
let eventForwards = el('section', { class: 'event-forwards' });

function setEventInUrl(eventId) {
  const params = new URLSearchParams(location.search);
  if (eventId) params.set('event', eventId);
  else params.delete('event');
  const query = params.toString();
  history.replaceState(history.state, '', query ? `/?${query}` : '/');
}

/**
 * Shows one event in the dialog. `known` is the list's copy, shown at once while the server's is fetched;
 * `teamName` gives the name of a team id, from the list's pipelines, when the details are drawn.
 */
export function openEvent(eventId, known, teamName) {
  shownEventId = eventId;
  setEventInUrl(eventId);
  if (known) renderDetail(known, teamName);
  else {
    byId('event-dialog-title').textContent = 'Deployment event';
    byId('event-dialog-body').replaceChildren(el('p', { class: 'spinner-text' }, 'Loading the event…'));
  }
  if (!dialog.open) dialog.showModal();
  // The server's copy is for this dialog only: opening another event, closing it or a new view aborts it.
  shownEventRequest?.abort();
  shownEventRequest = new AbortController();
  const signal = AbortSignal.any([viewSignal(), shownEventRequest.signal]);
  eventAlerts = el('section', { class: 'event-alerts', 'aria-live': 'polite' });
  loadEventAlerts(eventId, signal, eventAlerts);
  eventWatch = el('section', { class: 'event-watch', 'aria-live': 'polite' });
  loadWatch(eventId, signal, eventWatch);
  eventForwards = el('section', { class: 'event-forwards', 'aria-live': 'polite' });
  loadEventForwards(eventId, signal, eventForwards);
  apiGet(`/api/deployment-events/${encodeURIComponent(eventId)}`, signal)
    .then((event) => renderDetail(event, teamName))
    .catch((error) => {
      if (signal.aborted || handleTokenRejected(error) || known) return;
      const message =
        error.status === 404
          ? 'There is no event with this id: it may be older than the retention period, or the link is wrong.'
          : error.message;
      byId('event-dialog-body').replaceChildren(
        el(
          'div',
          { class: 'state-box state-error', role: 'alert' },
          el('h3', {}, 'Could not open this event'),
          el('p', {}, message),
        ),
      );
    });
}

function alertOfChange(alert) {
  const percent = `${Math.round(alert.score * 100)}%`;
  return el(
    'li',
    { class: 'event-alert' },
    el('a', { href: alertHref(alert) }, alert.summary || alert.alertId),
    ' ',
    el('span', { class: `badge badge-${alert.confidence || 'unlikely'}` }, percent),
    alert.isLikelyCause ? el('span', { class: 'badge badge-likely' }, 'likely cause') : null,
    ' ',
    timeElement(alert.reportTime),
  );
}

function loadEventAlerts(eventId, signal, section) {
  section.replaceChildren(el('h3', { class: 'detail-heading' }, 'Alerts after this change'));
  apiGet(`/api/deployment-events/${encodeURIComponent(eventId)}/alerts`, signal)
    .then((page) => {
      const items = Array.isArray(page.items) ? page.items : [];
      section.append(
        items.length
          ? el('ul', { class: 'event-alerts-list' }, ...items.map(alertOfChange))
          : el('p', { class: 'muted' }, 'No alert has named this change.'),
      );
    })
    .catch((error) => {
      if (signal.aborted || handleTokenRejected(error)) return;
      section.append(el('p', { class: 'muted' }, `The alerts could not be loaded: ${error.message}`));
    });
}

function teamLabel(teamId, name) {
  return name && name !== teamId ? `${name} (${teamId})` : teamId;
}

function renderDetail(event, teamName) {
  byId('event-dialog-title').textContent = event.summary;
  const user = [event.userName, event.userEmail && `<${event.userEmail}>`].filter(Boolean).join(' ');
  const details = event.customDetails && Object.keys(event.customDetails).length ? event.customDetails : null;
  byId('event-dialog-body').replaceChildren(
    el(
      'div',
      { class: 'detail-badges' },
      kindBadge(event.kind),
      event.status ? statusBadge(event.status) : null,
      integrationTag(event.integrationType),
    ),
    ...failureLines(event),
    el(
      'dl',
      { class: 'detail-grid' },
      detailRow(
        'Pipeline',
        el('span', {}, event.pipelineName, ' ', el('span', { class: 'muted' }, `(${event.pipelineId})`)),
        true,
      ),
      detailRow('Happened', timeElement(event.timestamp)),
      detailRow('Received', timeElement(event.receivedAt)),
      detailRow('Environment', event.environment),
      detailRow('Service', event.service),
      detailRow('Repository', event.repository),
      detailRow('Version', event.version),
      detailRow('Branch', code(event.branch)),
      detailRow('Status', event.status),
      detailRow('User', user),
      detailRow('Teams', teamChips((event.teams || []).map((teamId) => teamLabel(teamId, teamName(teamId))))),
      detailRow('Commit', code(event.commitSha), true),
      detailRow('Event ID', code(event.id), true),
    ),
    el('h3', { class: 'detail-heading' }, 'Links'),
    linkList(event.links, 'detail-links'),
    el('h3', { class: 'detail-heading' }, 'Custom details'),
    details
      ? el('pre', { class: 'json' }, el('code', {}, JSON.stringify(details, null, 2)))
      : el('p', { class: 'muted' }, 'None'),
    eventWatch,
    eventAlerts,
    eventForwards,
  );
}

export function wireDialog() {
  byId('event-dialog-close').addEventListener('click', closeDialog);
  dialog.addEventListener('click', (click) => {
    if (click.target === dialog) closeDialog();
  });
  dialog.addEventListener('close', () => {
    if (shownEventId !== null && !views.list.hidden) setEventInUrl(null);
    shownEventId = null;
    shownEventRequest?.abort();
  });
}
