/* The list view: the newest events for the filters in the address, polled for new ones, and "Load more". */

import { apiGet, handleTokenRejected } from './api.js';
import { openEvent } from './dialog.js';
import { directory, loadDirectory } from './directory.js';
import { byId } from './dom.js';
import { eventRow, markRow } from './event-row.js';
import { parseTime, refreshRelativeTimes } from './format.js';
import {
  apiQuery,
  fillFilterControls,
  filtersFromAddress,
  filtersFromControls,
  listUrl,
  NO_FILTERS,
} from './list-filters.js';
import { showEmptyRange, showListError, showListLoading, showListState } from './list-state.js';
import { later, markRefreshed, markRefreshFailed, POLL_INTERVAL_MS, showView, viewSignal, views } from './page.js';
import { refreshDeliveries } from './tools.js';

const PAGE_SIZE = 50;

const list = {
  filters: NO_FILTERS,
  entries: new Map(),
  nextCursor: null,
  loaded: false,
  loadingMore: false,
  pollWaiting: false,
};

function eventsPath(cursor) {
  const query = apiQuery(list.filters);
  query.set('max-results', String(PAGE_SIZE));
  if (cursor) query.set('cursor', cursor);
  return `/api/deployment-events?${query}`;
}

function resetList() {
  list.entries = new Map();
  list.nextCursor = null;
  list.loaded = false;
  list.loadingMore = false;
  list.pollWaiting = false;
  byId('events-body').replaceChildren();
  byId('events-panel').hidden = true;
  byId('load-more').hidden = true;
  byId('load-more-status').textContent = '';
  byId('list-count').textContent = '';
}

/** The filters' choices and the pipelines' names; read again when an event names a pipeline not known yet. */
function refreshDirectory() {
  loadDirectory().then(
    () => {
      if (!views.list.hidden) fillFilterControls(list.filters);
    },
    (error) => {
      if (!handleTokenRejected(error) && !views.list.hidden) {
        byId('filter-pipeline').title = `Pipelines could not be loaded: ${error.message}`;
      }
    },
  );
}

export async function startListView(params) {
  const signal = viewSignal();
  list.filters = filtersFromAddress(params);
  showView('list');
  document.title = 'Deployment events';
  resetList();
  fillFilterControls(list.filters);
  refreshDeliveries();
  if (!directory.loaded) refreshDirectory();
  if (list.filters.from && list.filters.until && list.filters.from > list.filters.until) {
    showEmptyRange();
    return;
  }
  showListLoading();
  await refreshList(signal);
  const eventId = params.get('event');
  if (eventId && !signal.aborted) showEvent(eventId);
}

/** Loads the newest page: the first load, and every poll after it, which adds what is not shown yet. */
async function refreshList(signal) {
  if (document.hidden && list.loaded) {
    list.pollWaiting = true;
    return;
  }
  try {
    mergeNewestPage(await apiGet(eventsPath(null), signal));
    showListState(list.entries.size, Boolean(list.nextCursor), list.filters);
    markRefreshed('Live · updated');
  } catch (error) {
    if (signal.aborted || handleTokenRejected(error)) return;
    if (list.loaded) markRefreshFailed(error.message);
    else showListError(error.message);
  }
  refreshRelativeTimes();
  later(() => refreshList(signal), POLL_INTERVAL_MS, signal);
}

function mergeNewestPage(page) {
  const items = Array.isArray(page.items) ? page.items : [];
  if (!list.loaded) {
    list.loaded = true;
    list.nextCursor = page.nextCursor || null;
    placeEvents(items, false);
    return;
  }
  const oldest = items[items.length - 1];
  if (page.nextCursor && oldest && list.entries.size > 0 && !list.entries.has(oldest.id)) {
    // More events arrived since the last poll than one page holds: start over from this page.
    const known = new Set(list.entries.keys());
    byId('events-body').replaceChildren();
    list.entries = new Map();
    list.nextCursor = page.nextCursor;
    for (const event of items) placeEvent(event, !known.has(event.id));
    return;
  }
  if (list.entries.size === 0) list.nextCursor = page.nextCursor || null;
  placeEvents(items, true);
}

function placeEvents(items, markNew) {
  let unknownPipeline = false;
  for (const event of items) {
    if (placeEvent(event, markNew) && !directory.pipelines.has(event.pipelineId)) unknownPipeline = true;
  }
  if (unknownPipeline && directory.loaded) refreshDirectory();
}

/** Adds an event at its place by time, or replaces its row when it changed (a newer deployment status). */
function placeEvent(event, markNew) {
  const known = list.entries.get(event.id);
  if (known && JSON.stringify(known.event) === JSON.stringify(event)) return false;
  const row = eventRow(event, showEvent);
  const entry = { event, row, time: parseTime(event.timestamp)?.getTime() ?? 0 };
  if (known && known.event.timestamp === event.timestamp) {
    known.row.replaceWith(row);
  } else {
    if (known) known.row.remove();
    const body = byId('events-body');
    const next = [...body.children].find((candidate) => {
      const other = list.entries.get(candidate.getAttribute('data-event-id'));
      return other && other.time < entry.time;
    });
    body.insertBefore(row, next || null);
  }
  list.entries.set(event.id, entry);
  if (markNew) markRow(row, known ? 'Updated' : 'New');
  return true;
}

async function loadMore() {
  if (!list.nextCursor || list.loadingMore) return;
  const signal = viewSignal();
  const button = byId('load-more');
  const status = byId('load-more-status');
  list.loadingMore = true;
  button.disabled = true;
  button.textContent = 'Loading…';
  status.textContent = '';
  try {
    const page = await apiGet(eventsPath(list.nextCursor), signal);
    list.nextCursor = page.nextCursor || null;
    placeEvents(Array.isArray(page.items) ? page.items : [], false);
    showListState(list.entries.size, Boolean(list.nextCursor), list.filters);
    if (!list.nextCursor) status.textContent = 'That was the oldest event.';
  } catch (error) {
    if (signal.aborted || handleTokenRejected(error)) return;
    status.textContent = `Could not load more: ${error.message}`;
  } finally {
    list.loadingMore = false;
    button.disabled = false;
    button.textContent = 'Load more';
  }
}

/** The dialog shows the list's copy of the event at once, and its teams by the names the directory knows. */
function showEvent(eventId) {
  openEvent(eventId, list.entries.get(eventId)?.event, (teamId) => directory.teams.get(teamId));
}

/** `route` shows the page for the current address: the list's controls change the address, then call it. */
export function wireList(route) {
  const applyFilters = (filters) => {
    const url = listUrl(filters);
    if (url === listUrl(list.filters) && !new URLSearchParams(location.search).has('event')) return;
    history.pushState(null, '', url);
    route();
  };
  byId('filters').addEventListener('submit', (submit) => submit.preventDefault());
  byId('filters').addEventListener('change', () => applyFilters(filtersFromControls()));
  byId('clear-filters').addEventListener('click', () => applyFilters(NO_FILTERS));
  // The state box's buttons are redrawn with it, so one listener here handles them by their data-action.
  byId('list-state').addEventListener('click', (click) => {
    if (click.target.closest('[data-action="clear-filters"]')) applyFilters(NO_FILTERS);
    else if (click.target.closest('[data-action="retry"]')) route();
  });
  byId('load-more').addEventListener('click', loadMore);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && list.pollWaiting && !views.list.hidden) {
      list.pollWaiting = false;
      refreshList(viewSignal());
    }
  });
}
