// Campaigns (#/campaigns) and one campaign's aggregate (#/campaigns/ID).
import {
  SLOW_EVERY_MS, main, h, badge, when, progressBar, setProgress, facts, table, api, problemText, poll,
  pageTitle, redraw,
} from './core.js';

export function campaignsPage() {
  const message = h('div', { class: 'message', role: 'status' });
  const tbody = h('tbody');
  const empty = h('p', { class: 'muted', hidden: true }, 'No campaigns yet (edgejobs campaigns create, or POST /v1/campaigns).');
  main.replaceChildren(pageTitle('Campaigns'), message,
    table('Campaigns, newest first', ['Campaign', 'Owner', 'Children', 'Ended', 'Batches', 'Next start'], tbody), empty);
  poll(async () => {
    const result = await api('GET', '/v1/campaigns?limit=100');
    if (!result.ok) {
      message.className = 'message error';
      message.textContent = problemText(result);
      return false;
    }
    empty.hidden = result.data.campaigns.length > 0;
    redraw(tbody, result.data.campaigns, () => result.data.campaigns.map((c) => h('tr', { 'data-testid': `campaign-row-${c.id}` },
      h('td', null, h('a', { href: `#/campaigns/${encodeURIComponent(c.id)}` }, c.title ? `${c.title} (${c.id})` : c.id)),
      h('td', null, c.owner), h('td', { class: 'num' }, c.campaign_total_children ?? c.total_children),
      h('td', null, progressBar(`Children of ${c.id} ended`), h('span', { class: 'progress-text' }, `${c.percent.toFixed(1)}%`)),
      h('td', { class: 'num' }, c.batches), h('td', null, c.exhausted ? 'exhausted' : String(c.next_start_position ?? '—')))));
    tbody.querySelectorAll('progress').forEach((bar, i) => setProgress(bar, result.data.campaigns[i].percent));
  }, SLOW_EVERY_MS);
}

export function campaignPage(id) {
  const message = h('div', { class: 'message', role: 'status' });
  const body = h('div');
  const stop = h('button', { type: 'button', class: 'danger', hidden: true, 'data-testid': 'campaign-stop' }, 'Stop the active batch');
  main.replaceChildren(pageTitle(`Campaign ${id}`), h('div', { class: 'actions' }, stop), message, body);
  const poller = poll(async () => {
    const result = await api('GET', `/v1/campaigns/${encodeURIComponent(id)}`);
    if (!result.ok) {
      message.className = 'message error';
      message.textContent = problemText(result);
      return false;
    }
    const c = result.data;
    stop.hidden = c.active_batch == null;
    const b = c.latest_batch;
    redraw(body, c, () => {
      const bar = progressBar(`Children of ${c.id} ended`);
      setProgress(bar, c.percent);
      return [
      h('p', null, bar, h('span', { class: 'progress-text' }, `${c.percent.toFixed(1)}% of ${c.campaign_total_children ?? c.total_children} children ended`)),
      facts([['Title', c.title], ['Owner', `${c.owner} (${c.org})`], ['Batches', String(c.batches)],
        ['Active batch', c.active_batch ? h('a', { href: `#/jobs/${c.active_batch}` }, `#${c.active_batch}`) : null],
        ['Next start', c.exhausted ? 'the catalog is exhausted' : String(c.next_start_position ?? '—')],
        ['Created', when(c.created_at)]]),
      h('h2', null, 'Children per state'),
      table('Children per state', ['State', h('th', { scope: 'col', class: 'num' }, 'Children')], h('tbody', null,
        Object.entries(c.children).map(([s, n]) => h('tr', null, h('td', null, badge(s)), h('td', { class: 'num' }, n))))),
      b && h('h2', null, 'Latest batch'),
      b && facts([['Batch job', h('a', { href: `#/jobs/${b.job_id}` }, `#${b.job_id}`)], ['Status', b.status],
        ['Records', `${b.start_position} + ${b.records ?? '…'} of ${b.matched ?? '?'}`],
        ['Children ended', `${b.children_ended} (${b.children_completed} completed)`]]),
      h('p', null, h('a', { href: `#/jobs?status=all&campaign=${encodeURIComponent(c.id)}` }, 'All jobs of this campaign'))];
    });
  }, SLOW_EVERY_MS);
  stop.addEventListener('click', async () => {
    const result = await api('POST', `/v1/campaigns/${encodeURIComponent(id)}/stop`);
    message.className = result.ok ? 'message' : 'message error';
    message.textContent = result.ok ? 'The active batch was stopped.' : problemText(result);
    poller.now();
  });
}
