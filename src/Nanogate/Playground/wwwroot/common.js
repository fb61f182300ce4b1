// Shared by the playground, the API reference and the admin console: storage, API calls,
// formatting, the key dialogs and small DOM helpers. No dependencies, no build step.

export const STORE = {
  apiKey: 'nanogate.apiKey',
  adminKey: 'nanogate.adminKey',
  settings: 'nanogate.settings',
  history: 'nanogate.history',
};

export const store = {
  get(key, fallback = null) {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch {
      return fallback;
    }
  },
  set(key, value) {
    localStorage.setItem(key, JSON.stringify(value));
  },
  remove(key) {
    localStorage.removeItem(key);
  },
};

/** An error from the API, with the server's own message and code when it gave one. */
export class ApiError extends Error {
  constructor(status, message, code, body, requestId) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
    this.requestId = requestId;
  }
}

/** Turns any of the three dialects' error shapes into one readable sentence. */
export function describeError(status, body, fallbackText) {
  const e = body && typeof body === 'object' ? body.error : null;
  let message = '';
  let code = '';
  if (e && typeof e === 'object') {
    message = e.message || '';
    code = e.code || e.status || e.type || '';
  } else if (typeof e === 'string') {
    message = e;
  }
  if (!message) {
    message = fallbackText && fallbackText.length < 300 ? fallbackText : '';
  }
  const prefix = {
    401: 'The API key was not accepted',
    402: 'Not enough credits',
    403: 'Not allowed',
    404: 'Not found',
    409: 'Conflict',
    413: 'The request is too large',
    422: 'The request could not be processed',
    429: 'Too many requests',
    503: 'The service is unavailable',
  }[status];
  if (!message) message = prefix || `The server answered HTTP ${status}`;
  else if (prefix && !message.toLowerCase().startsWith(prefix.toLowerCase().slice(0, 12))) message = `${prefix}: ${message}`;
  return { message, code: String(code || status) };
}

/** fetch() with a Bearer key and JSON in and out; throws ApiError on a non-2xx answer. */
export async function api(path, { key, method = 'GET', body, headers = {}, signal } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (key) h.Authorization = `Bearer ${key}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, 'Could not reach the server. Is Nanogate running?', 'network');
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) {
    const { message, code } = describeError(res.status, json, text);
    throw new ApiError(res.status, message, code, json, res.headers.get('x-request-id'));
  }
  return { data: json, status: res.status, headers: res.headers };
}

// ---------- formatting ----------
const intFmt = new Intl.NumberFormat('en-US');
export const fmtInt = (n) => (n === null || n === undefined || Number.isNaN(n) ? '–' : intFmt.format(n));
/** $0.0225, $0.045, $1.5: as many decimals as the amount needs (up to 4). */
export function fmtUsd(x) {
  if (x === null || x === undefined) return '–';
  const rounded = Math.round(x * 10000) / 10000;
  if (rounded >= 100) return `$${intFmt.format(Math.round(rounded))}`;
  return `$${String(rounded)}`;
}
export function fmtTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '–';
  return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
export function fmtRelative(iso) {
  const d = new Date(iso).getTime();
  if (Number.isNaN(d)) return '';
  const s = Math.round((Date.now() - d) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return fmtTime(iso);
}
export function fmtDuration(ms) {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}
export function fmtBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
export function maskKey(key) {
  if (!key) return '';
  return key.length <= 10 ? `${key.slice(0, 3)}…` : `${key.slice(0, 7)}…${key.slice(-4)}`;
}

// ---------- DOM ----------
/** h('div.card#id', {attrs}, children...): a small element builder that never uses innerHTML for data. */
export function h(tag, attrs, ...children) {
  const m = /^([a-z0-9-]+)?((?:[.#][\w-]+)*)$/i.exec(tag);
  const el = document.createElement((m && m[1]) || 'div');
  if (m && m[2]) {
    for (const part of m[2].match(/[.#][\w-]+/g)) {
      if (part[0] === '.') el.classList.add(part.slice(1));
      else el.id = part.slice(1);
    }
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}
function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}
export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

const ICONS = {
  download: '<path d="M12 4v11m0 0-4.5-4.5M12 15l4.5-4.5M5 19h14"/>',
  reuse: '<path d="M4 7h11a5 5 0 0 1 0 10H9"/><path d="m8 3-4 4 4 4"/>',
  open: '<path d="M14 4h6v6M20 4l-9 9M10 5H6a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2v-4"/>',
  trash: '<path d="M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3"/>',
  copy: '<rect x="8" y="8" width="12" height="12" rx="2"/><path d="M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2"/>',
  key: '<circle cx="8" cy="15" r="4"/><path d="m11 12 9-9m-4 4 3 3m-6 0 2 2"/>',
  upload: '<path d="M12 16V4m0 0L7.5 8.5M12 4l4.5 4.5M5 15v3a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-3"/>',
  image: '<rect x="3" y="4" width="18" height="16" rx="2.5"/><circle cx="9" cy="10" r="2"/><path d="m21 16-5-5-9 9"/>',
  stop: '<rect x="6" y="6" width="12" height="12" rx="2"/>',
  sparkle: '<path d="M12 3v4M12 17v4M3 12h4M17 12h4M6 6l2.5 2.5M15.5 15.5 18 18M6 18l2.5-2.5M15.5 8.5 18 6"/>',
  refresh: '<path d="M20 11a8 8 0 1 0-2.3 5.7M20 5v6h-6"/>',
  code: '<path d="m8 8-4 4 4 4M16 8l4 4-4 4M13.5 5l-3 14"/>',
};
export function icon(name) {
  const span = document.createElement('span');
  span.setAttribute('aria-hidden', 'true');
  span.style.display = 'inline-flex';
  span.innerHTML = `<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${ICONS[name] || ''}</svg>`;
  return span;
}

export function toast(message, kind = 'info', ms = 4200) {
  let host = $('.toasts');
  if (!host) {
    host = h('div.toasts', { role: 'status', 'aria-live': 'polite' });
    document.body.append(host);
  }
  const t = h(`div.toast.${kind}`, message);
  host.append(t);
  setTimeout(() => t.remove(), ms);
}

export async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const ta = h('textarea', { style: { position: 'fixed', opacity: '0' } }, text);
    document.body.append(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
  if (button) {
    const old = button.textContent;
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = old; }, 1400);
  }
}

// ---------- key dialogs ----------
/**
 * Builds a key dialog at the end of <body>: a native modal <dialog> labelled by its title, with
 * the elements #ID-dialog, -form, -title, -input, -error, -toggle (with toggle: true), -forget,
 * -cancel and -save. The playground and the reference use it for the API key ('key'), the admin
 * console for the admin key ('admin'). Cancel closes it; open(value) fills the input, hides the
 * error, offers "Forget key" only when there is a key, and moves focus to the input.
 */
export function keyDialog({ id, title, hint, label, placeholder, save, toggle = false }) {
  const input = h('input', {
    type: 'password', id: `${id}-input`, autocomplete: 'off', spellcheck: 'false', placeholder, 'aria-describedby': `${id}-error`,
  });
  const error = h('p.alert.error', { id: `${id}-error`, role: 'alert', hidden: true });
  const forget = h('button.btn.ghost.danger', { type: 'button', id: `${id}-forget` }, 'Forget key');
  const showHide = (e) => {
    input.type = input.type === 'password' ? 'text' : 'password';
    e.currentTarget.textContent = input.type === 'password' ? 'Show' : 'Hide';
  };
  const saveButton = h('button.btn.primary', { type: 'submit', id: `${id}-save` }, save);
  const form = h('form', { id: `${id}-form` },
    h('div.dialog-body',
      h('div', h('h2', { id: `${id}-title` }, title), h('p.hint', hint)),
      h('div.field',
        h('label.label', { for: `${id}-input` }, label),
        toggle ? h('div.input-group', input, h('button.btn', { type: 'button', id: `${id}-toggle`, onclick: showHide }, 'Show')) : input,
        error)),
    h('div.dialog-actions',
      forget,
      h('button.btn', { type: 'button', id: `${id}-cancel`, onclick: () => dialog.close() }, 'Cancel'),
      saveButton));
  const dialog = h('dialog', { id: `${id}-dialog`, 'aria-labelledby': `${id}-title` }, form);
  document.body.append(dialog);

  function open(value) {
    input.value = value || '';
    error.hidden = true;
    forget.hidden = !value;
    dialog.showModal();
    input.focus();
  }
  return { dialog, form, input, error, forget, save: saveButton, open };
}

// ---------- the user's API key: entered once, kept in this browser ----------
/**
 * Wires the header's key pill and the key dialog. onChange(account|null) runs after a key is
 * validated (GET /v1/account) or forgotten; onAccount(account|null) after every balance read. Returns
 * { refresh, open, key(), account() }.
 */
export function setupKey({ onChange, onAccount } = {}) {
  const pill = $('#key-pill');
  const { dialog, form, input, error, forget, save, open: openDialog } = keyDialog({
    id: 'key',
    title: 'Your API key',
    hint: ['Entered once and kept in this browser (localStorage). It is sent only to this server, as ', h('code', 'Authorization: Bearer'), '.'],
    label: 'API key',
    placeholder: 'sk-…',
    save: 'Save key',
    toggle: true,
  });
  let account = null;

  const render = (state, text) => {
    pill.dataset.state = state;
    pill.replaceChildren(
      h('span.dot'),
      state === 'none'
        ? h('span', 'Add API key')
        : h('span.key-id.mono', maskKey(store.get(STORE.apiKey))),
      state === 'none' ? '' : h('span.balance', state === 'ok' ? [h('strong', fmtInt(account.credits.available)), ' credits'] : text),
    );
    pill.setAttribute('aria-label', state === 'none' ? 'Add your API key' : `API key ${maskKey(store.get(STORE.apiKey))}: ${state === 'ok' ? `${fmtInt(account.credits.available)} credits available` : text}. Change key`);
    onAccount?.(account);
  };

  async function refresh() {
    const key = store.get(STORE.apiKey);
    if (!key) {
      account = null;
      render('none');
      return null;
    }
    try {
      ({ data: account } = await api('/v1/account', { key }));
      render('ok');
      return account;
    } catch (err) {
      account = null;
      render('error', err.status === 401 ? 'key rejected' : 'offline');
      return null;
    }
  }

  const open = () => openDialog(store.get(STORE.apiKey));

  pill.addEventListener('click', open);
  forget.addEventListener('click', async () => {
    store.remove(STORE.apiKey);
    dialog.close();
    await refresh();
    onChange?.(null);
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = input.value.trim();
    if (!key) {
      error.hidden = false;
      error.textContent = 'Paste an API key: it starts with sk-.';
      input.focus();
      return;
    }
    save.disabled = true;
    save.textContent = 'Checking…';
    try {
      const { data } = await api('/v1/account', { key });
      store.set(STORE.apiKey, key);
      account = data;
      render('ok');
      dialog.close();
      toast(`Key saved · ${fmtInt(data.credits.available)} credits available`, 'ok');
      onChange?.(data);
    } catch (err) {
      error.hidden = false;
      error.textContent = err.status === 401
        ? `This key was not accepted (401): ${err.message.replace(/^The API key was not accepted:?\s*/i, '') || 'unknown or revoked key.'}`
        : err.message;
      input.focus();
      input.select();
    } finally {
      save.disabled = false;
      save.textContent = 'Save key';
    }
  });

  return { refresh, open, key: () => store.get(STORE.apiKey), account: () => account };
}

/** Ratio "16:9" → a small rectangle icon of that shape. */
export function ratioIcon(ratio) {
  const [w, h2] = ratio.split(':').map(Number);
  const scale = 14 / Math.max(w, h2);
  const el = document.createElement('i');
  el.className = 'ratio-icon';
  el.style.width = `${Math.max(3, Math.round(w * scale))}px`;
  el.style.height = `${Math.max(3, Math.round(h2 * scale))}px`;
  el.setAttribute('aria-hidden', 'true');
  return el;
}
