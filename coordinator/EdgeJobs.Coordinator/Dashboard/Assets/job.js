// One job (#/jobs/ID): progress, error, params, events, the log as it grows, stop, delete, its artifact; a recipe's
// steps, a campaign batch's children.
import {
  TERMINAL, JOB_EVERY_MS, main, h, setText, say, badge, setBadge, when, bytes, progressText, progressBar,
  setProgress, facts, table, api, problemText, poll, pageTitle,
} from './core.js';

export async function jobPage(idText) {
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
