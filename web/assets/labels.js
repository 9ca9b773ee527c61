/*
 * What every integration type is called on the page: the pipelines' senders (§2, §15, §20) and the
 * alert sources' systems (§11), and what each kind of change is called (§3, §20). Every place that
 * shows a type or a kind reads it here.
 */

export const INTEGRATION_LABELS = Object.freeze({
  API: 'API',
  GITHUB: 'GitHub',
  GITLAB: 'GitLab',
  ARGOCD: 'Argo CD',
  PAGERDUTY_CHANGE: 'PagerDuty Change Events',
  AWS: 'AWS deployments',
  LAUNCHDARKLY: 'LaunchDarkly',
  UNLEASH: 'Unleash',
  TERRAFORM: 'HCP Terraform',
  CDEVENTS: 'CDEvents',
  FLUX: 'Flux',
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

/** Each kind of change as its badge names it; a flag change and an infrastructure apply (§20) say what they are. */
export const KIND_LABELS = Object.freeze({
  deployment: 'deployment',
  release: 'release',
  merge: 'merge',
  push: 'push',
  workflow: 'workflow',
  custom: 'custom',
  flag: 'feature flag',
  infra: 'infrastructure',
});

export function kindLabel(kind) {
  return KIND_LABELS[kind] || kind;
}

/** How a failed change (§19) was found out, as its badge and its detail line say it. */
export const FAILURE_LABELS = Object.freeze({
  ROLLBACK: { badge: 'rolled back', verb: 'rolled back by' },
  REVERT: { badge: 'reverted', verb: 'reverted by' },
  HOTFIX: { badge: 'hotfixed', verb: 'hotfixed by' },
  EXPLICIT: { badge: 'fixed', verb: 'fixed by' },
  VERDICT: { badge: 'caused an alert', verb: 'confirmed as the cause of an alert' },
});

/** A detection this page does not know yet (a newer server) still shows that the change failed. */
export function failureLabel(detectedBy) {
  return FAILURE_LABELS[detectedBy] || { badge: 'failed', verb: 'remediated by' };
}
