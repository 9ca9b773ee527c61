/* The list's filters: read from the address and the controls, written back to both, and sent to the API. */

import { directory } from './directory.js';
import { byId, el } from './dom.js';
import { dayBound, validDay } from './format.js';
import { integrationLabel } from './labels.js';

const FILTER_NAMES = ['pipeline', 'team', 'from', 'until'];
export const NO_FILTERS = Object.freeze({ pipeline: '', team: '', from: '', until: '' });

export function filtersFromAddress(params) {
  return {
    pipeline: params.get('pipeline') || '',
    team: params.get('team') || '',
    from: validDay(params.get('from')),
    until: validDay(params.get('until')),
  };
}

export function filtersFromControls() {
  return {
    pipeline: byId('filter-pipeline').value,
    team: byId('filter-team').value,
    from: validDay(byId('filter-from').value),
    until: validDay(byId('filter-until').value),
  };
}

export function hasFilters(filters) {
  return FILTER_NAMES.some((name) => Boolean(filters[name]));
}

/** The page's own address for a filtered view, so that it can be shared. */
export function listUrl(filters) {
  const query = new URLSearchParams();
  for (const name of FILTER_NAMES) if (filters[name]) query.set(name, filters[name]);
  const text = query.toString();
  return text ? `/?${text}` : '/';
}

/** Filters as the API takes them: dates become the first and last instant of those days. */
export function apiQuery(filters) {
  const query = new URLSearchParams();
  if (filters.pipeline) query.set('pipeline', filters.pipeline);
  if (filters.team) query.set('team', filters.team);
  if (filters.from) query.set('from', dayBound(filters.from, false).toISOString());
  if (filters.until) query.set('until', dayBound(filters.until, true).toISOString());
  return query;
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

/** The controls show these filters, with every pipeline and team the directory knows as choices. */
export function fillFilterControls(filters) {
  const pipelines = [...directory.pipelines.values()].map((pipeline) => ({
    value: pipeline.id,
    label: `${pipeline.name} (${integrationLabel(pipeline.integrationType)})`,
  }));
  const teams = [...directory.teams.entries()].map(([id, name]) => ({ value: id, label: name || id }));
  fillSelect(byId('filter-pipeline'), 'All pipelines', pipelines, filters.pipeline);
  fillSelect(byId('filter-team'), 'All teams', teams, filters.team);
  byId('filter-from').value = filters.from;
  byId('filter-until').value = filters.until;
  byId('clear-filters').hidden = !hasFilters(filters);
}
