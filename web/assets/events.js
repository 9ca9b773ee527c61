/* The list of deployment events: filters in the address, polling for new events, and "Load more". */

import { apiGet, handleTokenRejected } from './api.js';
import { openEvent } from './dialog.js';
import { byId, el, none, setStateBox } from './dom.js';
import {
  dayBound,
  INTEGRATION_LABELS,
  integrationTag,
  kindBadge,
  linkList,
  parseTime,
  refreshRelativeTimes,
  statusBadge,
  timeElement,
  validDay,
} from './format.js';
import { generation, later, markRefreshed, markRefreshFailed, POLL_INTERVAL_MS, showView, views } from './page.js';

const PAGE_SIZE = 50;
const PIPELINE_PAGE_SIZE = 100;
const MAX_PIPELINE_PAGES = 20;
const NEW_MARK_MS = 10000;

const list = {
  filters: { pipeline: '', team: '', from: '', until: '' },
  entries: new Map(),
  nextCursor: null,
  loaded: false,
  loadingMore: false,
  pipelines: new Map(),
  teams: new Map(),
  pipelinesLoaded: false,
  pipelinesLoading: null,
  pollWaiting: false,
};

function readFilters(params) {
  return {
    pipeline: params.get('pipeline') || '',
    team: params.get('team') || '',
    from: validDay(params.get('from')),
    until: validDay(params.get('until')),
  };
}

function hasFilters(filters) {
  return Boolean(filters.pipeline || filters.team || filters.from || filters.until);
}

/** The page's own address for a filtered view, so that it can be shared. */
function listUrl(filters) {
  const query = new URLSearchParams();
  for (const name of ['pipeline', 'team', 'from', 'until']) if (filters[name]) query.set(name, filters[name]);
  const text = query.toString();
  return text ? `/?${text}` : '/';
}

/** Filters as the API takes them: dates become the first and last instant of those days. */
function eventsPath(filters, cursor) {
  const query = new URLSearchParams();
  if (filters.pipeline) query.set('pipeline', filters.pipeline);
  if (filters.team) query.set('team', filters.team);
  if (filters.from) query.set('from', dayBound(filters.from, false).toISOString());
  if (filters.until) query.set('until', dayBound(filters.until, true).toISOString());
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

export async function startListView(params) {
  const runningGeneration = generation;
  list.filters = readFilters(params);
  showView('list');
  document.title = 'Deployment events';
  resetList();
  fillFilterControls();
  if (!list.pipelinesLoaded) loadPipelines();
  if (list.filters.from && list.filters.until && list.filters.from > list.filters.until) {
    setStateBox(
      byId('list-state'),
      'error',
      el('h2', {}, 'This date range is empty'),
      el('p', {}, 'The “From” date is after the “Until” date. Pick a range where “From” comes first.'),
    );
    return;
  }
  setStateBox(byId('list-state'), 'loading', el('p', { class: 'spinner-text' }, 'Loading deployment events…'));
  await refreshList(runningGeneration);
  const eventId = params.get('event');
  if (eventId && runningGeneration === generation) showEvent(eventId);
}

/** Loads the newest page: the first load, and every poll after it, which adds what is not shown yet. */
async function refreshList(runningGeneration) {
  if (runningGeneration !== generation) return;
  if (document.hidden && list.loaded) {
    list.pollWaiting = true;
    return;
  }
  try {
    const page = await apiGet(eventsPath(list.filters, null));
    if (runningGeneration !== generation) return;
    mergeNewestPage(page);
    renderListState();
    markRefreshed('Live · updated');
  } catch (error) {
    if (runningGeneration !== generation || handleTokenRejected(error)) return;
    if (list.loaded) markRefreshFailed(error.message);
    else showListError(error.message);
  }
  refreshRelativeTimes();
  later(() => refreshList(runningGeneration), POLL_INTERVAL_MS);
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
    if (placeEvent(event, markNew) && !list.pipelines.has(event.pipelineId)) unknownPipeline = true;
  }
  if (unknownPipeline && list.pipelinesLoaded) loadPipelines();
}

/** Adds an event at its place by time, or replaces its row when it changed (a newer deployment status). */
function placeEvent(event, markNew) {
  const known = list.entries.get(event.id);
  if (known && JSON.stringify(known.event) === JSON.stringify(event)) return false;
  const row = eventRow(event);
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

function markRow(row, label) {
  row.classList.add('is-new');
  const badge = el('span', { class: 'badge badge-new' }, label);
  row.querySelector('.summary-line').append(badge);
  setTimeout(() => {
    row.classList.remove('is-new');
    badge.remove();
  }, NEW_MARK_MS);
}

/** A table cell, marked empty when there is no value, so that phone-sized cards can leave it out. */
function cell(className, label, content) {
  return el('td', { class: content ? className : `${className} is-empty`, 'data-label': label }, content || none());
}

function eventRow(event) {
  const context = [event.repository, event.version, event.branch && `branch ${event.branch}`].filter(Boolean);
  const pipeline = list.pipelines.get(event.pipelineId);
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
    showEvent(event.id);
  });
  return row;
}

function renderListState() {
  const count = list.entries.size;
  const loadMore = byId('load-more');
  if (count === 0) {
    byId('events-panel').hidden = true;
    loadMore.hidden = true;
    byId('list-count').textContent = '';
    setStateBox(byId('list-state'), 'empty', ...emptyStateContent());
    return;
  }
  byId('list-state').hidden = true;
  byId('events-panel').hidden = false;
  loadMore.hidden = !list.nextCursor;
  byId('list-count').textContent = `${count} ${count === 1 ? 'event' : 'events'} shown, newest first${
    list.nextCursor ? '' : ' · that is all of them'
  }`;
}

function emptyStateContent() {
  const filtered = hasFilters(list.filters);
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

function showListError(message) {
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

async function loadMore() {
  if (!list.nextCursor || list.loadingMore) return;
  const runningGeneration = generation;
  const button = byId('load-more');
  const status = byId('load-more-status');
  list.loadingMore = true;
  button.disabled = true;
  button.textContent = 'Loading…';
  status.textContent = '';
  try {
    const page = await apiGet(eventsPath(list.filters, list.nextCursor));
    if (runningGeneration !== generation) return;
    list.nextCursor = page.nextCursor || null;
    placeEvents(Array.isArray(page.items) ? page.items : [], false);
    renderListState();
    if (!list.nextCursor) status.textContent = 'That was the oldest event.';
  } catch (error) {
    if (runningGeneration !== generation || handleTokenRejected(error)) return;
    status.textContent = `Could not load more: ${error.message}`;
  } finally {
    list.loadingMore = false;
    button.disabled = false;
    button.textContent = 'Load more';
  }
}

/* ---------- filters ---------- */

/** The filters' choices: every pipeline, and every team that owns one. */
async function loadPipelines() {
  if (list.pipelinesLoading) return;
  list.pipelinesLoading = (async () => {
    const pipelines = [];
    for (let page = 0; page < MAX_PIPELINE_PAGES; page += 1) {
      const start = page * PIPELINE_PAGE_SIZE;
      const items = await apiGet(`/api/deployment-pipelines?start-index=${start}&max-results=${PIPELINE_PAGE_SIZE}`);
      pipelines.push(...items);
      if (items.length < PIPELINE_PAGE_SIZE) break;
    }
    return pipelines;
  })();
  try {
    const pipelines = await list.pipelinesLoading;
    list.pipelines = new Map(pipelines.map((pipeline) => [pipeline.id, pipeline]));
    list.teams = new Map();
    for (const pipeline of pipelines) {
      for (const team of pipeline.teams || []) {
        if (!list.teams.get(team.id)) list.teams.set(team.id, team.name || '');
      }
    }
    list.pipelinesLoaded = true;
    if (!views.list.hidden) fillFilterControls();
  } catch (error) {
    if (!handleTokenRejected(error) && !views.list.hidden) {
      byId('filter-pipeline').title = `Pipelines could not be loaded: ${error.message}`;
    }
  } finally {
    list.pipelinesLoading = null;
  }
}

/** Fills a select; a value from a shared link that is not (or no longer) known still shows as selected. */
function fillSelect(select, allLabel, options, selected) {
  const sorted = [...options].sort((a, b) => a.label.localeCompare(b.label));
  if (selected && !sorted.some((option) => option.value === selected))
    sorted.push({ value: selected, label: selected });
  select.replaceChildren(
    el('option', { value: '' }, allLabel),
    ...sorted.map((option) => el('option', { value: option.value }, option.label)),
  );
  select.value = selected;
}

function fillFilterControls() {
  const pipelines = [...list.pipelines.values()].map((pipeline) => ({
    value: pipeline.id,
    label: `${pipeline.name} (${INTEGRATION_LABELS[pipeline.integrationType] || pipeline.integrationType})`,
  }));
  const teams = [...list.teams.entries()].map(([id, name]) => ({ value: id, label: name || id }));
  fillSelect(byId('filter-pipeline'), 'All pipelines', pipelines, list.filters.pipeline);
  fillSelect(byId('filter-team'), 'All teams', teams, list.filters.team);
  byId('filter-from').value = list.filters.from;
  byId('filter-until').value = list.filters.until;
  byId('clear-filters').hidden = !hasFilters(list.filters);
}

function filtersFromControls() {
  return {
    pipeline: byId('filter-pipeline').value,
    team: byId('filter-team').value,
    from: validDay(byId('filter-from').value),
    until: validDay(byId('filter-until').value),
  };
}

/** The dialog shows the list's copy of the event at once, and its teams by the names the list knows. */
function showEvent(eventId) {
  openEvent(eventId, list.entries.get(eventId)?.event, (teamId) => list.teams.get(teamId));
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
  byId('clear-filters').addEventListener('click', () => applyFilters({ pipeline: '', team: '', from: '', until: '' }));
  // The state box's buttons are redrawn with it, so one listener here handles them by their data-action.
  byId('list-state').addEventListener('click', (click) => {
    if (click.target.closest('[data-action="clear-filters"]'))
      applyFilters({ pipeline: '', team: '', from: '', until: '' });
    else if (click.target.closest('[data-action="retry"]')) route();
  });
  byId('load-more').addEventListener('click', loadMore);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && list.pollWaiting && !views.list.hidden) {
      list.pollWaiting = false;
      refreshList(generation);
    }
  });
}
