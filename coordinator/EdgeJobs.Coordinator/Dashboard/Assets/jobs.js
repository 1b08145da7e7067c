// The jobs table (#/jobs): filters, cursor paging, live rows, deleting what has ended.
import {
  STATES, JOBS_EVERY_MS, main, h, setText, badge, setBadge, age, when, progressText, progressBar, setProgress,
  table, api, problemText, isAdmin, poll, pageTitle,
} from './core.js';

export async function jobsPage(params) {
  const filters = { status: params.get('status') || 'active', tool: params.get('tool') || '', node: params.get('node') || '',
    owner: params.get('owner') || '', campaign: params.get('campaign') || '' };
  const cursors = [null]; // the cursor of each page seen, to go back
  const selected = new Set();
  let nodeNames = new Map();

  const field = (name, label, control) => h('div', null, h('label', { for: `f-${name}` }, label), control);
  const statusSelect = h('select', { id: 'f-status', name: 'status' },
    ['active', 'all', 'terminal', ...STATES].map((s) => h('option', { value: s, selected: s === filters.status }, s)));
  const toolSelect = h('select', { id: 'f-tool', name: 'tool' }, h('option', { value: '' }, 'any'));
  const text = (name, placeholder) => h('input', { id: `f-${name}`, name, value: filters[name], placeholder, inputmode: name === 'node' ? 'numeric' : null });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter jobs' },
    field('status', 'Status', statusSelect), field('tool', 'Tool', toolSelect),
    field('node', 'Node id', text('node', 'any')), field('owner', 'Owner', text('owner', 'any')),
    field('campaign', 'Campaign', text('campaign', 'any')),
    h('button', { type: 'submit', class: 'quiet' }, 'Apply'));

  const message = h('div', { class: 'message', role: 'status', 'data-testid': 'jobs-message' });
  const deleteButton = h('button', { type: 'button', class: 'danger', disabled: true, 'data-testid': 'jobs-delete-selected' }, 'Delete selected');
  const tbody = h('tbody');
  const pageLabel = h('span', { class: 'muted' });
  const newer = h('button', { type: 'button', class: 'quiet', 'data-testid': 'jobs-newer' }, '← Newer');
  const older = h('button', { type: 'button', class: 'quiet', 'data-testid': 'jobs-older' }, 'Older →');
  const empty = h('p', { class: 'muted', hidden: true }, 'No jobs match.');

  main.replaceChildren(pageTitle('Jobs'), form, h('div', { class: 'actions' }, deleteButton), message,
    table('Jobs, newest first', [h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Select')), 'Job', 'Status', 'Tool',
      h('th', { scope: 'col', class: 'wide' }, 'Owner'), h('th', { scope: 'col', class: 'wide' }, 'Node'), 'Progress',
      h('th', { scope: 'col', class: 'wide' }, 'Age')], tbody),
    empty, h('div', { class: 'pager' }, newer, older, pageLabel));

  api('GET', '/v1/tools').then((r) => {
    if (!r.ok) return;
    for (const tool of r.data.tools) toolSelect.append(h('option', { value: tool.id, selected: tool.id === filters.tool }, tool.id));
  }).catch(() => {});
  // Node names for the Node column (only jobs:admin may list nodes; others see the node's id), before the first rows.
  const nodesRead = isAdmin()
    ? api('GET', '/v1/nodes').then((r) => {
      if (r.ok) nodeNames = new Map(r.data.nodes.map((n) => [n.id, n.name]));
    }).catch(() => {})
    : Promise.resolve();

  function query() {
    const q = new URLSearchParams({ status: filters.status, limit: '50' });
    for (const key of ['tool', 'node', 'owner', 'campaign']) if (filters[key]) q.set(key, filters[key]);
    const cursor = cursors[cursors.length - 1];
    if (cursor) q.set('cursor', cursor);
    return q;
  }

  function row(job) {
    const check = h('input', { type: 'checkbox', 'aria-label': `Select job ${job.id}` });
    check.checked = selected.has(job.id);
    check.addEventListener('change', () => {
      if (check.checked) selected.add(job.id); else selected.delete(job.id);
      deleteButton.disabled = selected.size === 0;
    });
    const tr = h('tr', { 'data-testid': `job-row-${job.id}`, 'data-id': job.id },
      h('td', null, check),
      h('td', null, h('a', { href: `#/jobs/${job.id}` }, `#${job.id}`)),
      h('td', null, badge(job.status, 'job-status')),
      h('td', null, job.tool),
      h('td', { class: 'wide' }, job.owner),
      h('td', { class: 'wide' }),
      h('td', null, progressBar(`Progress of job ${job.id}`), h('span', { class: 'progress-text' })),
      h('td', { class: 'wide' }));
    return tr;
  }

  function update(tr, job) {
    const cells = tr.children;
    setBadge(cells[2].firstChild, job.status);
    setText(cells[5], job.node_id == null ? '—' : nodeNames.get(job.node_id) || `#${job.node_id}`);
    const percent = job.progress ? job.progress.percent : (job.status === 'completed' ? 100 : null);
    setProgress(cells[6].firstChild, percent);
    setText(cells[6].lastChild, progressText(job.progress));
    setText(cells[7], age(job.created_at));
    cells[7].title = when(job.created_at);
  }

  // Updates rows in place, keyed by id, so focus, selection and scroll survive every refresh.
  function render(jobs) {
    const existing = new Map([...tbody.children].map((tr) => [Number(tr.dataset.id), tr]));
    let before = tbody.firstChild;
    for (const job of jobs) {
      let tr = existing.get(job.id);
      existing.delete(job.id);
      if (!tr) tr = row(job);
      update(tr, job);
      if (tr !== before) tbody.insertBefore(tr, before);
      before = tr.nextSibling;
    }
    for (const gone of existing.values()) gone.remove();
    empty.hidden = jobs.length > 0;
  }

  const poller = poll(async () => {
    await nodesRead;
    const result = await api('GET', `/v1/jobs?${query()}`);
    if (!result.ok) {
      // A filter the API refuses (node=abc) says why, until the filters are put right.
      message.className = 'message error';
      message.dataset.from = 'list';
      message.textContent = `The jobs could not be listed: ${problemText(result)}.`;
      return;
    }
    if (message.dataset.from === 'list') {
      message.textContent = '';
      delete message.dataset.from;
    }
    render(result.data.jobs);
    older.disabled = result.data.next_cursor == null;
    older.dataset.cursor = result.data.next_cursor ?? '';
    newer.disabled = cursors.length === 1;
    pageLabel.textContent = `page ${cursors.length}`;
  }, JOBS_EVERY_MS);

  function apply() {
    filters.status = statusSelect.value;
    filters.tool = toolSelect.value;
    for (const key of ['node', 'owner', 'campaign']) filters[key] = form.elements[key].value.trim();
    const q = new URLSearchParams(Object.entries(filters).filter(([k, v]) => v && !(k === 'status' && v === 'active')));
    // Not a hash change: the page stays, only its query moves into the address for a bookmark.
    history.replaceState(null, '', `#/jobs${q.size ? `?${q}` : ''}`);
    cursors.length = 1;
    tbody.replaceChildren();
    poller.now();
  }

  form.addEventListener('submit', (event) => { event.preventDefault(); apply(); });
  statusSelect.addEventListener('change', apply);
  toolSelect.addEventListener('change', apply);
  older.addEventListener('click', () => { cursors.push(older.dataset.cursor); tbody.replaceChildren(); poller.now(); });
  newer.addEventListener('click', () => { cursors.pop(); tbody.replaceChildren(); poller.now(); });

  // Only finished jobs can be deleted; the coordinator says which were not, and why (409 job_active).
  deleteButton.addEventListener('click', async () => {
    const refused = [];
    let deleted = 0;
    deleteButton.disabled = true;
    for (const id of [...selected]) {
      const result = await api('DELETE', `/v1/jobs/${id}`);
      if (result.ok) {
        deleted++;
        selected.delete(id);
      } else {
        refused.push(`Job ${id} was not deleted: ${problemText(result)}.`);
      }
    }
    message.className = refused.length ? 'message error' : 'message';
    delete message.dataset.from;
    message.textContent = [deleted ? `Deleted ${deleted} job${deleted === 1 ? '' : 's'}.` : '', ...refused].filter(Boolean).join(' ');
    deleteButton.disabled = selected.size === 0;
    poller.now();
  });
}
