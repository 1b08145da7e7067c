// EdgeJobs dashboard: one hand-written script, no framework and no build step (Dashboard/ARCHITECTURE.md says why).
// It talks only to this origin's REST API v1 with the session cookie; the token is sent once to /ui/session and
// never kept. Every text from the API is set as textContent, never as HTML. Pages poll what they show, only while
// the tab is visible, and stop when the page changes.
'use strict';
(() => {
  const CSRF_HEADER = 'X-EdgeJobs-CSRF';
  const TERMINAL = new Set(['stopped', 'completed', 'failed', 'partial']);
  const STATES = ['scheduled', 'running', 'stop_requested', 'stopping', 'stopped', 'completed', 'failed', 'partial'];
  const JOBS_EVERY_MS = 2000;
  const JOB_EVERY_MS = 1000;
  const SLOW_EVERY_MS = 5000;

  const main = document.getElementById('main');
  const toast = document.getElementById('toast');
  let me = null; // the session: name, org, scopes, csrf; in memory only
  let pollers = []; // the current page's, stopped when the page changes

  // A 401 after sign-in: the session ended; unwinds the caller, which must not render anything more.
  class SessionEnded extends Error {}

  // ---- DOM ----------------------------------------------------------------------------------------------------
  function h(tag, props, ...kids) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value == null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    for (const kid of kids.flat(Infinity)) {
      if (kid != null && kid !== false) el.append(kid instanceof Node ? kid : String(kid));
    }
    return el;
  }

  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  function say(text) {
    toast.textContent = text;
    clearTimeout(say.timer);
    say.timer = setTimeout(() => { toast.textContent = ''; }, 4000);
  }

  function badge(state, testid) {
    return h('span', { class: `badge s-${state}`, 'data-testid': testid }, state);
  }

  function setBadge(el, state) {
    if (el.textContent === state) return;
    el.textContent = state;
    el.className = `badge s-${state}`;
  }

  function age(iso) {
    if (!iso) return '';
    const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
    if (s < 60) return `${Math.floor(s)} s`;
    if (s < 3600) return `${Math.floor(s / 60)} min`;
    if (s < 86400) return `${Math.floor(s / 3600)} h`;
    return `${Math.floor(s / 86400)} d`;
  }

  const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

  function bytes(n) {
    if (n == null) return '—';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return `${i ? n.toFixed(1) : n} ${units[i]}`;
  }

  function progressText(progress) {
    if (!progress) return '';
    const percent = progress.percent == null ? '' : `${Math.floor(progress.percent)}%`;
    return [percent, progress.phase].filter(Boolean).join(' ');
  }

  function progressBar(label) {
    return h('progress', { max: 100, 'aria-label': label });
  }

  function setProgress(bar, percent) {
    if (percent == null) bar.removeAttribute('value');
    else bar.value = Math.min(100, Math.max(0, percent));
  }

  function facts(pairs) {
    return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', null, k), h('dd', null, v ?? '—')]));
  }

  function table(caption, heads, body) {
    return h('div', { class: 'scroll' }, h('table', null,
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', null, h('tr', null, heads.map((x) => (typeof x === 'string' ? h('th', { scope: 'col' }, x) : x)))),
      body));
  }

  // ---- API ----------------------------------------------------------------------------------------------------
  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET' && me) headers[CSRF_HEADER] = me.csrf;
    let payload;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
    } catch {
      return { ok: false, status: 0, problem: { detail: 'the coordinator cannot be reached' } };
    }
    if (response.status === 401 && me) {
      signedOut('Your session ended; sign in again.');
      throw new SessionEnded();
    }
    const json = (response.headers.get('content-type') || '').includes('json') ? await response.json().catch(() => null) : null;
    return response.ok ? { ok: true, status: response.status, data: json } : { ok: false, status: response.status, problem: json || {} };
  }

  function problemText(result) {
    const p = result.problem || {};
    const text = p.detail || p.title || `the coordinator answered ${result.status}`;
    return p.error_code ? `${text} (${p.error_code})` : text;
  }

  const has = (scope) => me && (me.scopes.includes(scope) || (me.scopes.includes('jobs:admin') && scope !== 'agent'));
  const isAdmin = () => has('jobs:admin');
  const filePath = (path) => path.split('/').map(encodeURIComponent).join('/');

  // ---- Polling ------------------------------------------------------------------------------------------------
  // Runs fn now and then every `every` ms after the previous run ended, skipping runs while the tab is hidden.
  // Never two runs at once: now() during a run asks for one more right after it. fn returns false to stop (a
  // finished job has nothing more to say).
  function poll(fn, every) {
    const poller = { stopped: false, running: false, again: false, timer: 0 };
    const tick = async () => {
      if (poller.stopped) return;
      if (poller.running) {
        poller.again = true;
        return;
      }
      poller.running = true;
      let more = true;
      try {
        if (!document.hidden) more = (await fn()) !== false;
      } catch (e) {
        if (e instanceof SessionEnded) return;
        throw e;
      } finally {
        poller.running = false;
      }
      if (poller.stopped) return;
      if (poller.again) {
        poller.again = false;
        tick();
      } else if (more) {
        poller.timer = setTimeout(tick, every);
      }
    };
    poller.now = () => { clearTimeout(poller.timer); tick(); };
    poller.stop = () => { poller.stopped = true; clearTimeout(poller.timer); };
    pollers.push(poller);
    tick();
    return poller;
  }

  // A click handler whose request met an ended session: the sign-in page is already shown, nothing to report.
  window.addEventListener('unhandledrejection', (event) => {
    if (event.reason instanceof SessionEnded) event.preventDefault();
  });

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) pollers.forEach((p) => p.now());
  });

  // ---- Session ------------------------------------------------------------------------------------------------
  function signedOut(message) {
    me = null;
    stopPage();
    document.getElementById('top').hidden = true;
    signInPage(message);
  }

  function signInPage(message) {
    const error = h('p', { class: 'message error', role: 'alert', 'data-testid': 'sign-in-error' }, message || '');
    const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
    const form = h('form', { class: 'signin', 'aria-labelledby': 'signin-title' },
      h('h1', { id: 'signin-title' }, 'Sign in to EdgeJobs'),
      h('label', { for: 'token' }, 'Token'),
      input,
      h('p', { class: 'muted' }, 'A token of this coordinator, e.g. the contents of edgejobs-data/admin.token. ' +
        'It is exchanged for a session cookie and not kept by this page.'),
      h('button', { type: 'submit', 'data-testid': 'sign-in' }, 'Sign in'),
      error);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const token = input.value;
      input.value = '';
      const result = await api('POST', '/ui/session', { token });
      if (!result.ok) {
        error.textContent = result.status === 401 ? 'That token is not known or was revoked.' : problemText(result);
        input.focus();
        return;
      }
      me = result.data;
      started();
    });
    main.replaceChildren(form);
    input.focus();
  }

  async function signOut() {
    await fetch('/ui/session', { method: 'DELETE', headers: { [CSRF_HEADER]: me ? me.csrf : '' }, credentials: 'same-origin' });
    signedOut('Signed out.');
  }

  function started() {
    document.getElementById('top').hidden = false;
    document.getElementById('who').textContent = `${me.name}${me.org ? ` (${me.org})` : ''}`;
    document.getElementById('nav-nodes').hidden = !isAdmin();
    route();
  }

  // ---- Theme --------------------------------------------------------------------------------------------------
  // Follows the system until chosen; the choice (not a secret) is kept in local storage.
  function applyTheme(theme) {
    const dark = theme ? theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
    if (theme) document.documentElement.dataset.theme = theme;
    document.getElementById('theme').textContent = dark ? 'Light theme' : 'Dark theme';
  }

  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => applyTheme(localStorage.getItem('edgejobs.theme')));

  document.getElementById('theme').addEventListener('click', () => {
    const dark = getComputedStyle(document.documentElement).colorScheme === 'dark';
    const theme = dark ? 'light' : 'dark';
    localStorage.setItem('edgejobs.theme', theme);
    applyTheme(theme);
  });

  // ---- Routing ------------------------------------------------------------------------------------------------
  function stopPage() {
    pollers.forEach((p) => p.stop());
    pollers = [];
  }

  function route() {
    if (location.hash && !location.hash.startsWith('#/')) return; // the skip link and other in-page anchors
    if (!me) return;
    stopPage();
    const [path, query] = location.hash.slice(1).split('?');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const params = new URLSearchParams(query || '');
    for (const link of document.querySelectorAll('[data-nav]')) {
      if (link.dataset.nav === (parts[0] || 'jobs')) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    const pages = {
      jobs: () => (parts[1] ? jobPage(parts[1]) : jobsPage(params)),
      nodes: () => nodesPage(),
      campaigns: () => (parts[1] ? campaignPage(parts[1]) : campaignsPage()),
      datasets: () => (parts[2] ? datasetPage(parts[1], parts[2], params) : datasetsPage()),
    };
    const page = pages[parts[0] || 'jobs'];
    if (!page) {
      location.replace('#/jobs');
      return;
    }
    page();
    main.focus({ preventScroll: true });
  }

  window.addEventListener('hashchange', route);
  document.getElementById('sign-out').addEventListener('click', signOut);
  document.getElementById('skip').addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });

  function pageTitle(text, ...extra) {
    document.title = `${text} · EdgeJobs`;
    return h('h1', null, text, ...extra);
  }

  // ---- Jobs ---------------------------------------------------------------------------------------------------
  async function jobsPage(params) {
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

  // ---- Job detail ---------------------------------------------------------------------------------------------
  async function jobPage(idText) {
    const id = Number(idText);
    const status = h('span', { class: 'badge', 'data-testid': 'job-status' });
    const stop = h('button', { type: 'button', class: 'danger', 'data-testid': 'job-stop', hidden: true }, 'Stop');
    const del = h('button', { type: 'button', class: 'danger', 'data-testid': 'job-delete', hidden: true }, 'Delete');
    const download = h('a', { class: 'button quiet', 'data-testid': 'job-artifact', hidden: true, download: '' }, 'Download artifact');
    const message = h('div', { class: 'message', role: 'status', 'data-testid': 'job-message' });
    const summary = h('div');
    const bar = progressBar(`Progress of job ${id}`);
    const barText = h('span', { class: 'progress-text', 'data-testid': 'job-progress' });
    const errorBox = h('div', { class: 'message error', role: 'alert', 'data-testid': 'job-error' });
    const params = h('pre', { 'data-testid': 'job-params', tabindex: 0, 'aria-label': 'Params' });
    const extra = h('div');
    const events = h('tbody');
    const log = h('pre', { 'data-testid': 'job-log', tabindex: 0, 'aria-label': 'Log' });
    const logNote = h('p', { class: 'muted' });
    main.replaceChildren(
      pageTitle(`Job ${id}`, status),
      h('div', { class: 'actions' }, stop, del, download), message,
      h('p', null, bar, barText), errorBox,
      h('div', { class: 'grid2' }, h('section', { 'aria-label': 'Summary' }, summary), h('section', null, h('h2', null, 'Params'), params)),
      extra,
      h('h2', null, 'Events'),
      table('The job\'s events, oldest first', ['#', 'At', 'From', 'To', 'Reason', h('th', { scope: 'col', class: 'wide' }, 'Node'), 'Attempt', 'Error'], events),
      h('h2', null, 'Log'), logNote, log);

    let logCursor = 0;
    let lastStatus = null;
    let job = null;

    async function readLog() {
      const result = await api('GET', `/v1/jobs/${id}/log?since=${logCursor}`);
      if (!result.ok) return;
      if (result.data.truncated_from_tail > 0 && logCursor === 0) logNote.textContent = `${result.data.truncated_from_tail} earlier lines were not kept.`;
      if (result.data.lines.length) {
        const follow = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
        log.append(result.data.lines.join('\n') + '\n');
        if (follow) log.scrollTop = log.scrollHeight;
      }
      logCursor = result.data.cursor;
    }

    async function readEvents() {
      const result = await api('GET', `/v1/jobs/${id}/events`);
      if (!result.ok) return;
      events.replaceChildren(...result.data.events.map((e) => h('tr', null,
        h('td', { class: 'num' }, e.seq), h('td', null, when(e.at)), h('td', null, e.from || '—'), h('td', null, badge(e.to)),
        h('td', null, e.reason), h('td', { class: 'wide' }, e.node_id ?? '—'), h('td', { class: 'num' }, e.attempt),
        h('td', null, e.error ? `${e.error.code}: ${e.error.message || ''}` : ''))));
    }

    function renderSummary() {
      summary.replaceChildren(facts([
        ['Tool', `${job.tool} v${job.version}`],
        ['Owner', `${job.owner} (${job.org})`],
        ['Node', job.node_id == null ? null : `#${job.node_id}`],
        ['Attempt', `${job.attempt} of ${job.max_attempts}`],
        ['Priority', String(job.priority)],
        ['Created', when(job.created_at)],
        ['Started', when(job.started_at)],
        ['Finished', when(job.finished_at)],
        ['Duration', job.duration_ms == null ? null : `${(job.duration_ms / 1000).toFixed(1)} s`],
        job.campaign_id && ['Campaign', h('a', { href: `#/campaigns/${encodeURIComponent(job.campaign_id)}` }, job.campaign_id)],
        job.parent_id && ['Parent', h('a', { href: `#/jobs/${job.parent_id}` }, `#${job.parent_id}`)],
        job.dataset && ['Dataset', job.dataset],
        job.artifact && ['Artifact', `${bytes(job.artifact.size_bytes)}, SHA-256 ${job.artifact.sha256}, until ${when(job.artifact.expires_at)}`],
      ]));
    }

    // Recipe jobs list their steps; a campaign's batch its children (one page: the jobs page pages the rest).
    async function renderExtra() {
      if (job.steps) {
        extra.replaceChildren(h('h2', null, 'Steps'), table('Steps', ['Step', 'Tool', 'Status', 'Job', 'Progress', 'Error'], h('tbody', null,
          job.steps.map((s) => h('tr', null, h('td', null, s.id), h('td', null, `${s.tool} v${s.version}`), h('td', null, badge(s.status)),
            h('td', null, s.job_id ? h('a', { href: `#/jobs/${s.job_id}` }, `#${s.job_id}`) : '—'),
            h('td', null, progressText(s.progress)), h('td', null, s.error ? `${s.error.code}: ${s.error.message || ''}` : ''))))));
      } else if (job.tool === 'campaign-batch' && job.campaign_id) {
        const result = await api('GET', `/v1/jobs?status=all&limit=200&campaign=${encodeURIComponent(job.campaign_id)}`);
        if (!result.ok) return;
        const children = result.data.jobs.filter((j) => j.parent_id === id);
        extra.replaceChildren(h('h2', null, 'Children'),
          table('Children of this batch', ['Job', 'Status', 'Tool', 'Progress'], h('tbody', null, children.map((c) => h('tr', null,
            h('td', null, h('a', { href: `#/jobs/${c.id}` }, `#${c.id}`)), h('td', null, badge(c.status)), h('td', null, c.tool),
            h('td', null, progressText(c.progress)))))),
          h('p', null, h('a', { href: `#/jobs?status=all&campaign=${encodeURIComponent(job.campaign_id)}` }, 'All jobs of this campaign')));
      }
    }

    const poller = poll(async () => {
      const result = await api('GET', `/v1/jobs/${id}`);
      if (!result.ok) {
        main.replaceChildren(pageTitle(`Job ${id}`), h('p', { class: 'message error', role: 'alert' }, problemText(result)),
          h('p', null, h('a', { href: '#/jobs' }, 'Back to the jobs')));
        return false;
      }
      job = result.data;
      const terminal = TERMINAL.has(job.status);
      setBadge(status, job.status);
      stop.hidden = terminal;
      // A delete of an active job is not offered: the coordinator would refuse it (409).
      del.hidden = !terminal;
      download.hidden = !job.artifact;
      if (job.artifact) download.href = job.artifact.url;
      setProgress(bar, job.progress ? job.progress.percent : (job.status === 'completed' ? 100 : null));
      setText(barText, progressText(job.progress) || (terminal ? '' : 'waiting'));
      setText(errorBox, job.error ? `${job.error.code}: ${job.error.message || ''}` : '');
      if (!params.textContent) params.textContent = JSON.stringify(job.params, null, 2);
      renderSummary();
      if (job.log_cursor > logCursor) await readLog();
      if (job.status !== lastStatus) {
        lastStatus = job.status;
        await readEvents();
        await renderExtra();
      } else if (job.steps || job.tool === 'campaign-batch') {
        await renderExtra();
      }
      // A finished job changes no more: one last look at its log and events, then quiet.
      if (terminal) {
        if (message.textContent.startsWith('Stop requested')) message.textContent = `The job ended ${job.status}.`;
        await readLog();
        await readEvents();
        return false;
      }
      return true;
    }, JOB_EVERY_MS);

    stop.addEventListener('click', async () => {
      stop.disabled = true;
      const result = await api('POST', `/v1/jobs/${id}/stop`);
      stop.disabled = false;
      message.className = result.ok ? 'message' : 'message error';
      message.textContent = result.ok ? `Stop requested: the job is ${result.data.status}.` : `The job was not stopped: ${problemText(result)}.`;
      poller.now();
    });

    del.addEventListener('click', async () => {
      const result = await api('DELETE', `/v1/jobs/${id}`);
      if (result.ok) {
        say(`Job ${id} deleted.`);
        location.hash = '#/jobs?status=all';
      } else {
        message.className = 'message error';
        message.textContent = `The job was not deleted: ${problemText(result)}.`;
      }
    });
  }

  // ---- Nodes --------------------------------------------------------------------------------------------------
  function nodesPage() {
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

  // ---- Campaigns ----------------------------------------------------------------------------------------------
  function campaignsPage() {
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
      tbody.replaceChildren(...result.data.campaigns.map((c) => h('tr', { 'data-testid': `campaign-row-${c.id}` },
        h('td', null, h('a', { href: `#/campaigns/${encodeURIComponent(c.id)}` }, c.title ? `${c.title} (${c.id})` : c.id)),
        h('td', null, c.owner), h('td', { class: 'num' }, c.campaign_total_children ?? c.total_children),
        h('td', null, progressBar(`Children of ${c.id} ended`), h('span', { class: 'progress-text' }, `${c.percent.toFixed(1)}%`)),
        h('td', { class: 'num' }, c.batches), h('td', null, c.exhausted ? 'exhausted' : String(c.next_start_position ?? '—')))));
      tbody.querySelectorAll('progress').forEach((bar, i) => setProgress(bar, result.data.campaigns[i].percent));
    }, SLOW_EVERY_MS);
  }

  function campaignPage(id) {
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
      const bar = progressBar(`Children of ${c.id} ended`);
      setProgress(bar, c.percent);
      const b = c.latest_batch;
      body.replaceChildren(
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
        h('p', null, h('a', { href: `#/jobs?status=all&campaign=${encodeURIComponent(c.id)}` }, 'All jobs of this campaign')));
    }, SLOW_EVERY_MS);
    stop.addEventListener('click', async () => {
      const result = await api('POST', `/v1/campaigns/${encodeURIComponent(id)}/stop`);
      message.className = result.ok ? 'message' : 'message error';
      message.textContent = result.ok ? 'The active batch was stopped.' : problemText(result);
      poller.now();
    });
  }

  // ---- Datasets -----------------------------------------------------------------------------------------------
  function datasetsPage() {
    const message = h('div', { class: 'message', role: 'status' });
    const tbody = h('tbody');
    const empty = h('p', { class: 'muted', hidden: true }, 'No datasets yet (edgejobs datasets create, or PUT /v1/datasets/ORG/NAME).');
    main.replaceChildren(pageTitle('Datasets'), message,
      table('Datasets', ['Dataset', 'Entries', 'Used', 'Quota', h('th', { scope: 'col', class: 'wide' }, 'Created')], tbody), empty);
    poll(async () => {
      const result = await api('GET', '/v1/datasets');
      if (!result.ok) {
        message.className = 'message error';
        message.textContent = result.status === 403 ? 'Datasets are shown to tokens with the datasets:read scope.' : problemText(result);
        return false;
      }
      empty.hidden = result.data.datasets.length > 0;
      tbody.replaceChildren(...result.data.datasets.map((d) => h('tr', { 'data-testid': `dataset-row-${d.org}-${d.name}` },
        h('td', null, h('a', { href: `#/datasets/${encodeURIComponent(d.org)}/${encodeURIComponent(d.name)}` }, `${d.org}/${d.name}`)),
        h('td', { class: 'num' }, d.entries), h('td', { class: 'num' }, bytes(d.bytes_used)),
        h('td', { class: 'num' }, d.byte_quota == null ? 'none' : bytes(d.byte_quota)), h('td', { class: 'wide' }, when(d.created_at)))));
    }, SLOW_EVERY_MS);
  }

  function datasetPage(org, name, params) {
    const base = `/v1/datasets/${encodeURIComponent(org)}/${encodeURIComponent(name)}`;
    const cursors = [null];
    const prefix = params.get('prefix') || '';
    const message = h('div', { class: 'message', role: 'status', 'data-testid': 'dataset-message' });
    const tbody = h('tbody');
    const older = h('button', { type: 'button', class: 'quiet' }, 'Next →');
    const newer = h('button', { type: 'button', class: 'quiet' }, '← Previous');
    const file = h('input', { id: 'upload-file', type: 'file', 'data-testid': 'upload-file' });
    const path = h('input', { id: 'upload-path', placeholder: 'folder/name.tif', 'data-testid': 'upload-path' });
    const bar = progressBar('Upload progress');
    const barText = h('span', { class: 'progress-text', 'data-testid': 'upload-progress' });
    const upload = h('form', { class: 'filters', 'aria-label': 'Upload a file' },
      h('div', null, h('label', { for: 'upload-file' }, 'File'), file),
      h('div', null, h('label', { for: 'upload-path' }, 'Path in the dataset'), path),
      h('button', { type: 'submit', 'data-testid': 'upload' }, 'Upload'), h('span', null, bar, barText));
    const prefixInput = h('input', { id: 'prefix', value: prefix, placeholder: 'scenes/' });
    const filter = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter entries' },
      h('div', null, h('label', { for: 'prefix' }, 'Path starts with'), prefixInput), h('button', { type: 'submit', class: 'quiet' }, 'Apply'));
    main.replaceChildren(pageTitle(`Dataset ${org}/${name}`), message, h('h2', null, 'Upload'), upload, h('h2', null, 'Entries'), filter,
      table('Entries in path order', ['Path', 'Type', 'Size', h('th', { scope: 'col', class: 'wide' }, 'SHA-256'),
        h('th', { scope: 'col', class: 'wide' }, 'Modified'), 'Download'], tbody),
      h('div', { class: 'pager' }, newer, older));

    const poller = poll(async () => {
      const q = new URLSearchParams({ limit: '100' });
      if (prefixInput.value) q.set('prefix', prefixInput.value);
      if (cursors[cursors.length - 1]) q.set('cursor', cursors[cursors.length - 1]);
      const result = await api('GET', `${base}/entries?${q}`);
      if (!result.ok) {
        message.className = 'message error';
        message.textContent = problemText(result);
        return false;
      }
      tbody.replaceChildren(...result.data.entries.map((e) => h('tr', { 'data-testid': `entry-row-${e.path}` },
        h('td', null, e.path), h('td', null, e.type), h('td', { class: 'num' }, bytes(e.size)),
        h('td', { class: 'wide' }, h('code', { title: e.sha256 }, (e.sha256 || '').slice(0, 12))), h('td', { class: 'wide' }, when(e.mtime)),
        h('td', null, h('a', { href: `${base}/files/${filePath(e.path)}`, download: '', 'aria-label': `Download ${e.path}` }, 'Download')))));
      older.disabled = result.data.next_cursor == null;
      older.dataset.cursor = result.data.next_cursor ?? '';
      newer.disabled = cursors.length === 1;
    }, SLOW_EVERY_MS);

    older.addEventListener('click', () => { cursors.push(older.dataset.cursor); poller.now(); });
    newer.addEventListener('click', () => { cursors.pop(); poller.now(); });
    filter.addEventListener('submit', (event) => { event.preventDefault(); cursors.length = 1; poller.now(); });
    file.addEventListener('change', () => { if (!path.value && file.files[0]) path.value = file.files[0].name; });

    // XMLHttpRequest, not fetch: only it reports upload progress. The body streams from the file.
    upload.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = file.files[0];
      const target = path.value.trim() || (chosen && chosen.name);
      if (!chosen || !target) {
        message.className = 'message error';
        message.textContent = 'Choose a file and where it goes.';
        return;
      }
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', `${base}/files/${filePath(target)}`);
      xhr.setRequestHeader(CSRF_HEADER, me.csrf);
      xhr.upload.addEventListener('progress', (e) => {
        if (!e.lengthComputable) return;
        setProgress(bar, (100 * e.loaded) / e.total);
        barText.textContent = `${bytes(e.loaded)} of ${bytes(e.total)}`;
      });
      xhr.addEventListener('load', () => {
        let problem = {};
        try { problem = JSON.parse(xhr.responseText || '{}'); } catch { /* not JSON: the status says enough */ }
        if (xhr.status === 401) { signedOut('Your session ended; sign in again.'); return; }
        const ok = xhr.status >= 200 && xhr.status < 300;
        message.className = ok ? 'message' : 'message error';
        message.textContent = ok ? `Uploaded ${target}.` : `The upload was refused: ${problemText({ status: xhr.status, problem })}.`;
        setProgress(bar, ok ? 100 : 0);
        barText.textContent = ok ? 'done' : '';
        poller.now();
      });
      xhr.addEventListener('error', () => {
        message.className = 'message error';
        message.textContent = 'The upload was interrupted.';
      });
      setProgress(bar, 0);
      xhr.send(chosen);
    });
  }

  // ---- Start --------------------------------------------------------------------------------------------------
  applyTheme(localStorage.getItem('edgejobs.theme'));
  (async () => {
    const result = await api('GET', '/ui/session');
    if (result.ok && result.data.signed_in) {
      me = result.data;
      started();
    } else {
      signInPage(result.ok ? '' : problemText(result));
    }
  })();
})();
