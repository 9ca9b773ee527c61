/*
 * The Delivery view (§19): DORA's five metrics of one service, team or pipeline, each with its band
 * and its weekly series drawn as a small inline SVG chart. The filters live in the address.
 */

import { apiGet, handleTokenRejected } from './api.js';
import { byId, el, setStateBox } from './dom.js';
import { showView, viewSignal } from './page.js';

const SCOPES = ['service', 'team', 'pipeline'];
const SVG = 'http://www.w3.org/2000/svg';
const CHART = { width: 240, height: 48, gap: 2 };

const METRICS = [
  { key: 'deploymentFrequency', title: 'Deployment frequency', format: perDay },
  { key: 'changeLeadTime', title: 'Change lead time', format: duration },
  { key: 'changeFailRate', title: 'Change fail rate', format: percent },
  { key: 'failedDeploymentRecoveryTime', title: 'Failed deployment recovery time', format: duration },
  { key: 'reworkRate', title: 'Rework rate', format: percent },
];

function perDay(value) {
  return value >= 1 ? `${value.toFixed(1)} a day` : `${(value * 7).toFixed(1)} a week`;
}

function duration(minutes) {
  if (minutes < 60) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return `${(minutes / 60).toFixed(1)} h`;
  return `${(minutes / 1440).toFixed(1)} days`;
}

function percent(value) {
  return `${(value * 100).toFixed(1)}%`;
}

function filtersFromAddress(params) {
  const scope = SCOPES.find((name) => (params.get(name) || '').trim()) || 'service';
  return {
    scope,
    name: (params.get(scope) || '').trim(),
    environment: (params.get('environment') || '').trim(),
    from: (params.get('from') || '').trim(),
    until: (params.get('until') || '').trim(),
  };
}

function filtersFromControls() {
  return {
    scope: byId('delivery-scope').value,
    name: byId('delivery-name').value.trim(),
    environment: byId('delivery-environment').value.trim(),
    from: byId('delivery-from').value,
    until: byId('delivery-until').value,
  };
}

function filterQuery(filters) {
  const query = new URLSearchParams();
  if (filters.name) query.set(filters.scope, filters.name);
  for (const name of ['environment', 'from', 'until']) if (filters[name]) query.set(name, filters[name]);
  return query;
}

/** A day chosen in the form is a whole UTC day: `until` runs to its end. */
function apiQuery(filters) {
  const query = filterQuery(filters);
  if (filters.from) query.set('from', `${filters.from}T00:00:00Z`);
  if (filters.until) query.set('until', `${filters.until}T23:59:59Z`);
  return query;
}

function svgNode(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

/** One bar per week; a week without a value is a dash on the baseline, not a zero. */
function weeklyChart(metric, title) {
  const series = metric.series || [];
  const values = series.map((point) => point.value);
  const highest = Math.max(0, ...values.filter((value) => typeof value === 'number'));
  const width = series.length ? (CHART.width - CHART.gap * (series.length - 1)) / series.length : CHART.width;
  const chart = svgNode('svg', {
    viewBox: `0 0 ${CHART.width} ${CHART.height}`,
    class: 'delivery-chart',
    role: 'img',
    'aria-label': `${title}, week by week`,
    preserveAspectRatio: 'none',
  });
  series.forEach((point, index) => {
    const x = index * (width + CHART.gap);
    const known = typeof point.value === 'number';
    const height = known && highest > 0 ? Math.max((point.value / highest) * (CHART.height - 4), 2) : 2;
    const bar = svgNode('rect', {
      x,
      y: CHART.height - height,
      width,
      height,
      class: known ? 'delivery-bar' : 'delivery-bar is-empty',
    });
    const label = svgNode('title', {});
    label.textContent = `Week of ${point.start.slice(0, 10)}: ${known ? point.value.toFixed(2) : 'no data'}`;
    bar.append(label);
    chart.append(bar);
  });
  return chart;
}

/** What the figure is made of: the deployments of how many days, or the samples of a median or rate. */
function basis(definition, metric) {
  if (definition.key === 'deploymentFrequency') return `${metric.numerator} deployments in ${metric.denominator} days`;
  return `${metric.numerator} of ${metric.denominator} · ${metric.method}`;
}

function figureCard(definition, metric) {
  const known = typeof metric.value === 'number';
  const band = metric.band
    ? el('span', { class: `badge band band-${metric.band}` }, metric.band)
    : el('span', { class: 'badge band band-none', title: metric.bandReason || metric.reason || '' }, 'no band');
  const extra =
    definition.key === 'deploymentFrequency' && typeof metric.medianHoursBetween === 'number'
      ? el('p', { class: 'muted' }, `Median ${duration(metric.medianHoursBetween * 60)} between deployments`)
      : null;
  return el(
    'article',
    { class: 'card delivery-card', 'data-metric': definition.key },
    el('h2', {}, definition.title),
    el(
      'p',
      { class: 'delivery-value' },
      el('span', { class: 'delivery-figure' }, known ? definition.format(metric.value) : 'No value'),
      ' ',
      band,
    ),
    el('p', { class: 'muted delivery-basis' }, known ? basis(definition, metric) : metric.reason || ''),
    extra,
    weeklyChart(metric, definition.title),
  );
}

function showReport(report) {
  const figures = byId('delivery-figures');
  figures.replaceChildren(...METRICS.map((definition) => figureCard(definition, report[definition.key] || {})));
  figures.hidden = false;
  byId('delivery-state').hidden = true;
  const from = report.from.slice(0, 10);
  const until = report.until.slice(0, 10);
  byId('delivery-summary').textContent =
    `${report.deployments} deployments in ${report.environment}, ${from} to ${until}, week by week`;
}

async function loadReport(filters, signal) {
  setStateBox(byId('delivery-state'), 'loading', el('p', { class: 'spinner-text' }, 'Measuring…'));
  try {
    showReport(await apiGet(`/api/insights/delivery?${apiQuery(filters)}`, signal));
  } catch (error) {
    if (signal.aborted || handleTokenRejected(error)) return;
    setStateBox(byId('delivery-state'), 'error', el('h2', {}, 'Could not measure'), el('p', {}, error.message));
  }
}

export function startDeliveryView(params) {
  const filters = filtersFromAddress(params);
  showView('delivery');
  document.title = 'Delivery · Deployment events';
  byId('delivery-scope').value = filters.scope;
  byId('delivery-name').value = filters.name;
  byId('delivery-environment').value = filters.environment;
  byId('delivery-from').value = filters.from;
  byId('delivery-until').value = filters.until;
  byId('delivery-figures').hidden = true;
  if (!filters.name) {
    setStateBox(
      byId('delivery-state'),
      'empty',
      el('h2', {}, 'Choose a service, a team or a pipeline'),
      el('p', {}, 'Its deployments of the last 30 days are measured as DORA measures delivery.'),
    );
    return;
  }
  loadReport(filters, viewSignal());
}

/** `route` shows the page for the current address: the filters change the address, then call it. */
export function wireDelivery(route) {
  byId('delivery-filters').addEventListener('submit', (submit) => submit.preventDefault());
  byId('delivery-filters').addEventListener('change', (change) => {
    const filters = filtersFromControls();
    if (!filters.name && change.target.id !== 'delivery-name') return;
    const query = filterQuery(filters);
    history.pushState(null, '', `/?view=delivery${query.size ? `&${query}` : ''}`);
    route();
  });
}
