/* What the list says about itself: how many events it shows, that there are none yet, or that it failed. */

import { byId, el, setStateBox } from './dom.js';
import { hasFilters } from './list-filters.js';
import { markRefreshFailed, POLL_INTERVAL_MS } from './page.js';

/** Shows the table with its count, or the empty state when `count` is 0. */
export function showListState(count, moreToLoad, filters) {
  const loadMore = byId('load-more');
  if (count === 0) {
    byId('events-panel').hidden = true;
    loadMore.hidden = true;
    byId('list-count').textContent = '';
    setStateBox(byId('list-state'), 'empty', ...emptyStateContent(filters));
    return;
  }
  byId('list-state').hidden = true;
  byId('events-panel').hidden = false;
  loadMore.hidden = !moreToLoad;
  byId('list-count').textContent = `${count} ${count === 1 ? 'event' : 'events'} shown, newest first${
    moreToLoad ? '' : ' · that is all of them'
  }`;
}

function emptyStateContent(filters) {
  const filtered = hasFilters(filters);
  const command = [
    `curl -X POST ${location.origin}/api/deployment-events \\`,
    "  -H 'Content-Type: application/json' \\",
    `  -d '{"integrationKey": "<your pipeline's key>", "summary": "Deployed shop v1.4.0", "environment": "production"}'`,
  ].join('\n');
  return [
    el('h2', {}, filtered ? 'No deployment events yet for these filters' : 'No deployment events yet'),
    el(
      'p',
      {},
      filtered
        ? 'Nothing matches this pipeline, team or date range. Clear the filters to see every event.'
        : 'Events appear here a few seconds after your CI/CD sends them.',
    ),
    el('p', {}, 'Send one with the integration key of a deployment pipeline:'),
    el('pre', { class: 'command' }, el('code', {}, command)),
    el('p', { class: 'muted' }, 'Or point a GitHub or GitLab webhook at the pipeline’s integration URL.'),
    filtered
      ? el('button', { type: 'button', class: 'button', 'data-action': 'clear-filters' }, 'Clear filters')
      : null,
  ];
}

export function showEmptyRange() {
  setStateBox(
    byId('list-state'),
    'error',
    el('h2', {}, 'This date range is empty'),
    el('p', {}, 'The “From” date is after the “Until” date. Pick a range where “From” comes first.'),
  );
}

export function showListLoading() {
  setStateBox(byId('list-state'), 'loading', el('p', { class: 'spinner-text' }, 'Loading deployment events…'));
}

export function showListError(message) {
  byId('events-panel').hidden = true;
  byId('load-more').hidden = true;
  setStateBox(
    byId('list-state'),
    'error',
    el('h2', {}, 'Could not load deployment events'),
    el('p', {}, message),
    el('p', { class: 'muted' }, `Trying again every ${POLL_INTERVAL_MS / 1000} s.`),
    el('button', { type: 'button', class: 'button', 'data-action': 'retry' }, 'Retry now'),
  );
  markRefreshFailed(message);
}
