/* One event as a row of the list (a card on a phone), and the mark a new or updated row wears for a while. */

import { directory } from './directory.js';
import { el, none } from './dom.js';
import { failureBadge } from './failure.js';
import { integrationTag, kindBadge, linkList, statusBadge, timeElement } from './format.js';

const NEW_MARK_MS = 10000;

/** A table cell, marked empty when there is no value, so that phone-sized cards can leave it out. */
function cell(className, label, content) {
  return el('td', { class: content ? className : `${className} is-empty`, 'data-label': label }, content || none());
}

/** The row of an event; `open` shows its details, unless the click was on a link or selected text. */
export function eventRow(event, open) {
  const context = [event.repository, event.version, event.branch && `branch ${event.branch}`].filter(Boolean);
  const pipeline = directory.pipelines.get(event.pipelineId);
  const row = el(
    'tr',
    { class: 'event-row', 'data-event-id': event.id },
    el(
      'td',
      { class: 'cell-summary', 'data-label': 'Summary' },
      el(
        'div',
        { class: 'summary-line' },
        el('button', { type: 'button', class: 'summary-button', 'aria-haspopup': 'dialog' }, event.summary),
        failureBadge(event),
      ),
      context.length ? el('div', { class: 'summary-context' }, context.join(' · ')) : null,
    ),
    el(
      'td',
      { class: 'cell-pipeline', 'data-label': 'Pipeline' },
      el('span', { class: 'pipeline-name' }, event.pipelineName || pipeline?.name || event.pipelineId),
      ' ',
      integrationTag(event.integrationType),
    ),
    el('td', { class: 'cell-kind', 'data-label': 'Kind' }, kindBadge(event.kind)),
    cell('cell-environment', 'Environment', event.environment),
    cell('cell-status', 'Status', event.status && statusBadge(event.status)),
    el('td', { class: 'cell-created', 'data-label': 'Created' }, timeElement(event.timestamp)),
    cell('cell-links', 'Links', event.links?.length && linkList(event.links, 'row-links')),
  );
  row.addEventListener('click', (click) => {
    if (click.target.closest('a') || String(window.getSelection())) return;
    open(event.id);
  });
  return row;
}

export function markRow(row, label) {
  row.classList.add('is-new');
  const badge = el('span', { class: 'badge badge-new' }, label);
  row.querySelector('.summary-line').append(badge);
  setTimeout(() => {
    row.classList.remove('is-new');
    badge.remove();
  }, NEW_MARK_MS);
}
