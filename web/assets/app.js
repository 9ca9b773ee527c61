/*
 * The live overview of deployment events (SPEC §8): the list, one event's details, and an alert's
 * enrichment. Plain DOM code: every text from the API goes through textContent, never innerHTML,
 * and only http(s) links become anchors, because events come from outside (webhooks, CI jobs).
 */
'use strict';

(() => {
  const TOKEN_KEY = 'deployment-events.admin-token';
  const POLL_INTERVAL_MS = 5000;
  const ALERT_RETRY_MS = 3000;
  const ALERT_REFRESH_MS = 15000;
  const PAGE_SIZE = 50;
  const PIPELINE_PAGE_SIZE = 100;
  const MAX_PIPELINE_PAGES = 20;
  const NEW_MARK_MS = 10000;
  const INTEGRATION_LABELS = { API: 'API', GITHUB: 'GitHub', GITLAB: 'GitLab' };
  const STATUS_TONES = [
    ['success', /^(success|succeeded|successful|passed|ok|completed?|deployed|done|released|merged)$/],
    ['failure', /^(fail|failed|failure|error|errored|broken|crashed|timed[_ ]?out|rolled[_ ]?back)$/],
    ['pending', /^(pending|queued|in[_ ]progress|running|started|waiting|created|scheduled|preparing|manual)$/],
  ];

  const byId = (id) => document.getElementById(id);
  const views = { token: byId('token-view'), list: byId('list-view'), alert: byId('alert-view') };
  const dialog = byId('event-dialog');

  /* ---------- DOM helpers ---------- */

  /** An element with attributes and children; strings become text nodes, so they are never parsed as HTML. */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'class') node.className = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child !== undefined && child !== null && child !== false) node.append(child);
    }
    return node;
  }

  function none() {
    return el('span', { class: 'none' }, '—');
  }

  function showView(name) {
    byId('boot-status').hidden = true;
    for (const [viewName, view] of Object.entries(views)) view.hidden = viewName !== name;
  }

  /** An anchor only for http(s) URLs: a javascript: or data: href in an event must never be clickable. */
  function safeLink(link, className) {
    const href = typeof link.href === 'string' ? link.href.trim() : '';
    const text = link.text || href;
    let url = null;
    try {
      url = new URL(href);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return el('span', { class: className }, text);
    return el('a', { class: className, href: url.href, target: '_blank', rel: 'noopener noreferrer nofollow' }, text);
  }

  function linkList(links, className) {
    if (!Array.isArray(links) || links.length === 0) return none();
    return el('ul', { class: className }, links.map((link) => el('li', {}, safeLink(link, 'external-link'))));
  }

  function statusBadge(status) {
    if (!status) return none();
    const normalised = String(status).toLowerCase();
    const tone = (STATUS_TONES.find(([, pattern]) => pattern.test(normalised)) || ['neutral'])[0];
    return el('span', { class: `badge status status-${tone}` }, status);
  }

  function kindBadge(kind) {
    return el('span', { class: 'badge kind' }, kind);
  }

  function integrationTag(type) {
    return el('span', { class: 'tag' }, INTEGRATION_LABELS[type] || type);
  }

  /* ---------- time ---------- */

  const absoluteFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' });
  const clockFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

  function parseTime(text) {
    const date = new Date(text);
    return Number.isNaN(date.getTime()) ? null : date;
  }

  function absoluteTime(text) {
    const date = parseTime(text);
    return date ? absoluteFormat.format(date) : String(text);
  }

  function relativeTime(text, now = Date.now()) {
    const date = parseTime(text);
    if (!date) return '';
    const seconds = Math.round((now - date.getTime()) / 1000);
    const distance = Math.abs(seconds);
    if (distance < 45) return seconds >= 0 ? 'just now' : 'in a few seconds';
    let amount;
    if (distance < 3600) amount = `${Math.max(1, Math.floor(distance / 60))} min`;
    else if (distance < 86400) amount = `${Math.floor(distance / 3600)} h`;
    else amount = `${Math.floor(distance / 86400)} d`;
    return seconds >= 0 ? `${amount} ago` : `in ${amount}`;
  }

  function duration(fromText, untilText) {
    const from = parseTime(fromText);
    const until = parseTime(untilText);
    if (!from || !until) return '';
    const minutes = Math.round((until - from) / 60000);
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const rest = minutes % 60;
    return [days && `${days} d`, hours && `${hours} h`, rest && `${rest} min`].filter(Boolean).join(' ') || '0 min';
  }

  /** Relative and absolute time together: "14 min ago" for a glance, the exact time for the record. */
  function timeElement(text) {
    return el(
      'time',
      { class: 'when', datetime: text, title: text },
      el('span', { class: 'when-relative', 'data-relative-to': text }, relativeTime(text)),
      el('span', { class: 'when-absolute' }, absoluteTime(text)),
    );
  }

  function refreshRelativeTimes() {
    const now = Date.now();
    for (const node of document.querySelectorAll('[data-relative-to]')) {
      node.textContent = relativeTime(node.getAttribute('data-relative-to'), now);
    }
  }

  function validDay(value) {
    if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return '';
    return Number.isNaN(dayBound(value, false).getTime()) ? '' : value;
  }

  /** A date input's day as an instant in the viewer's time zone: its first or its last millisecond. */
  function dayBound(day, endOfDay) {
    const [year, month, date] = day.split('-').map(Number);
    return endOfDay ? new Date(year, month - 1, date, 23, 59, 59, 999) : new Date(year, month - 1, date);
  }

  /* ---------- the admin token ---------- */

  const tokenStore = {
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
  function takeTokenFromFragment() {
    const fragment = new URLSearchParams(location.hash.slice(1));
    if (!fragment.has('token')) return false;
    const token = fragment.get('token').trim();
    if (token) tokenStore.set(token);
    history.replaceState(history.state, '', location.pathname + location.search);
    return true;
  }

  function requireToken(message, tone = 'error') {
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

  /* ---------- the API ---------- */

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

  async function apiGet(path) {
    const token = tokenStore.get();
    if (!token) throw new TokenRejected('');
    let response;
    try {
      response = await fetch(path, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch {
      throw new ApiError(0, 'The server could not be reached. Check that it is running and that you are online.');
    }
    if (response.status === 401) {
      throw new TokenRejected(
        'The admin token was not accepted (401 Unauthorized): it may be mistyped or no longer valid. Enter it again.',
      );
    }
    if (!response.ok) throw new ApiError(response.status, await describeFailure(response));
    try {
      return await response.json();
    } catch {
      throw new ApiError(response.status, 'The server answered with something that is not JSON.');
    }
  }

  /** A rejected token ends whatever was running and asks for the token again; true when it did. */
  function handleTokenRejected(error) {
    if (!(error instanceof TokenRejected)) return false;
    tokenStore.forget();
    requireToken(error.message);
    return true;
  }

  /* ---------- background work and the refresh indicator ---------- */

  let generation = 0;
  const timers = new Set();

  /** Work started for a view that is no longer shown must not touch the page: it checks its generation. */
  function stopBackgroundWork() {
    generation += 1;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  }

  function later(callback, delay) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      callback();
    }, delay);
    timers.add(timer);
  }

  function markRefreshed(verb) {
    const indicator = byId('refresh-status');
    indicator.hidden = false;
    indicator.classList.remove('is-failing');
    indicator.title = '';
    byId('refresh-text').textContent = `${verb} ${clockFormat.format(new Date())}`;
  }

  function markRefreshFailed(message) {
    const indicator = byId('refresh-status');
    indicator.hidden = false;
    indicator.classList.add('is-failing');
    indicator.title = message;
    byId('refresh-text').textContent = `Refresh failed at ${clockFormat.format(new Date())} · retrying`;
  }

  function setStateBox(box, kind, ...content) {
    box.className = `state-box state-${kind}`;
    box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    box.replaceChildren(...content.filter(Boolean));
    box.hidden = false;
  }

  /* ---------- the list ---------- */

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

  async function startListView(params) {
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
    if (eventId && runningGeneration === generation) openEvent(eventId);
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
      cell('cell-links', 'Links', event.links && event.links.length && linkList(event.links, 'row-links')),
    );
    row.addEventListener('click', (click) => {
      if (click.target.closest('a') || String(window.getSelection())) return;
      openEvent(event.id);
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
      filtered ? el('button', { type: 'button', class: 'button', 'data-action': 'clear-filters' }, 'Clear filters') : null,
    ];
  }

  function showListError(message) {
    byId('events-panel').hidden = true;
    byId('load-more').hidden = true;
    const retry = el('button', { type: 'button', class: 'button' }, 'Retry now');
    retry.addEventListener('click', route);
    setStateBox(
      byId('list-state'),
      'error',
      el('h2', {}, 'Could not load deployment events'),
      el('p', {}, message),
      el('p', { class: 'muted' }, `Trying again every ${POLL_INTERVAL_MS / 1000} s.`),
      retry,
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
    if (selected && !sorted.some((option) => option.value === selected)) sorted.push({ value: selected, label: selected });
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

  function applyFilters(filters) {
    const url = listUrl(filters);
    if (url === listUrl(list.filters) && !new URLSearchParams(location.search).has('event')) return;
    history.pushState(null, '', url);
    route();
  }

  function filtersFromControls() {
    return {
      pipeline: byId('filter-pipeline').value,
      team: byId('filter-team').value,
      from: validDay(byId('filter-from').value),
      until: validDay(byId('filter-until').value),
    };
  }

  /* ---------- one event's details ---------- */

  let shownEventId = null;

  function setEventInUrl(eventId) {
    const params = new URLSearchParams(location.search);
    if (eventId) params.set('event', eventId);
    else params.delete('event');
    const query = params.toString();
    history.replaceState(history.state, '', query ? `/?${query}` : '/');
  }

  function openEvent(eventId) {
    shownEventId = eventId;
    setEventInUrl(eventId);
    const known = list.entries.get(eventId);
    if (known) renderDetail(known.event);
    else {
      byId('event-dialog-title').textContent = 'Deployment event';
      byId('event-dialog-body').replaceChildren(el('p', { class: 'spinner-text' }, 'Loading the event…'));
    }
    if (!dialog.open) dialog.showModal();
    const runningGeneration = generation;
    apiGet(`/api/deployment-events/${encodeURIComponent(eventId)}`)
      .then((event) => {
        if (runningGeneration === generation && dialog.open && shownEventId === eventId) renderDetail(event);
      })
      .catch((error) => {
        if (runningGeneration !== generation || handleTokenRejected(error) || known) return;
        if (!dialog.open || shownEventId !== eventId) return;
        const message =
          error.status === 404
            ? 'There is no event with this id: it may be older than the retention period, or the link is wrong.'
            : error.message;
        byId('event-dialog-body').replaceChildren(
          el('div', { class: 'state-box state-error', role: 'alert' }, el('h3', {}, 'Could not open this event'), el('p', {}, message)),
        );
      });
  }

  function closeDialog() {
    if (dialog.open) dialog.close();
  }

  function detailRow(label, value, wide = false) {
    return el('div', { class: wide ? 'detail-row detail-row-wide' : 'detail-row' }, el('dt', {}, label), el('dd', {}, value || none()));
  }

  function code(text) {
    return text ? el('code', { class: 'code' }, text) : null;
  }

  function teamChips(teams) {
    if (!teams.length) return null;
    return el('ul', { class: 'chips' }, teams.map((team) => el('li', { class: 'chip' }, team)));
  }

  function teamLabel(teamId) {
    const name = list.teams.get(teamId);
    return name && name !== teamId ? `${name} (${teamId})` : teamId;
  }

  function renderDetail(event) {
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
        detailRow('Teams', teamChips((event.teams || []).map(teamLabel))),
        detailRow('Commit', code(event.commitSha), true),
        detailRow('Event ID', code(event.id), true),
      ),
      el('h3', { class: 'detail-heading' }, 'Links'),
      linkList(event.links, 'detail-links'),
      el('h3', { class: 'detail-heading' }, 'Custom details'),
      details ? el('pre', { class: 'json' }, el('code', {}, JSON.stringify(details, null, 2))) : el('p', { class: 'muted' }, 'None'),
    );
  }

  /* ---------- an alert's enrichment ---------- */

  function scopeInWords(enrichment, teamNames) {
    if (enrichment.scope === 'TEAM') return `Claimed by ${teamNames.length === 1 ? 'team' : 'teams'} ${teamNames.join(', ')}`;
    if (enrichment.scope === 'ACCOUNT') return 'Account-wide, time-based';
    return String(enrichment.scope);
  }

  function startAlertView(alertId) {
    const runningGeneration = generation;
    showView('alert');
    document.title = `Alert ${alertId} · Deployment events`;
    byId('alert-title').replaceChildren('Alert ', el('code', { class: 'code code-title' }, alertId));
    byId('alert-content').hidden = true;
    setStateBox(byId('alert-state'), 'loading', el('p', { class: 'spinner-text' }, `Loading the enrichment of alert ${alertId}…`));
    fetchEnrichment(alertId, runningGeneration, null);
  }

  async function fetchEnrichment(alertId, runningGeneration, shownCorrelatedAt) {
    let correlatedAt = shownCorrelatedAt;
    let delay = ALERT_REFRESH_MS;
    try {
      const enrichment = await apiGet(`/api/alerts/${encodeURIComponent(alertId)}/deployments`);
      if (runningGeneration !== generation) return;
      if (enrichment.correlatedAt !== shownCorrelatedAt) renderEnrichment(enrichment);
      correlatedAt = enrichment.correlatedAt;
      markRefreshed('Checked');
    } catch (error) {
      if (runningGeneration !== generation || handleTokenRejected(error)) return;
      if (correlatedAt) {
        markRefreshFailed(error.message);
      } else if (error.status === 404) {
        delay = ALERT_RETRY_MS;
        setStateBox(
          byId('alert-state'),
          'pending',
          el('h2', {}, 'Not correlated yet'),
          el('p', {}, `Alert ${alertId} has not been correlated yet.`),
          el(
            'p',
            { class: 'muted' },
            `It is enriched a moment after it arrives (POST /api/alerts or an “Alert Created” event). Checking again every ${
              ALERT_RETRY_MS / 1000
            } s; this page updates by itself.`,
          ),
        );
        markRefreshed('Checked');
      } else {
        delay = POLL_INTERVAL_MS;
        setStateBox(
          byId('alert-state'),
          'error',
          el('h2', {}, 'Could not load this alert’s enrichment'),
          el('p', {}, error.message),
          el('p', { class: 'muted' }, `Trying again every ${POLL_INTERVAL_MS / 1000} s.`),
        );
        markRefreshFailed(error.message);
      }
    }
    refreshRelativeTimes();
    later(() => fetchEnrichment(alertId, runningGeneration, correlatedAt), delay);
  }

  function renderEnrichment(enrichment) {
    const teams = (enrichment.claimingTeams || []).map((team) => team.name || team.id);
    const explanation =
      enrichment.scope === 'TEAM'
        ? 'Teams of this alert own deployment pipelines, so only those teams’ deployments count.'
        : 'No team of this alert owns a deployment pipeline, so every deployment of the account in the window counts.';
    const window = enrichment.window || {};
    byId('alert-facts').replaceChildren(
      detailRow(
        'Scope',
        el('div', {}, el('strong', { class: 'scope' }, scopeInWords(enrichment, teams)), el('p', { class: 'muted fact-note' }, explanation)),
      ),
      detailRow('Claiming teams', teams.length ? teamChips(teams) : el('span', { class: 'muted' }, 'None')),
      detailRow(
        'Window',
        el(
          'div',
          {},
          el('span', {}, absoluteTime(window.from)),
          el('span', { class: 'muted' }, ' → '),
          el('span', {}, absoluteTime(window.until)),
          el('span', { class: 'muted' }, ` (${duration(window.from, window.until)})`),
        ),
      ),
      detailRow('Correlated', timeElement(enrichment.correlatedAt)),
    );
    const deployments = enrichment.deployments || [];
    byId('alert-deployments-title').textContent = `Related deployments (${deployments.length})`;
    byId('alert-deployments').replaceChildren(
      ...(deployments.length
        ? deployments.map(deploymentCard)
        : [
            el(
              'li',
              { class: 'card state-box state-empty' },
              enrichment.scope === 'TEAM'
                ? 'The claiming teams deployed nothing in this window, so nothing is related to this alert.'
                : 'Nothing was deployed in this window.',
            ),
          ]),
    );
    byId('alert-state').hidden = true;
    byId('alert-content').hidden = false;
  }

  function deploymentCard(deployment) {
    const score = Number(deployment.score);
    const pipeline = deployment.pipeline || {};
    return el(
      'li',
      { class: 'card deployment', 'data-deployment-id': deployment.id },
      el(
        'div',
        { class: 'deployment-header' },
        el('h3', { class: 'deployment-summary' }, deployment.summary),
        el(
          'div',
          { class: 'score', title: 'How strongly this deployment relates to the alert, from 0 to 1' },
          el('span', { class: 'score-label' }, 'Score'),
          el('span', { class: 'score-value' }, Number.isFinite(score) ? score.toFixed(2) : '—'),
          el('meter', { class: 'score-meter', min: 0, max: 1, value: Number.isFinite(score) ? score : 0, 'aria-label': 'Score' }),
        ),
      ),
      el(
        'div',
        { class: 'deployment-meta' },
        el('span', { class: 'pipeline-name' }, pipeline.name || pipeline.id),
        integrationTag(pipeline.integrationType),
        kindBadge(deployment.kind),
        deployment.status ? statusBadge(deployment.status) : null,
        deployment.environment ? el('span', { class: 'meta-item' }, deployment.environment) : null,
        deployment.version ? el('span', { class: 'meta-item' }, deployment.version) : null,
        timeElement(deployment.timestamp),
      ),
      el('p', { class: 'reason' }, el('span', { class: 'reason-label' }, 'Why: '), deployment.reason),
      el(
        'div',
        { class: 'deployment-footer' },
        Array.isArray(deployment.links) && deployment.links.length ? linkList(deployment.links, 'row-links') : null,
        el('a', { class: 'event-link', href: `/?event=${encodeURIComponent(deployment.id)}` }, 'Open the event'),
      ),
    );
  }

  /* ---------- routing and wiring ---------- */

  function route() {
    stopBackgroundWork();
    closeDialog();
    if (!tokenStore.get()) {
      requireToken('');
      return;
    }
    byId('forget-token').hidden = false;
    byId('refresh-status').hidden = true;
    const params = new URLSearchParams(location.search);
    const alertId = (params.get('alert') || '').trim();
    if (alertId) startAlertView(alertId);
    else startListView(params);
  }

  function wire() {
    byId('token-form').addEventListener('submit', (submit) => {
      submit.preventDefault();
      const input = byId('token-input');
      const token = input.value.trim();
      if (!token) {
        byId('token-input-error').hidden = false;
        input.setAttribute('aria-describedby', 'token-input-error');
        input.focus();
        return;
      }
      tokenStore.set(token);
      input.value = '';
      route();
    });
    byId('forget-token').addEventListener('click', () => {
      tokenStore.forget();
      requireToken('The token was forgotten in this tab. Enter it again to continue.', 'info');
    });
    byId('filters').addEventListener('submit', (submit) => submit.preventDefault());
    byId('filters').addEventListener('change', () => applyFilters(filtersFromControls()));
    byId('clear-filters').addEventListener('click', () => applyFilters({ pipeline: '', team: '', from: '', until: '' }));
    byId('list-state').addEventListener('click', (click) => {
      if (click.target.closest('[data-action="clear-filters"]')) applyFilters({ pipeline: '', team: '', from: '', until: '' });
    });
    byId('load-more').addEventListener('click', loadMore);
    byId('event-dialog-close').addEventListener('click', closeDialog);
    dialog.addEventListener('click', (click) => {
      if (click.target === dialog) closeDialog();
    });
    dialog.addEventListener('close', () => {
      if (shownEventId !== null && !views.list.hidden) setEventInUrl(null);
      shownEventId = null;
    });
    window.addEventListener('popstate', route);
    window.addEventListener('hashchange', () => {
      if (takeTokenFromFragment()) route();
    });
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && list.pollWaiting && !views.list.hidden) {
        list.pollWaiting = false;
        refreshList(generation);
      }
    });
  }

  takeTokenFromFragment();
  wire();
  route();
})();
