/* §19's marks on a change: the badge a failed change wears in its row, and the lines its details show. */

import { el } from './dom.js';
import { failureLabel } from './labels.js';

function eventLink(eventId) {
  return el('a', { class: 'event-link', href: `/?event=${encodeURIComponent(eventId)}` }, eventId.slice(0, 8));
}

function minutesText(minutes) {
  if (minutes < 90) return `${Math.round(minutes)} minute${Math.round(minutes) === 1 ? '' : 's'}`;
  const hours = minutes / 60;
  return hours < 48 ? `${Math.round(hours)} hours` : `${Math.round(hours / 24)} days`;
}

/** The row's badge of a failed change, or nothing. */
export function failureBadge(event) {
  if (!event.failure) return null;
  return el('span', { class: 'badge failure-badge' }, failureLabel(event.failure.detectedBy).badge);
}

/** "rolled back by <link> after 12 minutes", "remediates <link>": nothing for a change with neither. */
export function failureLines(event) {
  const lines = [];
  const failure = event.failure;
  if (failure) {
    const by = failure.remediatedBy ? [' ', eventLink(failure.remediatedBy)] : [];
    const after = failure.recoveryMinutes != null ? ` after ${minutesText(failure.recoveryMinutes)}` : '';
    lines.push(el('p', { class: 'failure-line' }, failureLabel(failure.detectedBy).verb, ...by, after));
  }
  if (event.remediates) lines.push(el('p', { class: 'remediates-line' }, 'remediates ', eventLink(event.remediates)));
  return lines;
}
