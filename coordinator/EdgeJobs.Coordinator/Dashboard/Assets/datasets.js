// Datasets (#/datasets) and one dataset's entries, uploads with progress and downloads (#/datasets/ORG/NAME).
import {
  CSRF_HEADER, SLOW_EVERY_MS, main, session, endSession, h, when, bytes, progressBar, setProgress, table, api,
  problemText, filePath, poll, pageTitle, redraw,
} from './core.js';

export function datasetsPage() {
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
    redraw(tbody, result.data.datasets, () => result.data.datasets.map((d) => h('tr', { 'data-testid': `dataset-row-${d.org}-${d.name}` },
      h('td', null, h('a', { href: `#/datasets/${encodeURIComponent(d.org)}/${encodeURIComponent(d.name)}` }, `${d.org}/${d.name}`)),
      h('td', { class: 'num' }, d.entries), h('td', { class: 'num' }, bytes(d.bytes_used)),
      h('td', { class: 'num' }, d.byte_quota == null ? 'none' : bytes(d.byte_quota)), h('td', { class: 'wide' }, when(d.created_at)))));
  }, SLOW_EVERY_MS);
}

export function datasetPage(org, name, params) {
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
    redraw(tbody, result.data.entries, () => result.data.entries.map((e) => h('tr', { 'data-testid': `entry-row-${e.path}` },
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
    xhr.setRequestHeader(CSRF_HEADER, session.me.csrf);
    xhr.upload.addEventListener('progress', (e) => {
      if (!e.lengthComputable) return;
      setProgress(bar, (100 * e.loaded) / e.total);
      barText.textContent = `${bytes(e.loaded)} of ${bytes(e.total)}`;
    });
    xhr.addEventListener('load', () => {
      let problem = {};
      try { problem = JSON.parse(xhr.responseText || '{}'); } catch { /* not JSON: the status says enough */ }
      if (xhr.status === 401) { endSession('Your session ended; sign in again.'); return; }
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
