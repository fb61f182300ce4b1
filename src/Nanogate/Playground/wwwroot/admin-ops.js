// The admin console's operator views: account search and paging, rename / disable / deduct, the task search with
// its detail dialog and webhook re-send, the audit log and the usage chart (Chart.js, vendored under /ui/vendor).
import { h, $, toast, fmtInt, fmtTime, fmtRelative } from './common.js';

const q = (params) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, v);
  const text = s.toString();
  return text ? `?${text}` : '';
};

/** A cursor pager: `after` cursors of the pages seen, so "Newer" goes back and "Older" forward. */
function pager(prevSel, nextSel, load) {
  const stack = [];
  let current = null;
  let next = null;
  $(prevSel).addEventListener('click', () => { current = stack.pop() ?? null; load(); });
  $(nextSel).addEventListener('click', () => { if (next) { stack.push(current); current = next; load(); } });
  return {
    get cursor() { return current; },
    reset() { stack.length = 0; current = null; },
    update(nextCursor) {
      next = nextCursor;
      $(prevSel).disabled = stack.length === 0 && current === null;
      $(nextSel).disabled = !nextCursor;
    },
  };
}

const debounce = (fn, ms = 250) => {
  let t;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
};

// ---------- accounts: search and paging ----------
export function accountList(call, onPage) {
  const search = $('#account-search');
  const pages = pager('#accounts-prev', '#accounts-next', () => load().then(onPage));
  async function load() {
    const { data } = await call(`/accounts${q({ q: search.value.trim(), limit: 20, after: pages.cursor })}`);
    pages.update(data.next_after);
    $('#accounts-count').textContent = `${fmtInt(data.total)} account${data.total === 1 ? '' : 's'}${search.value.trim() ? ' found' : ''}`;
    data.searched = search.value.trim() !== '';
    return data;
  }
  search.addEventListener('input', debounce(() => { pages.reset(); load().then(onPage).catch((e) => toast(e.message, 'error')); }));
  return { load };
}

// ---------- one account: rename, disable / enable, deduct ----------
export function accountControls(a, call, changed) {
  const name = h('input', { type: 'text', id: 'rename-input', value: a.name, maxLength: 100, autocomplete: 'off', required: true });
  const rename = h('form.input-group', { id: 'rename-form' }, h('label.sr-only', { for: 'rename-input' }, 'Account name'), name,
    h('button.btn', { type: 'submit' }, 'Rename'));
  rename.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await call(`/accounts/${encodeURIComponent(a.id)}`, { method: 'PATCH', body: { name: name.value } });
      toast('Account renamed', 'ok');
      await changed();
    } catch (err) { toast(err.message, 'error'); }
  });

  const toggle = h(`button.btn${a.disabled ? '.primary' : '.danger'}`, { type: 'button', id: 'account-toggle' }, a.disabled ? 'Enable account' : 'Disable account');
  toggle.addEventListener('click', async () => {
    if (!a.disabled && !confirm(`Disable ${a.name}? Its keys are refused (403) at once on every server; its credits and tasks are kept.`)) return;
    try {
      await call(`/accounts/${encodeURIComponent(a.id)}`, { method: 'PATCH', body: { disabled: !a.disabled } });
      toast(`${a.name} ${a.disabled ? 'enabled' : 'disabled'}`, 'ok');
      await changed();
    } catch (err) { toast(err.message, 'error'); }
  });

  const credits = h('input', { type: 'number', id: 'deduct-credits', min: '1', step: '1', placeholder: '100', inputMode: 'numeric', required: true });
  const reason = h('input', { type: 'text', id: 'deduct-reason', maxLength: 500, placeholder: 'chargeback, correction…', required: true });
  const note = h('p.hint', { id: 'deduct-note', 'aria-live': 'polite' }, `At most the ${fmtInt(a.credits.available)} available credits; the reason is kept on the ledger and in the audit log.`);
  const deduct = h('form.stack', { id: 'deduct-form' },
    h('div.row-flex',
      h('div.field', h('label.label', { for: 'deduct-credits' }, 'Credits'), credits),
      h('div.field.grow', h('label.label', { for: 'deduct-reason' }, 'Reason'), reason),
      h('button.btn.danger', { type: 'submit' }, 'Deduct')),
    note);
  deduct.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const { data } = await call(`/accounts/${encodeURIComponent(a.id)}/deductions`, { method: 'POST', body: { credits: Math.floor(Number(credits.value)), reason: reason.value } });
      toast(`Deducted ${fmtInt(data.deducted)} credits from ${a.name}`, 'ok');
      await changed();
    } catch (err) {
      note.textContent = err.message;
      note.classList.add('error-text');
    }
  });

  return h('div.stack', { id: 'account-controls' },
    a.disabled ? h('div.alert.error', { role: 'status' }, h('span.alert-body', h('strong', 'Disabled '), `since ${fmtTime(a.disabled_at)}: its keys answer 403.`)) : null,
    h('div.subhead', h('h3', 'Account')),
    h('div.row-flex', rename, toggle),
    h('hr.sep'),
    h('div.subhead', h('h3', 'Deduct credits')),
    deduct);
}

// ---------- tasks: search, filters, paging, detail ----------
export function taskList(call, catalog) {
  const models = $('#task-model');
  for (const m of catalog?.data ?? []) models.append(h('option', { value: m.id }, m.display_name || m.id));
  const pages = pager('#tasks-prev', '#tasks-next', () => load());
  const host = $('#tasks-body');

  async function load() {
    const from = $('#task-from').value;
    const to = $('#task-to').value;
    let data;
    try {
      ({ data } = await call(`/tasks${q({
        q: $('#task-search').value.trim(), status: $('#task-status').value, model: models.value,
        from: from || undefined, to: to ? new Date(new Date(`${to}T00:00:00Z`).getTime() + 86400000).toISOString() : undefined,
        limit: 20, after: pages.cursor,
      })}`));
    } catch (err) {
      host.replaceChildren(h('div.empty-state', { dataset: { testid: 'tasks-error' } }, err.message));
      return;
    }
    pages.update(data.next_after);
    $('#tasks-count').textContent = `${fmtInt(data.total)} task${data.total === 1 ? '' : 's'}`;
    if (!data.data.length) {
      host.replaceChildren(h('div.empty-state', h('strong', 'No tasks match'), 'Tasks submitted to POST /v1/images/generations appear here.'));
      return;
    }
    host.replaceChildren(h('table',
      h('thead', h('tr', h('th', 'Task'), h('th.hide-sm', 'Account'), h('th', 'Status'), h('th.num.hide-sm', 'Images'), h('th.num', 'Credits'))),
      h('tbody', data.data.map((t) => {
        const tr = h('tr.clickable', { dataset: { taskId: t.task_id } },
          h('td.prompt-cell', { title: `${t.prompt_preview}\n${t.task_id}` },
            h('button.linklike.ellipsis', { type: 'button', onclick: () => openTask(t.task_id) }, t.prompt_preview || h('span.faint', '(no prompt)')),
            h('div.faint.ellipsis', [fmtRelative(t.created_at), t.model.replace(/^gemini-/, ''), t.aspect_ratio, t.resolution].filter(Boolean).join(' · '))),
          h('td.hide-sm.nowrap', t.account_name),
          h('td.nowrap', h(`span.badge.${t.status}`, t.status.replace('_', ' ')), t.error ? h('div.faint', t.error.code) : null),
          h('td.num.hide-sm', `${t.images.succeeded}/${t.n}`),
          h('td.num.nowrap', h('strong', fmtInt(t.credits.charged)), t.credits.refunded ? h('div.faint', `${fmtInt(t.credits.refunded)} refunded`) : h('div.faint', `of ${fmtInt(t.credits.reserved)}`)));
        tr.addEventListener('click', (e) => { if (!e.target.closest('button')) openTask(t.task_id); });
        return tr;
      }))));
  }

  const reload = () => { pages.reset(); load(); };
  $('#task-filters').addEventListener('submit', (e) => { e.preventDefault(); reload(); });
  $('#task-search').addEventListener('input', debounce(reload));
  for (const sel of ['#task-status', '#task-model', '#task-from', '#task-to']) $(sel).addEventListener('change', reload);

  const dialog = $('#task-dialog');
  $('#task-dialog-close').addEventListener('click', () => dialog.close());

  async function openTask(id) {
    let d;
    try {
      ({ data: d } = await call(`/tasks/${encodeURIComponent(id)}`));
    } catch (err) {
      toast(err.message, 'error');
      return;
    }
    const t = d.task;
    // Only an ended task that had somewhere to notify can be re-sent (the server answers 409 otherwise): say why here.
    const ended = ['succeeded', 'partially_succeeded', 'failed', 'canceled'].includes(t.status);
    const why = !ended ? 'The task has not ended yet.' : d.webhooks.length ? '' : 'Nothing to re-send: the task has no callback_url and its account no webhook URL.';
    const resend = h('button.btn', { type: 'button', id: 'webhook-resend', disabled: !!why, title: why }, 'Re-send webhook');
    resend.addEventListener('click', async () => {
      resend.disabled = true;
      try {
        const { data } = await call(`/tasks/${encodeURIComponent(id)}/webhook`, { method: 'POST' });
        toast(`Webhook queued: ${data.deliveries.map((x) => x.id).join(', ')}`, 'ok');
        await openTask(id);
      } catch (err) {
        toast(err.message, 'error', 8000);
        resend.disabled = false;
      }
    });
    $('#task-dialog-title').replaceChildren('Task ', h('span.mono', id));
    $('#task-dialog-body').replaceChildren(
      h('dl.kv',
        h('dt', 'Account'), h('dd', d.account_name || '', ' ', h('span.mono.faint', d.account_id)),
        h('dt', 'Status'), h('dd', h(`span.badge.${t.status}`, t.status.replace('_', ' ')), t.error ? ` ${t.error.code}: ${t.error.message}` : ''),
        h('dt', 'Model'), h('dd', t.model),
        h('dt', 'Submitted'), h('dd', fmtTime(t.created_at), t.completed_at ? ` · ended ${fmtTime(t.completed_at)}` : ''),
        h('dt', 'Credits'), h('dd', `${fmtInt(t.credits.charged)} charged of ${fmtInt(t.credits.reserved)} held · ${fmtInt(t.credits.refunded)} refunded`)),
      h('div.subhead', h('h3', 'Prompt')),
      h('p.prompt-full', { dataset: { testid: 'task-prompt' } }, t.request?.prompt || ''),
      h('div.subhead', h('h3', `Images (${d.images.length})`)),
      h('div.task-images', d.images.map((i) => h('figure.task-image', { dataset: { index: i.index, status: i.status } },
        i.url ? h('a', { href: i.url, target: '_blank', rel: 'noopener' }, h('img', { src: i.url, alt: `Image ${i.index + 1} of ${id}`, loading: 'lazy' })) : h('div.placeholder', i.status),
        h('figcaption', h(`span.badge.${i.status}`, i.status), ` #${i.index + 1} · ${i.attempts} attempt${i.attempts === 1 ? '' : 's'}${i.channel ? ` · ${i.channel}` : ''}`,
          i.error ? h('div.error-text', `${i.error.code}: ${i.error.message}`) : null)))),
      h('div.subhead', h('h3', `Webhooks (${d.webhooks.length})`), resend),
      d.webhooks.length
        ? h('table.webhooks', h('thead', h('tr', h('th', 'Message'), h('th', 'Status'), h('th.num', 'Attempts'), h('th', 'Last answer'))),
          h('tbody', d.webhooks.map((w) => h('tr', { dataset: { messageId: w.id } },
            h('td', h('span.mono', w.id), h('div.faint.ellipsis', w.url)),
            h('td', h(`span.badge.${w.status === 'delivered' ? 'succeeded' : w.status === 'pending' ? 'pending' : 'failed'}`, w.status), h('div.faint', fmtRelative(w.created_at))),
            h('td.num', fmtInt(w.attempts)),
            h('td', w.last_status ? `HTTP ${w.last_status}` : '', w.last_error ? h('div.faint', w.last_error) : null)))))
        : h('div.empty-state', 'No webhook: the task has no callback_url and its account no webhook URL.'));
    if (!dialog.open) dialog.showModal();
  }

  return { load, openTask };
}

// ---------- audit log ----------
export function auditLog(call) {
  const pages = pager('#audit-prev', '#audit-next', () => load());
  const host = $('#audit-body');
  async function load() {
    let data;
    try {
      ({ data } = await call(`/audit${q({ limit: 15, before: pages.cursor })}`));
    } catch (err) {
      host.replaceChildren(h('div.empty-state', err.message));
      return;
    }
    pages.update(data.next_before);
    if (!data.data.length) {
      host.replaceChildren(h('div.empty-state', h('strong', 'Nothing recorded yet'), 'Changes made with the admin key or the command line appear here.'));
      return;
    }
    host.replaceChildren(h('table',
      h('thead', h('tr', h('th', 'When'), h('th', 'Who'), h('th', 'What'), h('th', 'Target'), h('th.hide-sm', 'Detail'), h('th.hide-sm', 'From'))),
      h('tbody', data.data.map((e) => h('tr', { dataset: { action: e.action } },
        h('td.nowrap', { title: e.at }, fmtRelative(e.at)),
        h('td.mono.nowrap', e.actor),
        h('td', h('strong', e.action)),
        h('td.mono', e.target || ''),
        h('td.hide-sm.faint.ellipsis', e.detail ? JSON.stringify(e.detail) : ''),
        h('td.hide-sm.mono', e.ip || ''))))));
  }
  return { load };
}

// ---------- usage chart ----------
let chartLib = null;
function loadChartLib() {
  chartLib ??= new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/ui/vendor/chart.umd.min.js';
    s.onload = () => resolve(window.Chart);
    s.onerror = () => reject(new Error('The chart library did not load.'));
    document.head.append(s);
  });
  return chartLib;
}

const PALETTE = ['#f2b705', '#2563eb', '#16a34a', '#dc2626', '#9333ea', '#0891b2', '#ea580c', '#64748b'];
let chart = null;

/**
 * Draws usage: with bucketed rows ({bucket_start, account_id, credits_charged, …}) a stacked bar per bucket and
 * account; with the older shape (one row per account and model, no bucket_start) one bar per account.
 * `bucket` ("day" or "hour") is the width asked for: it picks the labels (a UTC date, or a local date and hour).
 * Returns which shape it drew ("buckets" or "totals").
 */
/** A usage row's account as the console shows it: the name the server gives every row grouped by account, else the id. */
export const accountLabel = (r) => r.account_name || r.account_id;

export async function drawUsage(rows, bucket) {
  const canvas = $('#usage-chart');
  const wrap = $('#usage-chart-wrap');
  if (!rows.length) {
    wrap.hidden = true;
    return 'none';
  }
  wrap.hidden = false;
  const Chart = await loadChartLib();
  const bucketed = rows.some((r) => r.bucket_start);
  let labels;
  let datasets;
  if (bucketed) {
    const buckets = [...new Set(rows.map((r) => r.bucket_start))].sort();
    const accounts = [...new Set(rows.map(accountLabel))];
    // The bucket asked for, else guessed from the times (the server writes them as …T00:00:00+00:00, not …Z).
    const hourly = bucket ? bucket === 'hour' : buckets.some((b) => new Date(b).getUTCHours() !== 0);
    labels = buckets.map((b) => (hourly ? new Date(b).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit' }) : new Date(b).toLocaleDateString([], { month: 'short', day: 'numeric', timeZone: 'UTC' })));
    datasets = accounts.map((acct, i) => ({
      label: acct,
      backgroundColor: PALETTE[i % PALETTE.length],
      data: buckets.map((b) => rows.filter((r) => r.bucket_start === b && accountLabel(r) === acct).reduce((s, r) => s + (r.credits_charged || 0), 0)),
    }));
  } else {
    const accounts = [...new Set(rows.map(accountLabel))];
    labels = accounts;
    datasets = [{
      label: 'Credits charged (30 days)',
      backgroundColor: PALETTE[0],
      data: accounts.map((acct) => rows.filter((r) => accountLabel(r) === acct).reduce((s, r) => s + (r.credits_charged || 0), 0)),
    }];
  }
  const dark = matchMedia('(prefers-color-scheme: dark)').matches;
  const ink = dark ? '#9aa3b0' : '#5b6472';
  const grid = dark ? '#252a33' : '#e2e5ea';
  chart?.destroy();
  chart = new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: bucketed, labels: { color: ink } }, tooltip: { mode: 'index' } },
      scales: {
        x: { stacked: true, ticks: { color: ink }, grid: { display: false } },
        y: { stacked: true, beginAtZero: true, ticks: { color: ink }, grid: { color: grid }, title: { display: true, text: 'credits charged', color: ink } },
      },
    },
  });
  canvas.dataset.shape = bucketed ? 'buckets' : 'totals';
  canvas.setAttribute('aria-label', bucketed ? 'Credits charged per time bucket, stacked by account' : 'Credits charged per account in the last 30 days');
  return canvas.dataset.shape;
}
