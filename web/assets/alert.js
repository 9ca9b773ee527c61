/* The `/?alert=<id>[&source=<alertSourceId>]` view: the deployments an alert was enriched with, and why
 * (the changes themselves: changes.js), with responders' verdict buttons (§18). Without a source it is the
 * alert of that id correlated last (§22). */

import { apiDelete, apiGet, apiPut, handleTokenRejected } from './api.js';
import { changeSections } from './changes.js';
import { byId, el, setStateBox } from './dom.js';
import { absoluteTime, detailRow, duration, refreshRelativeTimes, teamChips, timeElement } from './format.js';
import { integrationLabel } from './labels.js';
import { later, markRefreshed, markRefreshFailed, POLL_INTERVAL_MS, showView, viewSignal } from './page.js';

const ALERT_RETRY_MS = 3000;
const ALERT_REFRESH_MS = 15000;

function scopeInWords(enrichment, teamNames) {
  if (enrichment.scope === 'TEAM')
    return `Claimed by ${teamNames.length === 1 ? 'team' : 'teams'} ${teamNames.join(', ')}`;
  if (enrichment.scope === 'ACCOUNT') return 'Account-wide, time-based';
  return String(enrichment.scope);
}

/** The alert's summary is its title, its id beside it; until the summary is known (or without one), the id. */
function showTitle(alertId, summary) {
  const id = el('code', { class: summary ? 'code alert-id' : 'code code-title' }, alertId);
  byId('alert-title').replaceChildren(...(summary ? [el('span', {}, summary), ' ', id] : ['Alert ', id]));
  document.title = `${summary || `Alert ${alertId}`} · Deployment events`;
}

/** An alert route, under the alert's source when it is known (§22). */
function alertPath(alertId, source, tail) {
  const query = source ? `?source=${encodeURIComponent(source)}` : '';
  return `/api/alerts/${encodeURIComponent(alertId)}/${tail}${query}`;
}

/** What the page shows of an enrichment: a new correlation, or a verdict given or withdrawn, changes it. */
function shownVersion(enrichment) {
  const verdicts = (enrichment.deployments || []).map((item) => `${item.id}:${item.verdict?.verdict || ''}`);
  return `${enrichment.correlatedAt}|${verdicts.join(',')}`;
}

export function startAlertView(alertId, source) {
  const signal = viewSignal();
  showView('alert');
  showTitle(alertId, null);
  byId('alert-content').hidden = true;
  setStateBox(
    byId('alert-state'),
    'loading',
    el('p', { class: 'spinner-text' }, `Loading the enrichment of alert ${alertId}…`),
  );
  fetchEnrichment(alertId, source, signal, null);
}

async function fetchEnrichment(alertId, source, signal, previousVersion) {
  let version = previousVersion;
  let delay = ALERT_REFRESH_MS;
  try {
    const enrichment = await apiGet(alertPath(alertId, source, 'deployments'), signal);
    if (shownVersion(enrichment) !== previousVersion) renderEnrichment(enrichment, source);
    await showNotifications(alertId, source || enrichment.alert?.alertSource?.id, signal);
    version = shownVersion(enrichment);
    markRefreshed('Checked');
  } catch (error) {
    if (signal.aborted || handleTokenRejected(error)) return;
    if (version) {
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
  later(() => fetchEnrichment(alertId, source, signal, version), delay, signal);
}

/** Gives (or, with `verdict` null, withdraws) a verdict on a change, then shows the enrichment as it now stands. */
async function judge(enrichment, source, deployment, verdict, buttons) {
  const alertSource = source || enrichment.alert?.alertSource?.id;
  const path = alertPath(enrichment.alertId, alertSource, `deployments/${encodeURIComponent(deployment.id)}/verdict`);
  for (const button of buttons.querySelectorAll('button')) button.disabled = true;
  try {
    const judged = verdict
      ? await apiPut(path, { verdict })
      : await apiDelete(path).then(() => apiGet(alertPath(enrichment.alertId, alertSource, 'deployments')));
    renderEnrichment(judged, source);
    markRefreshed(verdict ? 'Verdict recorded' : 'Verdict withdrawn');
  } catch (error) {
    if (handleTokenRejected(error)) return;
    for (const button of buttons.querySelectorAll('button')) button.disabled = false;
    markRefreshFailed(`The verdict was not recorded: ${error.message}`);
  }
}

function renderEnrichment(enrichment, source) {
  showTitle(enrichment.alertId, enrichment.alert?.summary);
  const teams = (enrichment.claimingTeams || []).map((team) => team.name || team.id);
  const explanation =
    enrichment.scope === 'TEAM'
      ? 'Teams of this alert own deployment pipelines, so only those teams’ deployments count.'
      : 'No team of this alert owns a deployment pipeline, so every deployment of the account in the window counts.';
  const window = enrichment.window || {};
  byId('alert-facts').replaceChildren(
    detailRow(
      'Scope',
      el(
        'div',
        {},
        el('strong', { class: 'scope' }, scopeInWords(enrichment, teams)),
        el('p', { class: 'muted fact-note' }, explanation),
      ),
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
    ...alertOrigin(enrichment.alert),
    detailRow('Notifications', el('span', { id: 'alert-notifications', class: 'muted' }, 'Looking…')),
  );
  const onVerdict = (deployment, verdict, buttons) => judge(enrichment, source, deployment, verdict, buttons);
  byId('alert-changes').replaceChildren(...changeSections(enrichment, onVerdict));
  byId('alert-state').hidden = true;
  byId('alert-content').hidden = false;
}

// Where the alert came from and the labels it was matched with (absent from old enrichments).
function alertOrigin(alert) {
  if (!alert) return [];
  const source = alert.alertSource || {};
  const kind = source.integrationType ? integrationLabel(source.integrationType) : 'Alert';
  const labels = Object.entries(alert.labels || {});
  return [
    detailRow('Came from', el('span', { class: 'alert-origin' }, `${kind}${source.name ? ` · ${source.name}` : ''}`)),
    detailRow(
      'Matched labels',
      labels.length
        ? el(
            'ul',
            { class: 'chips alert-labels' },
            ...labels.map(([name, value]) => el('li', { class: 'chip-label' }, `${name}=${value}`)),
          )
        : el('span', { class: 'muted' }, 'None'),
    ),
  ];
}

const NOTIFICATION_WORDS = { delivered: 'Delivered', failed: 'Failed', pending: 'Pending' };

async function showNotifications(alertId, source, signal) {
  let notifications = [];
  try {
    notifications = await apiGet(alertPath(alertId, source, 'notifications'), signal);
  } catch (error) {
    if (signal.aborted || error.status !== 404) throw error;
  }
  const slot = byId('alert-notifications');
  if (!slot) return;
  if (!notifications.length) {
    slot.replaceChildren('No notifications recorded');
    return;
  }
  slot.className = '';
  slot.replaceChildren(
    el(
      'ul',
      { class: 'notifications' },
      ...notifications.map((item) =>
        el(
          'li',
          { class: `notification notification-${item.status}` },
          el('strong', {}, `${item.type} `),
          el('code', { class: 'code' }, item.target),
          ` · ${NOTIFICATION_WORDS[item.status] || item.status} after ${item.attempts} attempt${item.attempts === 1 ? '' : 's'}`,
          item.lastError ? el('span', { class: 'muted' }, ` · ${item.lastError}`) : '',
        ),
      ),
    ),
  );
}
