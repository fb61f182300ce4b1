// The admin console: accounts, keys, credit top-ups, channels, recent tasks and usage (admin key).
import {
  STORE, store, api, h, $, icon, toast, copyText, keyDialog, fmtInt, fmtUsd, fmtTime, fmtRelative, fmtDuration, maskKey,
} from './common.js';
import { accountList, accountControls, taskList, auditLog, drawUsage, accountLabel } from './admin-ops.js';

const state = { accounts: [], selected: null, catalog: null, lastKey: null };
const adminKey = () => store.get(STORE.adminKey);
const call = (path, opts = {}) => api(`/admin/v1${path}`, { key: adminKey(), ...opts });

// ---------- the admin key ----------
const pill = $('#admin-pill');
const keyUi = keyDialog({
  id: 'admin',
  title: 'Admin key',
  hint: ['The operator key for ', h('code', '/admin/v1'), ': printed on the server\'s first start, or set with ', h('code', 'Admin:ApiKey'), '. Kept in this browser.'],
  label: 'Admin key',
  placeholder: 'sk-admin-…',
  save: 'Unlock console',
});

function renderPill(ok) {
  const key = adminKey();
  pill.dataset.state = !key ? 'none' : ok ? 'ok' : 'error';
  pill.replaceChildren(h('span.dot'), !key ? h('span', 'Add admin key') : h('span.key-id.mono', maskKey(key)),
    !key ? '' : h('span.balance', ok ? 'admin' : 'key rejected'));
  pill.setAttribute('aria-label', !key ? 'Add the admin key' : `Admin key ${maskKey(key)}. Change key`);
}

const openDialog = () => keyUi.open(adminKey());

pill.addEventListener('click', openDialog);
keyUi.forget.addEventListener('click', () => {
  store.remove(STORE.adminKey);
  keyUi.dialog.close();
  locked();
});
keyUi.form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const key = keyUi.input.value.trim();
  const err = keyUi.error;
  if (!key) {
    err.hidden = false;
    err.textContent = 'Paste the admin key.';
    return;
  }
  try {
    await api('/admin/v1/accounts', { key });
    store.set(STORE.adminKey, key);
    keyUi.dialog.close();
    await loadAll();
  } catch (ex) {
    err.hidden = false;
    err.textContent = ex.status === 401 ? 'This is not the admin key (401). Use the key printed on first start, or Admin:ApiKey.' : ex.message;
  }
});

function locked(message) {
  renderPill(false);
  $('#console').hidden = true;
  $('#admin-notice').replaceChildren(h('div.empty',
    h('div.art', icon('key')),
    h('h2', 'Unlock the admin console'),
    h('p', message || 'The console needs the operator key. It is kept in this browser only.'),
    h('button.btn.primary', { type: 'button', onclick: openDialog }, 'Enter admin key')));
}

// ---------- loading ----------
async function loadAll() {
  if (!adminKey()) {
    locked();
    return;
  }
  try {
    const page = await ops.accounts.load();
    state.accounts = page.data;
    if (!page.searched) state.accountTotal = page.total;
  } catch (err) {
    locked(err.status === 401 ? 'The saved admin key was rejected. Enter the current one.' : err.message);
    return;
  }
  renderPill(true);
  $('#admin-notice').replaceChildren();
  $('#console').hidden = false;
  if (!state.selected && state.accounts.length) state.selected = state.accounts[0].id;
  renderAccounts();
  await Promise.all([renderDetail(), loadChannels(), loadTasks(), loadUsage(), loadUsageOverTime(), ops.audit.load()]);
  renderStats();
}

function renderStats(channels) {
  if (channels) state.channels = channels;
  const sum = (f) => state.accounts.reduce((a, x) => a + f(x), 0);
  const ch = state.channels || [];
  const stats = [
    ['Accounts', fmtInt(state.accountTotal ?? state.accounts.length)],
    ['Credits available', fmtInt(sum((a) => a.credits.available))],
    ['Credits charged', fmtInt(sum((a) => a.credits.charged))],
    ['Channels healthy', `${ch.filter((c) => c.health === 'healthy').length} / ${ch.length}`],
  ];
  $('#stats').replaceChildren(...stats.map(([k, v]) => h('div.stat', h('div.k', k), h('div.v', v))));
}

function renderAccounts() {
  const tbody = $('#accounts-table tbody');
  if (!state.accounts.length) {
    tbody.replaceChildren(h('tr', h('td', { colSpan: 5 }, h('div.empty-state', h('strong', 'No accounts yet'), 'Create one above to issue keys and credits.'))));
    return;
  }
  tbody.replaceChildren(...state.accounts.map((a) => {
    const tr = h(`tr.clickable${a.id === state.selected ? '.selected' : ''}`, { dataset: { id: a.id } },
      h('td', h('button.linklike', { type: 'button', 'aria-pressed': String(a.id === state.selected), onclick: () => select(a.id) }, h('strong', a.name)),
        a.disabled ? h('span.badge.failed', { dataset: { testid: 'disabled' } }, 'disabled') : null, h('div.faint.mono', a.id)),
      h('td.num', h('strong', fmtInt(a.credits.available))),
      h('td.num.hide-sm', fmtInt(a.credits.reserved)),
      h('td.num', fmtInt(a.credits.charged)),
      h('td.num.hide-sm', fmtInt(a.credits.topped_up)));
    tr.addEventListener('click', (e) => { if (!e.target.closest('button')) select(a.id); });
    return tr;
  }));
}

async function select(id) {
  state.selected = id;
  state.lastKey = null;
  renderAccounts();
  await renderDetail();
  if (window.matchMedia('(max-width: 1100px)').matches) $('#detail').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

async function refreshAccounts() {
  const page = await ops.accounts.load();
  state.accounts = page.data;
  if (!page.searched) state.accountTotal = page.total;
  renderAccounts();
  renderStats();
}

// ---------- account detail: keys and credits ----------
// The detail is drawn whole after its reads, and only by the newest call: a slower, older call (the first page
// load racing a click) must not replace the panel, or what was typed into it, after the newer one drew it.
let detailSeq = 0;

async function renderDetail() {
  const seq = ++detailSeq;
  let a = state.accounts.find((x) => x.id === state.selected);
  if (!a && state.selected) {
    // Selected, but not on the page shown (a search or another page): fetch it alone.
    try { ({ data: a } = await call(`/accounts/${encodeURIComponent(state.selected)}`)); } catch { a = null; }
    if (seq !== detailSeq) return;
  }
  const body = $('#detail-body');
  if (!a) {
    $('#detail-title').textContent = 'Account';
    $('#detail-sub').textContent = 'No account selected';
    body.replaceChildren(h('div.empty-state', 'Select or create an account.'));
    return;
  }
  let keys = [];
  try {
    ({ data: { data: keys } } = await call(`/accounts/${encodeURIComponent(a.id)}/keys`));
  } catch (err) {
    toast(err.message, 'error');
  }
  if (seq !== detailSeq) return;
  $('#detail-title').textContent = a.name;
  $('#detail-sub').replaceChildren(h('span.mono', a.id), ` · created ${fmtTime(a.created_at)}`);

  const keyForm = h('form.input-group', { id: 'key-create-form' },
    h('label.sr-only', { for: 'new-key-name' }, 'New key name'),
    h('input', { type: 'text', id: 'new-key-name', placeholder: 'Key name, e.g. production', autocomplete: 'off' }),
    h('button.btn', { type: 'submit' }, 'Create key'));
  keyForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = $('#new-key-name').value.trim() || null;
    try {
      const { data } = await call(`/accounts/${encodeURIComponent(a.id)}/keys`, { method: 'POST', body: name ? { name } : {} });
      state.lastKey = { accountId: a.id, key: data.key, id: data.id };
      toast('Key created: copy it now, it is shown once.', 'ok');
      await renderDetail();
    } catch (err) {
      toast(err.message, 'error');
    }
  });

  const secret = state.lastKey && state.lastKey.accountId === a.id
    ? h('div.stack',
      h('div.alert.ok', { role: 'status' }, h('span.alert-body', h('strong', 'New key: '), 'copy it now. It is shown once and stored only as a hash.')),
      h('div.secret', { dataset: { testid: 'new-key' } }, h('code#new-key', state.lastKey.key),
        h('button.btn.small', { type: 'button', onclick: (e) => copyText(state.lastKey.key, e.currentTarget) }, 'Copy')))
    : null;

  const keyRows = keys.length ? h('div.key-list', keys.map((k) => h(`div.key-row${k.revoked_at ? '.revoked' : ''}`, { dataset: { keyId: k.id } },
    h('div.grow',
      h('div', h('span.mono', `${k.prefix}…`), ' ', k.name ? h('strong', k.name) : h('span.faint', 'unnamed')),
      h('div.faint', k.revoked_at ? `revoked ${fmtRelative(k.revoked_at)}` : `created ${fmtRelative(k.created_at)}`,
        k.last_used_at ? ` · last used ${fmtRelative(k.last_used_at)}` : ' · never used'),
      keyControlsLine(k) ? h('div.faint.key-controls', keyControlsLine(k)) : null),
    k.revoked_at ? h('span.badge.revoked', 'Revoked')
      : h('div.row',
        h('button.btn.small', { type: 'button', 'aria-label': `Limits of key ${k.prefix}`, onclick: () => editKeyControls(k) }, 'Limits'),
        h('button.btn.small.danger', { type: 'button', 'aria-label': `Revoke key ${k.prefix}`, onclick: () => revoke(k) }, 'Revoke')))))
    : h('div.empty-state', 'No keys yet.');

  // Top-up: plain credits, or dollars paid for a package (the package sets credits per dollar).
  const packages = state.catalog?.packages ?? [];
  const mode = h('select', { id: 'topup-mode' },
    h('option', { value: 'credits' }, 'Credits'),
    ...packages.map((p) => h('option', { value: p.id }, `${p.name} package · $1 = ${fmtInt(p.credits_per_usd)} credits`)));
  const amount = h('input', { type: 'number', id: 'topup-amount', min: '1', step: '1', placeholder: '10000', inputMode: 'numeric', required: true });
  const amountLabel = h('label.label', { for: 'topup-amount' }, 'Credits');
  const preview = h('p.hint', { id: 'topup-preview', 'aria-live': 'polite' });
  const updatePreview = () => {
    const p = packages.find((x) => x.id === mode.value);
    amountLabel.textContent = p ? 'Dollars paid' : 'Credits';
    amount.placeholder = p ? String(Math.max(p.minimum_usd, 10)) : '10000';
    amount.step = p ? '0.01' : '1';
    const v = Number(amount.value);
    preview.textContent = p
      ? `${v ? `$${v} → ${fmtInt(Math.floor(v * p.credits_per_usd))} credits. ` : ''}The ${p.name} package starts at ${fmtUsd(p.minimum_usd)}.`
      : v ? `Adds ${fmtInt(v)} credits (about ${fmtUsd(v / Math.max(...packages.map((x) => x.credits_per_usd), 1))}–${fmtUsd(v / Math.min(...packages.map((x) => x.credits_per_usd), 1e9))}).` : '';
  };
  mode.addEventListener('change', updatePreview);
  amount.addEventListener('input', updatePreview);
  const topup = h('form.stack', { id: 'topup-form' },
    h('div.row-flex',
      h('div.field', h('label.label', { for: 'topup-mode' }, 'Top up with'), mode),
      h('div.field', amountLabel, amount),
      h('button.btn.primary', { type: 'submit' }, 'Add credits')),
    preview);
  topup.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = Number(amount.value);
    if (!v || v <= 0) {
      amount.setAttribute('aria-invalid', 'true');
      preview.textContent = 'Enter a positive amount.';
      amount.focus();
      return;
    }
    const p = packages.find((x) => x.id === mode.value);
    try {
      const { data } = await call(`/accounts/${encodeURIComponent(a.id)}/credits`, { method: 'POST', body: p ? { package: p.id, usd: v } : { credits: Math.floor(v) } });
      toast(`Added ${fmtInt(data.added)} credits to ${a.name}`, 'ok');
      amount.value = '';
      await refreshAccounts();
      await renderDetail();
      loadUsage();
    } catch (err) {
      preview.textContent = err.message;
      preview.classList.add('error-text');
      toast(err.message, 'error');
    }
  });

  body.replaceChildren(...[
    h('dl.kv',
      h('dt', 'Available'), h('dd', h('strong', { dataset: { testid: 'available' } }, fmtInt(a.credits.available)), ' credits'),
      h('dt', 'Reserved'), h('dd', fmtInt(a.credits.reserved)),
      h('dt', 'Charged'), h('dd', fmtInt(a.credits.charged)),
      h('dt', 'Topped up'), h('dd', fmtInt(a.credits.topped_up)),
      a.credits.deducted ? [h('dt', 'Deducted'), h('dd', fmtInt(a.credits.deducted))] : null),
    h('hr.sep'),
    accountControls(a, call, async () => { await refreshAccounts(); await renderDetail(); ops.audit.load(); }),
    h('hr.sep'),
    h('div.subhead', h('h3', 'Add credits')),
    topup,
    h('hr.sep'),
    h('div.subhead', h('h3', `API keys (${keys.filter((k) => !k.revoked_at).length} active)`)),
    secret,
    keyForm,
    keyRows].filter(Boolean));
}

// A key's controls in one line: expiry, rate limits, spending caps.
function keyControlsLine(k) {
  const parts = [];
  if (k.expires_at) parts.push(`expires ${new Date(k.expires_at).toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  if (k.rate_limit?.requests_per_minute) parts.push(`${fmtInt(k.rate_limit.requests_per_minute)} req/min`);
  if (k.rate_limit?.images_per_minute) parts.push(`${fmtInt(k.rate_limit.images_per_minute)} images/min`);
  if (k.spend_cap?.daily) parts.push(`cap ${fmtInt(k.spend_cap.daily)}/day`);
  if (k.spend_cap?.monthly) parts.push(`cap ${fmtInt(k.spend_cap.monthly)}/month`);
  return parts.join(' · ');
}

// Edits expiry, rate limits and caps with prompts (blank = none); PATCH /admin/v1/keys/{id}.
async function editKeyControls(k) {
  const ask = (label, value) => {
    const answer = prompt(`${label} (blank for none)`, value ?? '');
    if (answer === null) throw new Error('cancelled');
    return answer.trim();
  };
  const num = (v) => (v === '' ? null : Number(v));
  let body;
  try {
    const expires = ask('Expires at (ISO 8601, e.g. 2027-01-31T00:00:00Z)', k.expires_at ?? '');
    body = {
      expires_at: expires === '' ? null : expires,
      rate_limit: {
        requests_per_minute: num(ask('Requests per minute', k.rate_limit?.requests_per_minute)),
        images_per_minute: num(ask('Images per minute', k.rate_limit?.images_per_minute)),
      },
      spend_cap: {
        daily: num(ask('Daily spending cap (credits, UTC day)', k.spend_cap?.daily)),
        monthly: num(ask('Monthly spending cap (credits, UTC month)', k.spend_cap?.monthly)),
      },
    };
  } catch {
    return;
  }
  if (body.expires_at !== null && k.expires_at && Date.parse(body.expires_at) === Date.parse(k.expires_at)) delete body.expires_at;
  try {
    await call(`/keys/${encodeURIComponent(k.id)}`, { method: 'PATCH', body });
    toast(`Limits of key ${k.prefix}… saved`, 'ok');
    await renderDetail();
  } catch (err) {
    toast(err.message, 'error');
  }
}

async function revoke(k) {
  if (!confirm(`Revoke key ${k.prefix}…${k.name ? ` (${k.name})` : ''}? Requests with it will fail at once.`)) return;
  try {
    await call(`/keys/${encodeURIComponent(k.id)}`, { method: 'DELETE' });
    toast(`Key ${k.prefix}… revoked`, 'ok');
    if (state.lastKey?.id === k.id) state.lastKey = null;
    await renderDetail();
  } catch (err) {
    toast(err.message, 'error');
  }
}

// ---------- channels ----------
let editing = null;

async function loadChannels() {
  const host = $('#channels-body');
  let channels = [];
  try {
    ({ data: { data: channels } } = await call('/channels'));
  } catch (err) {
    host.replaceChildren(h('div.empty-state', err.message));
    return;
  }
  renderStats(channels);
  if (!channels.length) {
    host.replaceChildren(h('div.empty-state', h('strong', 'No channels'), 'Add one below, set Upstreams:Gemini:ApiKeys, or enable the simulator.'));
    return;
  }
  host.replaceChildren(h('table',
    h('thead', h('tr', h('th', 'Channel'), h('th', 'Health'), h('th.num', 'In flight'), h('th.num', 'Errors (1 min)'), h('th.num', 'Priority / weight'), h('th', 'Enabled'), h('th', ''))),
    h('tbody', channels.map((c) => {
      const toggle = h('input', { type: 'checkbox', role: 'switch', checked: c.enabled, 'aria-label': `Enable channel ${c.name}` });
      toggle.addEventListener('change', async () => {
        toggle.disabled = true;
        try {
          await call(`/channels/${encodeURIComponent(c.name)}`, { method: 'PATCH', body: { enabled: toggle.checked } });
          toast(`${c.name} ${toggle.checked ? 'enabled' : 'disabled'}`, 'ok');
        } catch (err) {
          toggle.checked = !toggle.checked;
          toast(err.message, 'error');
        }
        await loadChannels();
      });
      const test = h('button.btn.small', { type: 'button', dataset: { action: 'test' } }, 'Send one image');
      test.addEventListener('click', () => testChannel(c, test));
      const actions = [test];
      if (c.source === 'admin') {
        const edit = h('button.btn.small', { type: 'button', dataset: { action: 'edit' } }, 'Edit');
        edit.addEventListener('click', () => editChannel(c));
        const del = h('button.btn.small.danger', { type: 'button', dataset: { action: 'delete' } }, 'Delete');
        del.addEventListener('click', () => deleteChannel(c));
        actions.push(edit, del);
      }
      const cooldowns = Object.entries(c.project_cooldowns || {});
      const rate = c.recent ? `${Math.round(c.recent.error_rate * 100)} % of ${c.recent.calls}` : '–';
      return h('tr', { dataset: { channel: c.name } },
        h('td', h('strong', c.name), h('div.faint', `${c.kind} · ${c.source}${c.credentials ? ` · ${c.credentials}` : ''}`)),
        h('td', h(`span.badge.${c.health}`, c.health.replace('_', ' ')),
          h('div.faint', `breaker ${c.breaker?.state ?? 'closed'}${c.breaker?.consecutive_failures ? ` (${c.breaker.consecutive_failures} failures)` : ''}`),
          c.cooling_until ? h('div.faint', `cooling until ${fmtTime(c.cooling_until)}`) : null,
          ...cooldowns.map(([p, until]) => h('div.faint', `${p} rests until ${fmtTime(until)}`))),
        h('td.num', `${c.in_flight ?? 0}${c.max_concurrency ? ` / ${c.max_concurrency}` : ''}`),
        h('td.num', rate),
        h('td.num', `${c.priority} / ${c.weight ?? 1}`),
        h('td', h('label.switch', toggle)),
        h('td', h('div.row', actions)));
    }))));
}

async function testChannel(c, button) {
  button.disabled = true;
  try {
    const { data } = await call(`/channels/${encodeURIComponent(c.name)}/test`, { method: 'POST', body: {} });
    if (data.ok) {
      toast(`${c.name}: image in ${fmtDuration(data.elapsed_ms)}`, 'ok');
      const row = $(`#channels-body tr[data-channel="${CSS.escape(c.name)}"] td:first-child`);
      row?.querySelector('img.channel-test')?.remove();
      row?.append(h('img.channel-test', { src: data.image.data_url, alt: `Test image from ${c.name}`, width: 64, height: 64 }));
    } else {
      toast(`${c.name}: ${data.error ? `${data.error.kind}: ${data.error.message}` : `no image (${data.finish_reason})`}`, 'error', 8000);
    }
  } catch (err) {
    toast(err.message, 'error');
  }
  button.disabled = false;
  await loadChannels();
}

async function deleteChannel(c) {
  if (!confirm(`Delete channel ${c.name}? Calls in flight finish; no new calls go to it.`)) return;
  try {
    await call(`/channels/${encodeURIComponent(c.name)}`, { method: 'DELETE' });
    toast(`${c.name} deleted`, 'ok');
  } catch (err) {
    toast(err.message, 'error');
  }
  await loadChannels();
}

function editChannel(c) {
  const form = $('#channel-form');
  editing = c.name;
  form.name.value = c.name;
  form.name.readOnly = true;
  form.kind.value = c.kind;
  form.base_url.value = c.base_url || '';
  form.api_keys.value = '';
  form.credentials_json.value = '';
  form.priority.value = c.priority;
  form.weight.value = c.weight ?? 1;
  form.max_concurrency.value = c.max_concurrency ?? 0;
  form.timeout_seconds.value = c.timeout_seconds ?? '';
  form.settings.value = c.settings && Object.keys(c.settings).length ? JSON.stringify(c.settings) : '';
  form.model_map.value = c.model_map && Object.keys(c.model_map).length ? JSON.stringify(c.model_map) : '';
  $('#channel-editor-title').textContent = `Edit ${c.name}`;
  $('#channel-save').textContent = 'Save changes';
  $('#channel-editor').open = true;
  form.base_url.focus();
}

function resetChannelForm() {
  const form = $('#channel-form');
  form.reset();
  form.name.readOnly = false;
  editing = null;
  $('#channel-editor-title').textContent = 'Add a channel';
  $('#channel-save').textContent = 'Add channel';
}

function channelBody(form) {
  const body = { kind: form.kind.value };
  const json = (field) => {
    const text = form[field].value.trim();
    if (!text) return undefined;
    try { return JSON.parse(text); } catch { throw new Error(`${field} is not valid JSON`); }
  };
  if (!editing) body.name = form.name.value.trim();
  if (form.base_url.value.trim() || editing) body.base_url = form.base_url.value.trim();
  const keys = form.api_keys.value.split('\n').map((l) => l.trim()).filter(Boolean);
  if (keys.length) body.api_keys = keys.map((l) => (/^[^:\s]+:\S/.test(l) && !l.startsWith('http') ? { project: l.slice(0, l.indexOf(':')), key: l.slice(l.indexOf(':') + 1) } : l));
  if (form.credentials_json.value.trim()) body.credentials_json = form.credentials_json.value.trim();
  for (const n of ['priority', 'weight', 'max_concurrency']) if (form[n].value !== '') body[n] = Number(form[n].value);
  if (form.timeout_seconds.value !== '') body.timeout_seconds = Number(form.timeout_seconds.value);
  const settings = json('settings');
  if (settings) body.settings = settings;
  const map = json('model_map');
  if (map) body.model_map = map;
  return body;
}

function setupChannelForm() {
  const form = $('#channel-form');
  if (!form) return;
  $('#channel-cancel').addEventListener('click', () => { resetChannelForm(); $('#channel-editor').open = false; });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const body = channelBody(form);
      if (editing) {
        await call(`/channels/${encodeURIComponent(editing)}`, { method: 'PATCH', body });
        toast(`${editing} saved`, 'ok');
      } else {
        await call('/channels', { method: 'POST', body });
        toast(`${body.name} added`, 'ok');
      }
      resetChannelForm();
      $('#channel-editor').open = false;
      await loadChannels();
    } catch (err) {
      toast(err.message, 'error', 8000);
    }
  });
}

setupChannelForm();

// ---------- recent tasks and usage (need the admin task routes) ----------
function notAvailable(host, what) {
  host.replaceChildren(h('div.empty-state', { dataset: { testid: 'not-available' } },
    h('strong', 'Not available yet'), `This server does not serve ${what} yet.`));
}

// The task search, filters, paging and detail dialog live in admin-ops.js.
async function loadTasks() {
  await ops.tasks.load();
}

async function loadUsage() {
  const host = $('#usage-body');
  let rows;
  const bucket = $('#usage-bucket').value;
  try {
    // Grouped by account and model: without group_by every bucket is one row of all accounts (account_id null).
    ({ data: { data: rows } } = await call(`/usage?days=30&bucket=${bucket}&group_by=account,model`));
  } catch (err) {
    if (err.status === 404 || err.status === 405) notAvailable(host, 'GET /admin/v1/usage');
    else host.replaceChildren(h('div.empty-state', err.message));
    return;
  }
  try {
    await drawUsage(rows, bucket);
  } catch (err) {
    $('#usage-chart-wrap').replaceChildren(h('div.empty-state', err.message));
  }
  if (!rows.length) {
    host.replaceChildren(h('div.empty-state', h('strong', 'No usage in the last 30 days')));
    return;
  }
  const names = Object.fromEntries((state.catalog?.data ?? []).map((m) => [m.id, m.display_name]));
  // One row per account and model, whichever shape the server answers (bucketed rows are summed).
  const totals = new Map();
  for (const u of rows) {
    const k = `${u.account_id}|${u.model}`;
    const t = totals.get(k) ?? { account: accountLabel(u), model: u.model, requests: 0, images: 0, failed: 0, charged: 0, refunded: 0 };
    t.requests += u.requests || 0;
    t.images += u.images ?? u.task_images_succeeded ?? 0;
    t.failed += u.task_images_failed || 0;
    t.charged += u.credits_charged || 0;
    t.refunded += u.credits_refunded || 0;
    totals.set(k, t);
  }
  host.replaceChildren(h('table',
    h('thead', h('tr', h('th', 'Account'), h('th', 'Model'), h('th.num.hide-sm', 'Requests'), h('th.num', 'Images'), h('th.num', 'Charged'), h('th.num.hide-sm', 'Refunded'))),
    h('tbody', [...totals.values()].map((u) => h('tr',
      h('td', h('strong', u.account)),
      h('td', names[u.model] || u.model),
      h('td.num.hide-sm', fmtInt(u.requests)),
      h('td.num', fmtInt(u.images), u.failed ? h('div.faint', `${fmtInt(u.failed)} failed`) : null),
      h('td.num', h('strong', fmtInt(u.charged))),
      h('td.num.hide-sm', fmtInt(u.refunded)))))));
}

// Usage over time: GET /admin/v1/usage?bucket=day (one row per UTC day, all accounts). The buckets are kept in
// state.usageBuckets ({bucket_start, account_id, key_id, model, channel, requests, images, credits_charged,
// credits_refunded}) for a chart to read.
async function loadUsageOverTime() {
  const host = $('#usage-time-body');
  if (!host) return;
  let usage;
  try {
    ({ data: usage } = await call('/usage?bucket=day&days=30'));
  } catch (err) {
    if (err.status === 404 || err.status === 405) notAvailable(host, 'GET /admin/v1/usage?bucket=day');
    else host.replaceChildren(h('div.empty-state', err.message));
    return;
  }
  state.usageBuckets = usage.data;
  if (!usage.data.length) {
    host.replaceChildren(h('div.empty-state', h('strong', 'No usage in the last 30 days')));
    return;
  }
  host.replaceChildren(h('table',
    h('thead', h('tr', h('th', 'Day (UTC)'), h('th.num', 'Requests'), h('th.num', 'Images'), h('th.num', 'Charged'), h('th.num.hide-sm', 'Refunded'))),
    h('tbody', [...usage.data].reverse().map((b) => h('tr',
      h('td', b.bucket_start.slice(0, 10)),
      h('td.num', fmtInt(b.requests)),
      h('td.num', fmtInt(b.images)),
      h('td.num', h('strong', fmtInt(b.credits_charged))),
      h('td.num.hide-sm', fmtInt(b.credits_refunded))))),
    h('tfoot', h('tr',
      h('th', 'Total'),
      h('th.num', fmtInt(usage.totals.requests)),
      h('th.num', fmtInt(usage.totals.images)),
      h('th.num', fmtInt(usage.totals.credits_charged)),
      h('th.num.hide-sm', fmtInt(usage.totals.credits_refunded))))));
}

// ---------- start ----------
$('#account-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = $('#account-name').value.trim();
  if (!name) {
    $('#account-name').focus();
    return;
  }
  try {
    const { data } = await call('/accounts', { method: 'POST', body: { name } });
    $('#account-name').value = '';
    toast(`Account ${data.name} created`, 'ok');
    state.selected = data.id;
    await refreshAccounts();
    await renderDetail();
  } catch (err) {
    toast(err.message, 'error');
  }
});
$('#usage-bucket').addEventListener('change', loadUsage);
// The CSV needs the admin key in a header, so it is fetched and handed to the browser as a download.
$('#usage-csv')?.addEventListener('click', async (e) => {
  e.preventDefault();
  try {
    const response = await fetch('/admin/v1/usage?bucket=day&days=30&group_by=account,key,model,channel&format=csv', { headers: { Authorization: `Bearer ${adminKey()}` } });
    if (!response.ok) throw new Error(`GET /admin/v1/usage answered ${response.status}`);
    const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? 'nanogate-usage.csv';
    const link = h('a', { href: URL.createObjectURL(await response.blob()), download: name });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (err) {
    toast(err.message, 'error');
  }
});
const refreshBtn = $('#refresh');
refreshBtn.prepend(icon('refresh'), 'Refresh');
refreshBtn.addEventListener('click', loadAll);

try {
  ({ data: state.catalog } = await api('/v1/models'));
} catch { /* packages are optional for the console */ }
const ops = {
  accounts: accountList(call, (page) => { state.accounts = page.data; if (!page.searched) state.accountTotal = page.total; renderAccounts(); renderStats(); }),
  tasks: taskList(call, state.catalog),
  audit: auditLog(call),
};
await loadAll();
document.body.dataset.ready = 'true';
