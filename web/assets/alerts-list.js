/*
 * The Alerts view (§18): the newest alerts for the filters in the address (team, service, source, likely),
 * polled for new ones as the overview is, "Load more", and each row linking to the alert's view.
 */

import { apiGet, handleTokenRejected } from './api.js';
import { byId, el, none, setStateBox } from './dom.js';
import { parseTime, refreshRelativeTimes, teamChips, timeElement } from './format.js';
import { later, markRefreshed, markRefreshFailed, POLL_INTERVAL_MS, showView, viewSignal, views } from './page.js';

const PAGE_SIZE = 50;
const FILTER_NAMES = ['team', 'service', 'source', 'likely'];
const NO_FILTERS = Object.freeze({ team: '', service: '', source: '', likely: '' });

const alerts = { filters: NO_FILTERS, entries: new Map(), nextCursor: null, loaded: false, pollWaiting: false };

function filtersFromAddress(params) {
  return {
    team: (params.get('team') || '').trim(),
    service: (params.get('service') || '').trim(),
    source: (params.get('source') || '').trim(),
    likely: params.get('likely') === 'true' ? 'true' : '',
  };
}

function filtersFromControls() {
  return {
    team: byId('alerts-team').value.trim(),
    service: byId('alerts-service').value.trim(),
    source: byId('alerts-source').value.trim(),
    likely: byId('alerts-likely').checked ? 'true' : '',
  };
}

function filterQuery(filters) {
  const query = new URLSearchParams();
  for (const name of FILTER_NAMES) if (filters[name]) query.set(name, filters[name]);
  return query;
}

/** The view's own address: a filtered list is a link to share. */
function alertsUrl(filters) {
  const query = filterQuery(filters);
  return `/?view=alerts${query.size ? `&${query}` : ''}`;
}

function alertsPath(cursor) {
  const query = filterQuery(alerts.filters);
  query.set('max-results', String(PAGE_SIZE));
  if (cursor) query.set('cursor', cursor);
  return `/api/alerts?${query}`;
}

/** The alert's view; an alert is namespaced by the source it came through (§22). */
export function alertHref(alert) {
  const query = new URLSearchParams({ alert: alert.alertId });
  if (alert.source?.id) query.set('source', alert.source.id);
  return `/?${query}`;
}

function entryKey(alert) {
  return `${alert.source?.id ?? ''}#${alert.alertId}`;
}

function cell(className, label, ...content) {
  return el('td', { class: className, 'data-label': label }, ...content);
}

function causeCell(alert) {
  if (alert.likelyCause) {
    const percent = `${Math.round(alert.likelyCause.score * 100)}%`;
    return cell(
      'cell-cause',
      'Likely cause',
      el('span', { class: 'badge badge-likely' }, percent),
      ' ',
      alert.likelyCause.summary,
    );
  }
  const text = alert.ambiguous ? 'Ambiguous: several changes alike' : 'No change stands out';
  return cell('cell-cause is-empty-cause', 'Likely cause', el('span', { class: 'muted' }, text));
}

function alertRow(alert) {
  const teams = (alert.claimingTeams || []).map((team) => team.name || team.id);
  return el(
    'tr',
    { class: 'event-row alert-row', 'data-alert-key': entryKey(alert) },
    cell(
      'cell-summary',
      'Alert',
      el(
        'div',
        { class: 'summary-line' },
        el('a', { class: 'alert-link', href: alertHref(alert) }, alert.summary || alert.alertId),
      ),
      el('div', { class: 'summary-context' }, alert.alertId),
    ),
    cell('cell-source', 'Source', alert.source?.name || alert.source?.id || none()),
    causeCell(alert),
    cell('cell-teams', 'Teams', teams.length ? teamChips(teams) : el('span', { class: 'muted' }, alert.scope)),
    cell('cell-counts', 'Changes', `${alert.deployments} changes · ${alert.verdicts} verdicts`),
    cell('cell-created', 'Reported', timeElement(alert.reportTime)),
  );
}

/** Puts an alert at its place by time, or replaces its row when its enrichment changed. */
function placeAlert(alert, markNew) {
  const key = entryKey(alert);
  const known = alerts.entries.get(key);
  if (known && JSON.stringify(known.alert) === JSON.stringify(alert)) return;
  const row = alertRow(alert);
  const entry = { alert, row, time: parseTime(alert.reportTime)?.getTime() ?? 0 };
  known?.row.remove();
  const body = byId('alerts-body');
  const next = [...body.children].find((candidate) => {
    const other = alerts.entries.get(candidate.getAttribute('data-alert-key'));
    return other && other.time < entry.time;
  });
  body.insertBefore(row, next || null);
  alerts.entries.set(key, entry);
  if (markNew) row.classList.add('is-new');
}

function showAlertsState() {
  const count = alerts.entries.size;
  byId('alerts-more').hidden = !alerts.nextCursor;
  byId('alerts-panel').hidden = count === 0;
  if (count === 0) {
    const filtered = FILTER_NAMES.some((name) => alerts.filters[name]);
    setStateBox(
      byId('alerts-state'),
      'empty',
      el('h2', {}, filtered ? 'No alerts for these filters' : 'No alerts yet'),
      el('p', {}, 'Alerts appear here once they are correlated with the deployments before them.'),
    );
    byId('alerts-count').textContent = '';
    return;
  }
  byId('alerts-state').hidden = true;
  byId('alerts-count').textContent = `${count} ${count === 1 ? 'alert' : 'alerts'} shown, newest first`;
}

async function refreshAlerts(signal) {
  if (document.hidden && alerts.loaded) {
    alerts.pollWaiting = true;
    return;
  }
  try {
    const page = await apiGet(alertsPath(null), signal);
    const items = Array.isArray(page.items) ? page.items : [];
    if (!alerts.loaded) alerts.nextCursor = page.nextCursor || null;
    for (const alert of items) placeAlert(alert, alerts.loaded);
    alerts.loaded = true;
    showAlertsState();
    markRefreshed('Live · updated');
  } catch (error) {
    if (signal.aborted || handleTokenRejected(error)) return;
    if (alerts.loaded) markRefreshFailed(error.message);
    else setStateBox(byId('alerts-state'), 'error', el('h2', {}, 'Could not load alerts'), el('p', {}, error.message));
  }
  refreshRelativeTimes();
  later(() => refreshAlerts(signal), POLL_INTERVAL_MS, signal);
}

async function loadMore() {
  if (!alerts.nextCursor) return;
  const signal = viewSignal();
  const button = byId('alerts-more');
  button.disabled = true;
  try {
    const page = await apiGet(alertsPath(alerts.nextCursor), signal);
    alerts.nextCursor = page.nextCursor || null;
    for (const alert of page.items || []) placeAlert(alert, false);
    showAlertsState();
  } catch (error) {
    if (!signal.aborted && !handleTokenRejected(error)) markRefreshFailed(error.message);
  } finally {
    button.disabled = false;
  }
}

export function startAlertsView(params) {
  const signal = viewSignal();
  alerts.filters = filtersFromAddress(params);
  alerts.entries = new Map();
  alerts.nextCursor = null;
  alerts.loaded = false;
  alerts.pollWaiting = false;
  showView('alerts');
  document.title = 'Alerts · Deployment events';
  byId('alerts-body').replaceChildren();
  byId('alerts-team').value = alerts.filters.team;
  byId('alerts-service').value = alerts.filters.service;
  byId('alerts-source').value = alerts.filters.source;
  byId('alerts-likely').checked = alerts.filters.likely === 'true';
  setStateBox(byId('alerts-state'), 'loading', el('p', { class: 'spinner-text' }, 'Loading alerts…'));
  refreshAlerts(signal);
}

/** `route` shows the page for the current address: the filters change the address, then call it. */
export function wireAlertsList(route) {
  byId('alerts-filters').addEventListener('submit', (submit) => submit.preventDefault());
  byId('alerts-filters').addEventListener('change', () => {
    history.pushState(null, '', alertsUrl(filtersFromControls()));
    route();
  });
  byId('alerts-more').addEventListener('click', loadMore);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && alerts.pollWaiting && !views.alerts.hidden) {
      alerts.pollWaiting = false;
      refreshAlerts(viewSignal());
    }
  });
}
