// What every page of the dashboard shares: building elements, calling REST API v1 with the session cookie, and polling.
// Every text from the API is set as textContent, never parsed as HTML.
export const CSRF_HEADER = 'X-EdgeJobs-CSRF';
export const TERMINAL = new Set(['stopped', 'completed', 'failed', 'partial']);
export const STATES = ['scheduled', 'running', 'stop_requested', 'stopping', 'stopped', 'completed', 'failed', 'partial'];
export const JOBS_EVERY_MS = 2000;
export const JOB_EVERY_MS = 1000;
export const SLOW_EVERY_MS = 5000;

export const main = document.getElementById('main');
const toast = document.getElementById('toast');
// The signed-in session (name, org, scopes, csrf), in memory only; null when signed out.
export const session = { me: null };
let pollers = []; // the current page's, stopped when the page changes
let endings = []; // what the current page set up outside main (a map, its listeners), undone when the page changes
// The current page's reads in flight, aborted when the page goes and before signing out: a read answered after the
// session ended would be a 401 the browser logs, for a page nobody sees any more.
let pageReads = new AbortController();
let onSessionEnded = () => {};

// A 401 after sign-in: the session ended; unwinds the caller, which must not render anything more.
export class SessionEnded extends Error {}

/** What to do when the coordinator no longer knows the session (app.js shows the sign-in page). */
export function whenSessionEnds(handler) {
  onSessionEnded = handler;
}

export function endSession(message) {
  onSessionEnded(message);
}

// ---- DOM ----
export function h(tag, props, ...kids) {
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

export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

export function say(text) {
  toast.textContent = text;
  clearTimeout(say.timer);
  say.timer = setTimeout(() => { toast.textContent = ''; }, 4000);
}

export function badge(state, testid) {
  return h('span', { class: `badge s-${state}`, 'data-testid': testid }, state);
}

export function setBadge(el, state) {
  if (el.textContent === state) return;
  el.textContent = state;
  el.className = `badge s-${state}`;
}

export function age(iso) {
  if (!iso) return '';
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return `${Math.floor(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}

export const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

export function bytes(n) {
  if (n == null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

export function progressText(progress) {
  if (!progress) return '';
  const percent = progress.percent == null ? '' : `${Math.floor(progress.percent)}%`;
  return [percent, progress.phase].filter(Boolean).join(' ');
}

export function progressBar(label) {
  return h('progress', { max: 100, 'aria-label': label });
}

export function setProgress(bar, percent) {
  if (percent == null) bar.removeAttribute('value');
  else bar.value = Math.min(100, Math.max(0, percent));
}

export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', null, k), h('dd', null, v ?? '—')]));
}

export function table(caption, heads, body) {
  return h('div', { class: 'scroll' }, h('table', null,
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', null, h('tr', null, heads.map((x) => (typeof x === 'string' ? h('th', { scope: 'col' }, x) : x)))),
    body));
}

// ---- API ----
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && session.me) headers[CSRF_HEADER] = session.me.csrf;
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response;
  try {
    // Only reads are aborted with their page; a stop or delete, once sent, is left to finish.
    const signal = method === 'GET' ? pageReads.signal : undefined;
    response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store', signal });
  } catch (e) {
    return e && e.name === 'AbortError'
      ? { ok: false, status: 0, aborted: true, problem: { detail: 'the page was left' } }
      : { ok: false, status: 0, problem: { detail: 'the coordinator cannot be reached' } };
  }
  if (response.status === 401 && session.me) {
    endSession('Your session ended; sign in again.');
    throw new SessionEnded();
  }
  const json = (response.headers.get('content-type') || '').includes('json') ? await response.json().catch(() => null) : null;
  return response.ok ? { ok: true, status: response.status, data: json } : { ok: false, status: response.status, problem: json || {} };
}

export function problemText(result) {
  const p = result.problem || {};
  const text = p.detail || p.title || `the coordinator answered ${result.status}`;
  return p.error_code ? `${text} (${p.error_code})` : text;
}

export const has = (scope) => session.me && (session.me.scopes.includes(scope) || (session.me.scopes.includes('jobs:admin') && scope !== 'agent'));
export const isAdmin = () => has('jobs:admin');
export const filePath = (path) => path.split('/').map(encodeURIComponent).join('/');

// ---- Polling ----
// Runs fn now and then every `every` ms after the previous run ended, skipping runs while the tab is hidden.
// Never two runs at once: now() during a run asks for one more right after it. fn returns false to stop (a
// finished job has nothing more to say).
export function poll(fn, every) {
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

// Runs `fn` when the current page goes (navigation or sign-out).
export function onPageEnd(fn) {
  endings.push(fn);
}

export function stopPage() {
  pollers.forEach((p) => p.stop());
  pollers = [];
  for (const end of endings.splice(0)) {
    try { end(); } catch { /* a page's own teardown must not stop the next page */ }
  }
  pageReads.abort(); // and later reads too, until startPage: a poll mid-run must not read after a sign-out
}

export function startPage() {
  pageReads = new AbortController();
}

export function pageTitle(text, ...extra) {
  document.title = `${text} · EdgeJobs`;
  return h('h1', null, text, ...extra);
}

// Redraws `container` from `data` only when the data changed, and gives keyboard focus back to the same control
// afterwards (found by its row's data-testid, tag, text and link): a page that refreshes every few seconds must not
// pull the focus out from under a keyboard user.
export function redraw(container, data, build) {
  const signature = JSON.stringify(data);
  if (container.dataset.signature === signature) return;
  const focused = document.activeElement;
  const key = focused && focused !== document.body && container.contains(focused) ? focusKey(focused) : null;
  container.replaceChildren(...build().filter((node) => node != null && node !== false));
  container.dataset.signature = signature;
  if (key) restoreFocus(container, key);
}

function focusKey(element) {
  const row = element.closest('[data-testid]');
  return { row: row ? row.dataset.testid : null, tag: element.tagName, text: element.textContent, href: element.getAttribute('href') };
}

function restoreFocus(container, key) {
  const scope = key.row ? container.querySelector(`[data-testid="${CSS.escape(key.row)}"]`) : container;
  const match = scope && [...scope.querySelectorAll(key.tag)].find((e) => e.textContent === key.text && e.getAttribute('href') === key.href);
  if (match) match.focus();
}
