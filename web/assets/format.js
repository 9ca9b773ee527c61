/* How values from the API look: badges, links and times, built as elements. */

import { el, none } from './dom.js';
import { integrationLabel, kindLabel } from './labels.js';

const STATUS_TONES = [
  ['success', /^(success|succeeded|successful|passed|ok|completed?|deployed|done|released|merged)$/],
  ['failure', /^(fail|failed|failure|error|errored|broken|crashed|timed[_ ]?out|rolled[_ ]?back)$/],
  ['pending', /^(pending|queued|in[_ ]progress|running|started|waiting|created|scheduled|preparing|manual)$/],
];

/** An anchor only for http(s) URLs: a javascript: or data: href in an event must never be clickable. */
function safeLink(link, className) {
  const href = typeof link.href === 'string' ? link.href.trim() : '';
  const text = link.text || href;
  let url = null;
  try {
    url = new URL(href);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return el('span', { class: className }, text);
  return el('a', { class: className, href: url.href, target: '_blank', rel: 'noopener noreferrer nofollow' }, text);
}

export function linkList(links, className) {
  if (!Array.isArray(links) || links.length === 0) return none();
  return el(
    'ul',
    { class: className },
    links.map((link) => el('li', {}, safeLink(link, 'external-link'))),
  );
}

export function statusBadge(status) {
  if (!status) return none();
  const normalised = String(status).toLowerCase();
  const tone = (STATUS_TONES.find(([, pattern]) => pattern.test(normalised)) || ['neutral'])[0];
  return el('span', { class: `badge status status-${tone}` }, status);
}

export function kindBadge(kind) {
  return el('span', { class: `badge kind kind-${kind}` }, kindLabel(kind));
}

export function integrationTag(type) {
  return el('span', { class: 'tag' }, integrationLabel(type));
}

const absoluteFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' });
export const clockFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

export function parseTime(text) {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function absoluteTime(text) {
  const date = parseTime(text);
  return date ? absoluteFormat.format(date) : String(text);
}

function relativeTime(text, now = Date.now()) {
  const date = parseTime(text);
  if (!date) return '';
  const seconds = Math.round((now - date.getTime()) / 1000);
  const distance = Math.abs(seconds);
  if (distance < 45) return seconds >= 0 ? 'just now' : 'in a few seconds';
  let amount;
  if (distance < 3600) amount = `${Math.max(1, Math.floor(distance / 60))} min`;
  else if (distance < 86400) amount = `${Math.floor(distance / 3600)} h`;
  else amount = `${Math.floor(distance / 86400)} d`;
  return seconds >= 0 ? `${amount} ago` : `in ${amount}`;
}

export function duration(fromText, untilText) {
  const from = parseTime(fromText);
  const until = parseTime(untilText);
  if (!from || !until) return '';
  const minutes = Math.round((until - from) / 60000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return [days && `${days} d`, hours && `${hours} h`, rest && `${rest} min`].filter(Boolean).join(' ') || '0 min';
}

/** Relative and absolute time together: "14 min ago" for a glance, the exact time for the record. */
export function timeElement(text) {
  return el(
    'time',
    { class: 'when', datetime: text, title: text },
    el('span', { class: 'when-relative', 'data-relative-to': text }, relativeTime(text)),
    el('span', { class: 'when-absolute' }, absoluteTime(text)),
  );
}

export function refreshRelativeTimes() {
  const now = Date.now();
  for (const node of document.querySelectorAll('[data-relative-to]')) {
    node.textContent = relativeTime(node.getAttribute('data-relative-to'), now);
  }
}

export function validDay(value) {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return '';
  return Number.isNaN(dayBound(value, false).getTime()) ? '' : value;
}

/** A date input's day as an instant in the viewer's time zone: its first or its last millisecond. */
export function dayBound(day, endOfDay) {
  const [year, month, date] = day.split('-').map(Number);
  return endOfDay ? new Date(year, month - 1, date, 23, 59, 59, 999) : new Date(year, month - 1, date);
}

export function detailRow(label, value, wide = false) {
  return el(
    'div',
    { class: wide ? 'detail-row detail-row-wide' : 'detail-row' },
    el('dt', {}, label),
    el('dd', {}, value || none()),
  );
}

export function code(text) {
  return text ? el('code', { class: 'code' }, text) : null;
}

export function teamChips(teams) {
  if (!teams.length) return null;
  return el(
    'ul',
    { class: 'chips' },
    teams.map((team) => el('li', { class: 'chip' }, team)),
  );
}
