/*
 * An alert's changes as §17 judges them: the likely cause first, or why no change stands out; the
 * other changes with their score, confidence and evidence; unlikely ones folded; changes after the
 * alert apart, since they are most often the response to it, never its cause. With `onVerdict`, each
 * change has §18's verdict buttons; a confirmed change carries a badge, one ruled out is struck through.
 */

import { el } from './dom.js';
import { integrationTag, kindBadge, linkList, statusBadge, timeElement } from './format.js';

const LIKELY = 0.5;
const POSSIBLE = 0.15;
const CONFIDENCE_TITLES = {
  likely: 'Likely: a score of 50% or more',
  possible: 'Possible: a score of 15% or more',
  unlikely: 'Unlikely: a score under 15%',
};

/** The change's confidence; an enrichment stored before §17 has none, so its score decides. */
export function confidenceOf(deployment) {
  if (deployment.confidence) return deployment.confidence;
  const score = Number(deployment.score);
  if (score >= LIKELY) return 'likely';
  return score >= POSSIBLE ? 'possible' : 'unlikely';
}

function percent(score) {
  return Number.isFinite(score) ? `${Math.round(score * 100)}%` : '—';
}

function scoreBox(deployment) {
  const score = Number(deployment.score);
  const confidence = confidenceOf(deployment);
  return el(
    'div',
    { class: 'score', title: 'The estimated probability that this change caused the alert' },
    el('span', { class: 'score-value' }, percent(score)),
    el(
      'span',
      { class: `badge confidence confidence-${confidence}`, title: CONFIDENCE_TITLES[confidence] },
      confidence,
    ),
    el('meter', {
      class: 'score-meter',
      min: 0,
      max: 1,
      value: Number.isFinite(score) ? score : 0,
      'aria-label': 'Score',
    }),
  );
}

/** The evidence as a short list: a + for what speaks for the change, a − for what speaks against it. */
function evidenceList(evidence) {
  if (!Array.isArray(evidence) || evidence.length === 0) return null;
  return el(
    'ul',
    { class: 'evidence', 'aria-label': 'Evidence' },
    evidence.map((item) => {
      const favours = Number(item.weight) >= 0;
      return el(
        'li',
        { class: `evidence-item ${favours ? 'evidence-for' : 'evidence-against'}`, title: `Weight ${item.weight}` },
        el('span', { class: 'evidence-sign', 'aria-label': favours ? 'for' : 'against' }, favours ? '+' : '−'),
        el('code', { class: 'evidence-code' }, item.code),
        el('span', { class: 'evidence-text' }, item.text),
      );
    }),
  );
}

const VERDICT_CLASSES = { CAUSED: 'deployment-confirmed', NOT_RELATED: 'deployment-ruled-out' };

/** Who confirmed or ruled out the change (§18), or nothing without a verdict. */
function verdictBadge(verdict) {
  if (!verdict) return null;
  const confirmed = verdict.verdict === 'CAUSED';
  return el(
    'span',
    { class: `badge verdict-badge ${confirmed ? 'verdict-confirmed' : 'verdict-ruled-out'}` },
    `${confirmed ? 'confirmed' : 'ruled out'} by ${verdict.author}`,
  );
}

/** "Caused it", "Not related", and "Withdraw" once a verdict stands; `onVerdict(deployment, verdict | null, buttons)`. */
function verdictButtons(deployment, onVerdict) {
  if (!onVerdict || deployment.afterAlert) return null;
  const current = deployment.verdict?.verdict;
  const choices = [
    ['CAUSED', 'Caused it'],
    ['NOT_RELATED', 'Not related'],
  ].filter(([verdict]) => verdict !== current);
  if (current) choices.push([null, 'Withdraw']);
  const group = el('div', { class: 'verdict-buttons', role: 'group', 'aria-label': 'Verdict' });
  for (const [verdict, label] of choices) {
    const button = el(
      'button',
      { class: 'button verdict-button', type: 'button', 'data-verdict': verdict || 'WITHDRAW' },
      label,
    );
    button.addEventListener('click', () => onVerdict(deployment, verdict, group));
    group.append(button);
  }
  return group;
}

export function deploymentCard(deployment, extraClass = '', onVerdict = null) {
  const pipeline = deployment.pipeline || {};
  const verdictClass = VERDICT_CLASSES[deployment.verdict?.verdict] || '';
  return el(
    'li',
    {
      class: ['card deployment', extraClass, verdictClass].filter(Boolean).join(' '),
      'data-deployment-id': deployment.id,
    },
    el(
      'div',
      { class: 'deployment-header' },
      el('h3', { class: 'deployment-summary' }, deployment.summary),
      verdictBadge(deployment.verdict),
      scoreBox(deployment),
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
    evidenceList(deployment.evidence),
    el(
      'div',
      { class: 'deployment-footer' },
      Array.isArray(deployment.links) && deployment.links.length ? linkList(deployment.links, 'row-links') : null,
      verdictButtons(deployment, onVerdict),
      el('a', { class: 'event-link', href: `/?event=${encodeURIComponent(deployment.id)}` }, 'Open the event'),
    ),
  );
}

/** The sentence after the panel's heading, which says "No change stands out" already. */
function withoutHeading(sentence) {
  const rest = sentence.replace(/^No change stands out:\s*/, '');
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/** The likely cause, highlighted; or "No change stands out" with the enrichment's sentence. Old enrichments say neither. */
function verdictPanel(enrichment, cause, onVerdict) {
  if (cause) {
    const confirmed = cause.verdict?.verdict === 'CAUSED';
    return el(
      'section',
      { class: 'verdict verdict-likely', 'aria-labelledby': 'verdict-title' },
      el('h2', { id: 'verdict-title', class: 'section-title' }, confirmed ? 'Confirmed cause' : 'Likely cause'),
      el('ol', { class: 'deployment-list' }, deploymentCard(cause, 'deployment-cause', onVerdict)),
    );
  }
  if (!enrichment.noLikelyCause) return null;
  return el(
    'section',
    { class: 'card verdict verdict-none', role: 'status' },
    el('h2', { class: 'verdict-heading' }, 'No change stands out'),
    el('p', { class: 'verdict-sentence' }, withoutHeading(enrichment.noLikelyCause)),
  );
}

function emptyState(enrichment) {
  return el(
    'li',
    { class: 'card state-box state-empty' },
    enrichment.scope === 'TEAM'
      ? 'The claiming teams deployed nothing in this window, so nothing is related to this alert.'
      : 'Nothing was deployed in this window.',
  );
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The changes of an enrichment, sorted into what the page shows in turn. */
export function sortChanges(enrichment) {
  const deployments = enrichment.deployments || [];
  const cause = deployments.find((item) => item.id === enrichment.likelyCause && !item.afterAlert) || null;
  const ruledOut = (item) => item.verdict?.verdict === 'NOT_RELATED';
  const before = deployments.filter((item) => item !== cause && !item.afterAlert && !ruledOut(item));
  return {
    cause,
    shown: before.filter((item) => confidenceOf(item) !== 'unlikely'),
    unlikely: before.filter((item) => confidenceOf(item) === 'unlikely'),
    ruledOut: deployments.filter((item) => !item.afterAlert && ruledOut(item)),
    after: deployments.filter((item) => item.afterAlert),
  };
}

/** Every element of the alert's changes, in order: the verdict, the other changes, the folded unlikely ones, those after the alert. */
export function changeSections(enrichment, onVerdict = null) {
  const deployments = enrichment.deployments || [];
  const { cause, shown, unlikely, ruledOut, after } = sortChanges(enrichment);
  const sections = [verdictPanel(enrichment, cause, onVerdict)];
  if (deployments.length === 0) {
    sections.push(el('ol', { class: 'deployment-list' }, emptyState(enrichment)));
    return sections.filter(Boolean);
  }
  if (shown.length) {
    const title = cause ? 'Other possible changes' : 'Possible changes';
    sections.push(
      el('h2', { class: 'section-title' }, `${title} (${shown.length})`),
      el(
        'ol',
        { class: 'deployment-list changes-shown' },
        shown.map((item) => deploymentCard(item, '', onVerdict)),
      ),
    );
  }
  if (unlikely.length) {
    sections.push(
      el(
        'details',
        { class: 'unlikely-changes' },
        el('summary', {}, plural(unlikely.length, 'unlikely change')),
        el(
          'ol',
          { class: 'deployment-list' },
          unlikely.map((item) => deploymentCard(item, '', onVerdict)),
        ),
      ),
    );
  }
  if (ruledOut.length) {
    sections.push(
      el('h2', { class: 'section-title' }, `Ruled out by responders (${ruledOut.length})`),
      el(
        'ol',
        { class: 'deployment-list changes-ruled-out' },
        ruledOut.map((item) => deploymentCard(item, '', onVerdict)),
      ),
    );
  }
  if (after.length) {
    sections.push(
      el(
        'section',
        { class: 'after-alert', 'aria-labelledby': 'after-alert-title' },
        el('h2', { id: 'after-alert-title', class: 'section-title' }, `Changed after the alert (${after.length})`),
        el(
          'p',
          { class: 'muted' },
          'Most often a response to the alert, such as a rollback or a fix: never its cause.',
        ),
        el(
          'ol',
          { class: 'deployment-list' },
          after.map((item) => deploymentCard(item, 'deployment-after')),
        ),
      ),
    );
  }
  return sections.filter(Boolean);
}
