/*
 * The live overview of deployment events (§8): the list, one event's details, and an alert's
 * enrichment. This entry module picks the view for the address and wires the token prompt.
 */

import { startAlertView } from './alert.js';
import { startAlertsView, wireAlertsList } from './alerts-list.js';
import { requireToken, takeTokenFromFragment, tokenStore } from './api.js';
import { startDeliveryView, wireDelivery } from './delivery.js';
import { wireDialog } from './dialog.js';
import { byId } from './dom.js';
import { startListView, wireList } from './list.js';
import { closeDialog, stopBackgroundWork } from './page.js';
import { wireTools } from './tools.js';

function route() {
  stopBackgroundWork();
  closeDialog();
  if (!tokenStore.get()) {
    requireToken('');
    return;
  }
  byId('forget-token').hidden = false;
  byId('refresh-status').hidden = true;
  const params = new URLSearchParams(location.search);
  const alertId = (params.get('alert') || '').trim();
  if (alertId) startAlertView(alertId, (params.get('source') || '').trim() || null);
  else if (params.get('view') === 'alerts') startAlertsView(params);
  else if (params.get('view') === 'delivery') startDeliveryView(params);
  else startListView(params);
}

function wire() {
  byId('token-form').addEventListener('submit', (submit) => {
    submit.preventDefault();
    const input = byId('token-input');
    const token = input.value.trim();
    if (!token) {
      byId('token-input-error').hidden = false;
      input.setAttribute('aria-describedby', 'token-input-error');
      input.focus();
      return;
    }
    tokenStore.set(token);
    input.value = '';
    route();
  });
  byId('forget-token').addEventListener('click', () => {
    tokenStore.forget();
    requireToken('The token was forgotten in this tab. Enter it again to continue.', 'info');
  });
  wireList(route);
  wireAlertsList(route);
  wireDelivery(route);
  wireDialog();
  wireTools();
  window.addEventListener('popstate', route);
  window.addEventListener('hashchange', () => {
    if (takeTokenFromFragment()) route();
  });
}

takeTokenFromFragment();
wire();
route();
