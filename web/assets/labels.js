/*
 * What every integration type is called on the page: the pipelines' senders (§2, §15) and the
 * alert sources' systems (§11). Every place that shows a type reads it here.
 */

export const INTEGRATION_LABELS = Object.freeze({
  API: 'API',
  GITHUB: 'GitHub',
  GITLAB: 'GitLab',
  ARGOCD: 'Argo CD',
  PAGERDUTY_CHANGE: 'PagerDuty Change Events',
  CDEVENTS: 'CDEvents',
  FLUX: 'Flux',
  ALERTMANAGER: 'Alertmanager',
  GRAFANA: 'Grafana',
  PAGERDUTY: 'PagerDuty',
  ILERT: 'ilert',
  GENERIC: 'Generic',
  CLOUDWATCH: 'CloudWatch alarm',
});

/** A type this page does not know yet (a newer server) shows as the API names it. */
export function integrationLabel(type) {
  return INTEGRATION_LABELS[type] || type;
}
