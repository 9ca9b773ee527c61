/*
 * The overview's tools for the "why" questions (§16) and its alert sources (§11):
 * a pipeline's recent deliveries, a preview of what an alert would be enriched with, and the list
 * of alert sources. Each is a <details> panel below the list, loaded when it is opened.
 */

import { apiGet, apiPost, handleTokenRejected } from './api.js';
import { directory, loadDirectory } from './directory.js';
import { byId, el } from './dom.js';
import { teamChips, timeElement } from './format.js';
import { integrationLabel } from './labels.js';
import { viewSignal } from './page.js';

const PREVIEW_FORMATS = ['ALERTMANAGER', 'GRAFANA', 'PAGERDUTY', 'ILERT'];
const panelRequests = new Map();

/** A panel's next request aborts its previous one, so that a slow answer never replaces a newer one. */
function panelSignal(panel) {
  panelRequests.get(panel)?.abort();
  const request = new AbortController();
  panelRequests.set(panel, request);
  return request.signal;
}

function failed(box, error, signal) {
  if (signal.aborted || handleTokenRejected(error)) return;
  box.replaceChildren(el('p', { class: 'notice notice-error' }, error.message));
}

async function showSources() {
  const box = byId('sources-body');
  const signal = panelSignal('sources');
  try {
    const sources = await apiGet('/api/alert-sources?max-results=50', signal);
    if (!sources.length) {
      box.replaceChildren(el('p', { class: 'muted' }, 'No alert source yet: create one with POST /api/alert-sources.'));
      return;
    }
    box.replaceChildren(
      el(
        'ul',
        { class: 'source-list' },
        ...sources.map((source) =>
          el(
            'li',
            { class: 'source', 'data-source-id': source.id },
            el('strong', {}, source.name),
            ` · ${integrationLabel(source.integrationType)}`,
            source.teams.length ? teamChips(source.teams.map((team) => team.name || team.id)) : '',
            el(
              'code',
              { class: 'code' },
              `${location.origin}/api/v1/alerts/${source.integrationType.toLowerCase()}/…${source.integrationKeyHint}`,
            ),
            source.notifications.length
              ? el('span', { class: 'muted' }, ` · notifies ${source.notifications.map((n) => n.type).join(', ')}`)
              : '',
          ),
        ),
      ),
    );
  } catch (error) {
    failed(box, error, signal);
  }
}

/** The chosen pipeline as the deliveries' caption names it: its name and what sends to it, or its id alone. */
async function pipelineTitle(pipelineId) {
  if (!directory.loaded) await loadDirectory().catch(() => null);
  const pipeline = directory.pipelines.get(pipelineId);
  return pipeline ? `${pipeline.name} (${integrationLabel(pipeline.integrationType)})` : pipelineId;
}

/** The deliveries of the list's pipeline; they belong to the list view, so a new view aborts their reading. */
async function showDeliveries(cursor) {
  const box = byId('deliveries-body');
  const pipeline = byId('filter-pipeline').value;
  if (!pipeline) {
    box.replaceChildren(el('p', { class: 'muted' }, 'Choose a pipeline above to see what became of its deliveries.'));
    return;
  }
  const signal = AbortSignal.any([viewSignal(), panelSignal('deliveries')]);
  try {
    const query = `max-results=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const path = `/api/deployment-pipelines/${encodeURIComponent(pipeline)}/deliveries?${query}`;
    const [page, title] = await Promise.all([apiGet(path, signal), pipelineTitle(pipeline)]);
    const rows = page.items.map((entry) =>
      el(
        'tr',
        { class: `delivery delivery-${entry.outcome}` },
        el('td', {}, timeElement(entry.receivedAt)),
        el('td', {}, String(entry.status)),
        el('td', { class: 'delivery-outcome' }, entry.outcome),
        el('td', {}, entry.reason || ''),
        el('td', {}, entry.eventType || ''),
        el('td', {}, entry.deliveryId || ''),
        el('td', {}, entry.eventId ? el('code', { class: 'code' }, entry.eventId) : ''),
        el('td', {}, `${entry.bytes} B`),
      ),
    );
    if (!cursor && !rows.length) {
      box.replaceChildren(el('p', { class: 'muted' }, 'No delivery in the last 7 days.'));
      return;
    }
    const table = cursor ? box.querySelector('tbody') : el('tbody', {});
    table.append(...rows);
    const more = page.nextCursor
      ? el('button', { class: 'button', type: 'button', id: 'deliveries-more' }, 'Load more')
      : '';
    if (more) more.addEventListener('click', () => showDeliveries(page.nextCursor));
    if (!cursor) {
      const head = ['Received', 'HTTP', 'Outcome', 'Why', 'Event', 'Delivery id', 'Event id', 'Size'];
      box.replaceChildren(
        el(
          'table',
          { class: 'deliveries' },
          el('caption', { class: 'deliveries-caption' }, `Deliveries to ${title}, newest first`),
          el('thead', {}, el('tr', {}, ...head.map((name) => el('th', { scope: 'col' }, name)))),
          table,
        ),
      );
    }
    byId('deliveries-more')?.remove();
    if (more) box.append(more);
  } catch (error) {
    failed(box, error, signal);
  }
}

/** The list view calls this when it starts: the deliveries panel, when open, follows the view's pipeline. */
export function refreshDeliveries() {
  if (byId('deliveries-panel').open) showDeliveries(null);
}

function exampleAlert() {
  return JSON.stringify(
    {
      id: 'what-if',
      summary: 'Checkout error rate above 5%',
      reportTime: new Date().toISOString(),
      alertSource: { teams: [{ id: 'payments' }] },
      labels: { service: 'shop' },
    },
    null,
    2,
  );
}

async function preview(submit) {
  submit.preventDefault();
  const box = byId('preview-result');
  const type = byId('preview-type').value;
  const signal = panelSignal('preview');
  let body;
  try {
    body = JSON.parse(byId('preview-body').value);
  } catch {
    box.replaceChildren(el('p', { class: 'notice notice-error' }, 'The alert is not valid JSON.'));
    return;
  }
  try {
    const path = `/api/alerts/preview${type ? `?type=${type}` : ''}`;
    const enrichment = await apiPost(path, JSON.stringify(body), signal);
    const teams = enrichment.claimingTeams.map((team) => team.name || team.id);
    box.replaceChildren(
      el('p', { class: 'muted' }, 'Nothing was stored, published or sent.'),
      el(
        'p',
        { class: 'preview-scope' },
        `Scope ${enrichment.scope}${teams.length ? `, claimed by ${teams.join(', ')}` : ''}`,
      ),
      enrichment.deployments.length
        ? el(
            'ol',
            { class: 'preview-deployments' },
            ...enrichment.deployments.map((deployment) =>
              el(
                'li',
                { class: 'preview-deployment' },
                el('strong', {}, deployment.summary),
                el('span', { class: 'muted' }, ` · ${Number(deployment.score).toFixed(2)}`),
                el('p', { class: 'reason' }, deployment.reason),
              ),
            ),
          )
        : el('p', {}, 'No deployment would attach to this alert now.'),
    );
  } catch (error) {
    failed(box, error, signal);
  }
}

export function wireTools() {
  byId('sources-panel').addEventListener('toggle', (event) => {
    if (event.target.open) showSources();
  });
  byId('deliveries-panel').addEventListener('toggle', (event) => {
    if (event.target.open) showDeliveries(null);
  });
  byId('preview-type').append(
    ...PREVIEW_FORMATS.map((type) => el('option', { value: type.toLowerCase() }, integrationLabel(type))),
  );
  byId('preview-body').value = exampleAlert();
  byId('preview-form').addEventListener('submit', preview);
}
