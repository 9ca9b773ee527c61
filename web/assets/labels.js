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
  ALERTMANAGER: 'Alertmanager',
  GRAFANA: 'Grafana',
  PAGERDUTY: 'PagerDuty',
  ILERT: 'ilert',
  GENERIC: 'Generic',
  CLOUDWATCH: 'CloudWatch alarm',
});

/** Where a pipeline's changes are forwarded (§21). */
export const FORWARDER_LABELS = Object.freeze({
  GRAFANA_ANNOTATION: 'Grafana annotation',
  PAGERDUTY_CHANGE: 'PagerDuty change event',
  ILERT_DEPLOYMENT: 'ilert deployment event',
  DATADOG_EVENT: 'Datadog event',
  WEBHOOK: 'Webhook',
});

/** A type this page does not know yet (a newer server) shows as the API names it. */
export function integrationLabel(type) {
  return INTEGRATION_LABELS[type] || type;
}
