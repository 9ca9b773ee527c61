/*
 * DOM helpers. Every text from the API goes through text nodes, never innerHTML, because events come
 * from outside (webhooks, CI jobs).
 */

export const byId = (id) => document.getElementById(id);

/** An element with attributes and children; strings become text nodes, so they are never parsed as HTML. */
export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) node.append(child);
  }
  return node;
}

export function none() {
  return el('span', { class: 'none' }, '—');
}

export function setStateBox(box, kind, ...content) {
  box.className = `state-box state-${kind}`;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.replaceChildren(...content.filter(Boolean));
  box.hidden = false;
}
