// The agents (#/nodes, jobs:admin): state, slots, tools, heartbeat; drain and enable.
import {
  SLOW_EVERY_MS, main, h, badge, age, when, table, api, problemText, isAdmin, poll, pageTitle,
} from './core.js';

export function nodesPage() {
  const message = h('div', { class: 'message', role: 'status', 'data-testid': 'nodes-message' });
  const tbody = h('tbody');
  main.replaceChildren(pageTitle('Nodes'), message,
    table('Nodes', ['Node', 'State', 'Slots in use', h('th', { scope: 'col', class: 'wide' }, 'Tools'),
      h('th', { scope: 'col', class: 'wide' }, 'Labels'), 'Last heartbeat', 'Action'], tbody));
  if (!isAdmin()) {
    message.textContent = 'Nodes are shown to tokens with the jobs:admin scope.';
    return;
  }

  const poller = poll(async () => {
    const result = await api('GET', '/v1/nodes');
    if (!result.ok) {
      message.className = 'message error';
      message.textContent = problemText(result);
      return;
    }
    const focused = document.activeElement && document.activeElement.dataset.node;
    tbody.replaceChildren(...result.data.nodes.map((node) => {
      const draining = node.state === 'draining';
      const action = h('button', { type: 'button', class: 'quiet', 'data-node': node.id, 'data-testid': `node-${draining ? 'enable' : 'drain'}-${node.id}` },
        draining ? 'Enable' : 'Drain');
      action.setAttribute('aria-label', `${draining ? 'Enable' : 'Drain'} ${node.name}`);
      action.addEventListener('click', async () => {
        action.disabled = true;
        const changed = await api('POST', `/v1/nodes/${node.id}/${draining ? 'enable' : 'drain'}`);
        message.className = changed.ok ? 'message' : 'message error';
        message.textContent = changed.ok ? `${node.name} is ${changed.data.state}.` : problemText(changed);
        poller.now();
      });
      return h('tr', { 'data-testid': `node-row-${node.id}` },
        h('td', null, node.name),
        h('td', null, badge(node.connected ? node.state : 'down', 'node-state')),
        h('td', { class: 'num' }, `${node.running_jobs} of ${node.slots}`),
        h('td', { class: 'wide' }, node.tools.map((t) => t.id).join(', ')),
        h('td', { class: 'wide' }, Object.entries(node.labels || {}).map(([k, v]) => `${k}=${v}`).join(', ') || '—'),
        h('td', { title: when(node.last_heartbeat_at) }, node.last_heartbeat_at ? `${age(node.last_heartbeat_at)} ago` : '—'),
        h('td', null, action));
    }));
    // Rows are rebuilt (a handful of nodes): keep the keyboard on the same node's button.
    const again = focused && tbody.querySelector(`[data-node="${focused}"]`);
    if (again) again.focus();
  }, SLOW_EVERY_MS);
}
