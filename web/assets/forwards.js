/* "Forwarded to" in an event's details (§21): each forwarder's type, redacted target, status and attempts. */

import { apiGet, handleTokenRejected } from './api.js';
import { el } from './dom.js';
import { FORWARDER_LABELS } from './labels.js';

function forwardItem(forward) {
  const attempts = forward.attempts === 1 ? '1 attempt' : `${forward.attempts} attempts`;
  return el(
    'li',
    { class: 'event-forward' },
    el('strong', {}, FORWARDER_LABELS[forward.type] || forward.type),
    ' ',
    el('code', {}, forward.target),
    ' ',
    el('span', { class: `badge badge-${forward.status}` }, forward.status),
    ' ',
    el('span', { class: 'muted' }, attempts),
    forward.failedTag ? el('span', { class: 'badge badge-failed' }, `tagged failed: ${forward.failedTag}`) : null,
  );
}

/** Fills `section` with the change's forwards, read once per opened event. */
export function loadEventForwards(eventId, signal, section) {
  section.replaceChildren(el('h3', { class: 'detail-heading' }, 'Forwarded to'));
  apiGet(`/api/deployment-events/${encodeURIComponent(eventId)}/forwards`, signal)
    .then((forwards) => {
      const items = Array.isArray(forwards) ? forwards : [];
      section.append(
        items.length
          ? el('ul', { class: 'event-forwards-list' }, ...items.map(forwardItem))
          : el('p', { class: 'muted' }, 'Not forwarded anywhere.'),
      );
    })
    .catch((error) => {
      if (signal.aborted || handleTokenRejected(error)) return;
      section.append(el('p', { class: 'muted' }, `The forwards could not be loaded: ${error.message}`));
    });
}
