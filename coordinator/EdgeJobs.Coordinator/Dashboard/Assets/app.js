// EdgeJobs dashboard: hand-written modules, no framework and no build step (Dashboard/ARCHITECTURE.md says why).
// This one signs in and out, keeps the theme and routes #/… to the pages. The page talks only to this origin's REST
// API v1 with the session cookie; the token is sent once to /ui/session and never kept. Pages poll what they show,
// only while the tab is visible, and stop when the page changes.
import {
  CSRF_HEADER, main, session, whenSessionEnds, h, api, problemText, isAdmin, stopPage, startPage,
} from './core.js';
import { jobsPage } from './jobs.js';
import { jobPage } from './job.js';
import { nodesPage } from './nodes.js';
import { campaignsPage, campaignPage } from './campaigns.js';
import { datasetsPage, datasetPage } from './datasets.js';

// ---- Session ----
function signedOut(message) {
  session.me = null;
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
    session.me = result.data;
    started();
  });
  main.replaceChildren(form);
  input.focus();
}

async function signOut() {
  stopPage(); // no read of this page may come back 401 after the session ends
  await fetch('/ui/session', { method: 'DELETE', headers: { [CSRF_HEADER]: session.me ? session.me.csrf : '' }, credentials: 'same-origin' });
  signedOut('Signed out.');
}

function started() {
  document.getElementById('top').hidden = false;
  document.getElementById('who').textContent = `${session.me.name}${session.me.org ? ` (${session.me.org})` : ''}`;
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

// ---- Routing ----
function route() {
  if (location.hash && !location.hash.startsWith('#/')) return; // the skip link and other in-page anchors
  if (!session.me) return;
  stopPage();
  startPage();
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


// ---- Start ----
whenSessionEnds(signedOut);
applyTheme(localStorage.getItem('edgejobs.theme'));
(async () => {
  const result = await api('GET', '/ui/session');
  if (result.ok && result.data.signed_in) {
    session.me = result.data;
    started();
  } else {
    signInPage(result.ok ? '' : problemText(result));
  }
})();
