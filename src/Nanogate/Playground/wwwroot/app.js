// The playground: settings on the left, the run history (newest first) on the right.
import {
  STORE, store, api, ApiError, describeError, h, $, icon, toast, setupKey, ratioIcon,
  fmtInt, fmtUsd, fmtRelative, fmtDuration, fmtBytes,
} from './common.js';

const MAX_REF_BYTES = 10 * 1024 * 1024;
const MAX_HISTORY = 40;
const TERMINAL = new Set(['succeeded', 'partially_succeeded', 'failed', 'canceled']);
const RUNNING = new Set(['submitting', 'pending', 'running']);
const STATUS_LABEL = {
  submitting: 'Submitting', pending: 'Queued', running: 'Running', succeeded: 'Succeeded',
  partially_succeeded: 'Partly succeeded', failed: 'Failed', canceled: 'Canceled',
  not_submitted: 'Not submitted', lost: 'Unknown to the server',
};
// Polling and resubmission back off up to this while the server cannot be reached.
const MAX_BACKOFF_MS = 15000;

const state = {
  catalog: null, // { data: [...models], packages: [...] }
  settings: {
    model: 'gemini-3.1-flash-lite-image', prompt: '', useRefs: false, ratio: 'auto', size: '1K', n: 1, thinking: '', search: false,
    ...store.get(STORE.settings, {}),
  },
  refs: [], // { id, name, mime, bytes, dataUrl }
  history: loadHistory(),
  polls: new Map(), // entry id -> AbortController
  imgNodes: new Map(), // src -> <img>, so re-rendering a run never reloads a finished image
  sessionUrls: new Set(), // blob: URLs made by this page (they die with it)
  brokenUrls: new Set(), // links that failed to load (purged, or signed for another host)
};

const keyUi = setupKey({ onChange: () => { renderNotice(); resumeRuns(); }, onAccount: () => renderAffordability() });

// ---------- catalog and settings ----------
const model = () => state.catalog?.data.find((m) => m.id === state.settings.model) ?? state.catalog?.data[0];

function saveSettings() {
  store.set(STORE.settings, state.settings);
}

async function loadCatalog() {
  try {
    const { data } = await api('/v1/models');
    state.catalog = data;
  } catch (err) {
    $('#model').replaceChildren(h('option', 'Models unavailable'));
    $('#notice').replaceChildren(h('div.alert.error', { role: 'alert' }, h('span', [h('strong', 'Could not load the model catalog. '), err.message])));
    return;
  }
  const select = $('#model');
  select.replaceChildren(...state.catalog.data.map((m) => h('option', { value: m.id }, m.display_name)));
  if (!state.catalog.data.some((m) => m.id === state.settings.model)) state.settings.model = state.catalog.data[0].id;
  select.value = state.settings.model;
  renderModelControls();
}

function renderModelControls() {
  const m = model();
  if (!m) return;
  const cheapest = Math.min(...Object.values(m.pricing.credits_per_image));
  $('#model-desc').replaceChildren(
    h('span.caps',
      h('span.chip', m.sizes.map((z) => (z === '512' ? '0.5K' : z)).join(' · ')),
      h('span.chip', `${m.aspect_ratios.length} ratios`),
      h('span.chip', `≤ ${m.max_reference_images} refs`),
      h('span.chip', `from ${cheapest} credits`),
      m.supports_search ? h('span.chip', 'search') : null),
    h('span.desc', m.description));
  const s = state.settings;

  // Aspect ratio: auto plus what the model supports.
  const ratios = ['auto', ...m.aspect_ratios];
  if (!ratios.includes(s.ratio)) s.ratio = 'auto';
  const ratioSet = $('#ratios');
  ratioSet.replaceChildren(
    h('legend.label', 'Aspect ratio'),
    ...ratios.map((r) => h('label', h('input', { type: 'radio', name: 'ratio', value: r, checked: r === s.ratio, 'aria-label': r === 'auto' ? 'Auto aspect ratio' : `Aspect ratio ${r}` }),
      h('span', r === 'auto' ? null : ratioIcon(r), r === 'auto' ? 'Auto' : r))),
  );

  // Resolution: only the tiers the model has.
  if (!m.sizes.includes(s.size)) s.size = m.default_size;
  $('#sizes').replaceChildren(
    h('legend.label', 'Resolution'),
    ...m.sizes.map((z) => h('label', h('input', { type: 'radio', name: 'size', value: z, checked: z === s.size }), h('span', z === '512' ? '0.5K' : z))),
  );

  $('#counts').replaceChildren(
    h('legend.label', 'Images'),
    ...[1, 2, 3, 4].map((n) => h('label', h('input', { type: 'radio', name: 'n', value: String(n), checked: n === s.n, 'aria-label': `${n} image${n > 1 ? 's' : ''}` }), h('span', String(n)))),
  );

  // Advanced: thinking levels and search grounding, only where the model has them.
  const levels = m.thinking_levels || [];
  if (s.thinking && !levels.includes(s.thinking)) s.thinking = '';
  $('#thinking').hidden = levels.length === 0;
  $('#thinking').replaceChildren(
    h('legend.label', 'Thinking'),
    ...['', ...levels].map((l) => h('label', h('input', { type: 'radio', name: 'thinking', value: l, checked: l === s.thinking, 'aria-label': `Thinking ${l || 'default'}` }), h('span', l ? l[0].toUpperCase() + l.slice(1) : 'Default'))));
  $('#thinking-hint').textContent = m.thinking === 'always_on' ? `${m.display_name} always thinks before drawing.`
    : m.thinking === 'none' ? `${m.display_name} has no thinking step.` : 'High thinks longer: better composition, slower answers.';
  $('#thinking-hint').classList.toggle('tight', levels.length > 0);
  $('#search-field').hidden = !m.supports_search;
  if (!m.supports_search) s.search = false;
  $('#search').checked = !!s.search;

  const limit = m.max_reference_images;
  $('#refs-hint').textContent = `Leave off for text-to-image. Turn on to upload, drop or paste up to ${limit} reference image${limit === 1 ? '' : 's'}.`;
  if (state.refs.length > limit) {
    const dropped = state.refs.splice(limit);
    showRefErrors([`${m.display_name} takes up to ${limit} reference image${limit === 1 ? '' : 's'}; ${dropped.length} removed.`]);
    renderRefs();
  }
  renderSizeHint();
  renderEstimate();
  saveSettings();
}

function pixelSize(m, size, ratio) {
  const r = ratio === 'auto' ? '1:1' : ratio;
  const px = m.pixel_sizes?.[size]?.[r];
  if (!px) return null;
  const [w, hgt] = px.split('x').map(Number);
  return { w, h: hgt };
}

function renderSizeHint() {
  const m = model();
  const s = state.settings;
  const px = pixelSize(m, s.size, s.ratio);
  const parts = [];
  if (px) parts.push(s.ratio === 'auto' ? `Auto: ${px.w} × ${px.h} px for text-to-image, or the reference's shape` : `Output ${px.w} × ${px.h} px`);
  if (m.sizes.length === 1) parts.push(`${m.display_name} renders ${m.sizes[0]} only`);
  $('#size-hint').textContent = parts.join(' · ');
}

/** Credits from the catalog; USD as the range across the recharge packages. */
export function estimate(m, size, n, packages) {
  const credits = (m.pricing.credits_per_image[size] ?? 0) * n;
  const rates = packages.map((p) => p.credits_per_usd);
  const best = packages.reduce((a, b) => (b.credits_per_usd > a.credits_per_usd ? b : a));
  const entry = packages.reduce((a, b) => (b.credits_per_usd < a.credits_per_usd ? b : a));
  return { credits, usdMin: credits / Math.max(...rates), usdMax: credits / Math.min(...rates), best, entry };
}

function renderEstimate() {
  const m = model();
  const s = state.settings;
  const e = estimate(m, s.size, s.n, state.catalog.packages);
  $('#est-credits').replaceChildren(fmtInt(e.credits), ' ', h('small', `credits${s.n > 1 ? ` · ${s.n} × ${fmtInt(e.credits / s.n)}` : ''}`));
  const usd = `${fmtUsd(e.usdMin)}–${fmtUsd(e.usdMax)}`;
  $('#est-usd').textContent = usd;
  $('#est-usd').dataset.min = String(e.usdMin);
  $('#est-usd').dataset.max = String(e.usdMax);
  $('#est-note').textContent = `USD estimate ${usd}: highest recharge package uses $1 = ${fmtInt(e.best.credits_per_usd)} credits; ${e.entry.name.toLowerCase()} package uses $1 = ${fmtInt(e.entry.credits_per_usd)} credits. Failed images are refunded.`;
  $('#generate').textContent = `Generate · ${fmtInt(e.credits)} credits`;
  renderAffordability();
}

/**
 * The credits this run needs against what the key's account has available (balance less holds), when the page knows
 * it: Generate is disabled with the reason beside it rather than sending a request the server must refuse (402).
 * Returns the shortfall message, or null when the run is affordable or the balance is unknown (no key, offline).
 */
function renderAffordability() {
  const m = model();
  const button = $('#generate');
  const note = $('#generate-note');
  if (!m || !button || !note) return null;
  const s = state.settings;
  const needed = estimate(m, s.size, s.n, state.catalog.packages).credits;
  const available = keyUi.account()?.credits?.available;
  const short = typeof available === 'number' && available < needed
    ? `This run needs ${fmtInt(needed)} credits; the key's account has ${fmtInt(available)} available. Lower n or the resolution, or ask the operator to top the account up.`
    : null;
  button.disabled = !!short;
  note.hidden = !short;
  note.textContent = short ?? '';
  return short;
}

function bindSettings() {
  const form = $('#gen-form');
  $('#model').addEventListener('change', (e) => {
    state.settings.model = e.target.value;
    renderModelControls();
  });
  form.addEventListener('change', (e) => {
    const t = e.target;
    if (t.name === 'ratio') state.settings.ratio = t.value;
    else if (t.name === 'size') state.settings.size = t.value;
    else if (t.name === 'n') state.settings.n = Number(t.value);
    else if (t.name === 'thinking') state.settings.thinking = t.value;
    else if (t.id === 'search') state.settings.search = t.checked;
    else return;
    renderSizeHint();
    renderEstimate();
    saveSettings();
  });
  const prompt = $('#prompt');
  prompt.value = state.settings.prompt || '';
  const count = () => { $('#prompt-count').textContent = `${prompt.value.length} chars`; };
  count();
  prompt.addEventListener('input', () => {
    state.settings.prompt = prompt.value;
    count();
    saveSettings();
    prompt.removeAttribute('aria-invalid');
  });
  prompt.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  const toggle = $('#use-refs');
  toggle.checked = !!state.settings.useRefs;
  $('#refs-panel').hidden = !toggle.checked;
  toggle.addEventListener('change', () => {
    state.settings.useRefs = toggle.checked;
    $('#refs-panel').hidden = !toggle.checked;
    saveSettings();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    generate();
  });
}

// ---------- reference images: upload, drop, paste ----------
function sniff(bytes) {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x46
    && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp';
  return null;
}

function toDataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

function showRefErrors(errors) {
  $('#ref-errors').replaceChildren(...errors.map((e) => h('p', e)));
}

async function addRefs(files) {
  const m = model();
  const limit = m?.max_reference_images ?? 1;
  const errors = [];
  if (!$('#use-refs').checked) {
    $('#use-refs').checked = true;
    state.settings.useRefs = true;
    $('#refs-panel').hidden = false;
    saveSettings();
  }
  for (const file of files) {
    const name = file.name || 'pasted image';
    if (state.refs.length >= limit) {
      errors.push(`${name}: ${m.display_name} takes up to ${limit} reference image${limit === 1 ? '' : 's'}.`);
      continue;
    }
    if (file.size > MAX_REF_BYTES) {
      errors.push(`${name} is ${fmtBytes(file.size)}: over the 10 MB limit per image.`);
      continue;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const mime = sniff(bytes);
    if (!mime) {
      const kind = file.type ? file.type.replace('image/', '').toUpperCase() : 'this format';
      errors.push(`${name}: ${kind} is not supported. Use PNG, JPEG or WebP.`);
      continue;
    }
    const dataUrl = await toDataUrl(new Blob([bytes], { type: mime }));
    state.refs.push({ id: crypto.randomUUID(), name, mime, bytes: file.size, dataUrl });
  }
  showRefErrors(errors);
  renderRefs();
}

function renderRefs() {
  const m = model();
  $('#refs').replaceChildren(...state.refs.map((r, i) => h('figure.ref', { dataset: { testid: 'ref' } },
    h('img', { src: r.dataUrl, alt: `Reference ${i + 1}: ${r.name}` }),
    h('figcaption.ref-meta', fmtBytes(r.bytes)),
    h('button', {
      type: 'button', 'aria-label': `Remove reference ${r.name}`, title: 'Remove',
      onclick: () => { state.refs = state.refs.filter((x) => x.id !== r.id); renderRefs(); showRefErrors([]); },
    }, '×'))));
  const limit = m?.max_reference_images ?? 1;
  $('#ref-limits').textContent = `PNG, JPEG or WebP · up to 10 MB each · ${state.refs.length}/${limit} added`;
}

function bindRefs() {
  $('#ref-file').addEventListener('change', async (e) => {
    await addRefs([...e.target.files]);
    e.target.value = '';
  });
  const zone = $('#dropzone');
  const sidebar = $('.sidebar');
  sidebar.addEventListener('dragover', (e) => {
    if (![...e.dataTransfer.types].includes('Files')) return;
    e.preventDefault();
    zone.classList.add('dragging');
  });
  sidebar.addEventListener('dragleave', (e) => {
    if (!sidebar.contains(e.relatedTarget)) zone.classList.remove('dragging');
  });
  sidebar.addEventListener('drop', async (e) => {
    if (!e.dataTransfer.files.length) return;
    e.preventDefault();
    zone.classList.remove('dragging');
    await addRefs([...e.dataTransfer.files]);
  });
  document.addEventListener('paste', async (e) => {
    const files = [...(e.clipboardData?.files ?? [])].filter((f) => f.type.startsWith('image/') || f.type === '');
    if (!files.length) return;
    e.preventDefault();
    await addRefs(files);
    toast(`${files.length} pasted image${files.length > 1 ? 's' : ''} added as reference`, 'ok');
  });
}

// ---------- history ----------
function loadHistory() {
  const list = store.get(STORE.history, []);
  return Array.isArray(list) ? list : [];
}

function saveHistory() {
  let list = state.history.slice(0, MAX_HISTORY);
  for (;;) {
    try {
      store.set(STORE.history, list);
      return;
    } catch {
      // Over quota: drop the oldest run's thumbnails, then the oldest run.
      const withThumbs = [...list].reverse().find((e) => e.images.some((i) => i.thumb));
      if (withThumbs) withThumbs.images.forEach((i) => { delete i.thumb; });
      else if (list.length > 1) list = list.slice(0, -1);
      else return;
    }
  }
}

function updateCounters() {
  const running = state.history.filter((e) => RUNNING.has(e.status)).length;
  const completed = state.history.filter((e) => TERMINAL.has(e.status)).length;
  // A live region: touch it only when the numbers change.
  if ($('#counters').dataset.runningCount === String(running) && $('#counters').dataset.completedCount === String(completed)) return;
  $('#counter-text').replaceChildren(h('strong', String(running)), ' running · ', h('strong', String(completed)), ' completed');
  $('#counters').dataset.running = String(running > 0);
  $('#counters').dataset.runningCount = String(running);
  $('#counters').dataset.completedCount = String(completed);
}

function renderNotice() {
  const notice = $('#notice');
  if (!keyUi.key()) {
    notice.replaceChildren(h('div.alert.info', { role: 'note' },
      h('span.alert-body', h('strong', 'Add your API key to start. '), 'It is kept in this browser only. '),
      h('button.btn.small', { type: 'button', onclick: () => keyUi.open() }, 'Add key')));
    notice.classList.add('stack');
  } else {
    notice.replaceChildren();
  }
}

function renderHistory() {
  const runs = $('#runs');
  if (!state.history.length) {
    runs.replaceChildren(h('div.empty',
      h('div.art', icon('image')),
      h('h2', 'No images yet'),
      h('p', 'Write a prompt, pick a ratio and press Generate. Every run is kept here, in this browser.')));
  } else {
    runs.replaceChildren(...state.history.map(renderRun));
  }
  updateCounters();
}

function rerender(entry) {
  const old = document.getElementById(`run-${entry.id}`);
  const fresh = renderRun(entry);
  if (old) old.replaceWith(fresh);
  else renderHistory();
  updateCounters();
}

function expired(img) {
  return img.expires_at && new Date(img.expires_at).getTime() <= Date.now();
}

function imageNode(src, alt, onload, onerror) {
  let img = state.imgNodes.get(src);
  if (!img) {
    img = h('img', { src, alt, decoding: 'async' });
    if (onload) img.addEventListener('load', () => onload(img), { once: true });
    if (onerror) img.addEventListener('error', () => onerror(img), { once: true });
    state.imgNodes.set(src, img);
  }
  img.alt = alt;
  return img;
}

function renderRun(entry) {
  const s = entry.settings;
  const m = state.catalog?.data.find((x) => x.id === s.model);
  const done = entry.images.filter((i) => i.status === 'succeeded').length;
  const finished = entry.images.filter((i) => TERMINAL.has(i.status)).length;
  const running = RUNNING.has(entry.status);
  const px = m ? pixelSize(m, s.size, s.ratio) : null;

  const tiles = entry.images.map((img, i) => renderTile(entry, img, i, px));
  const elapsed = entry.completed_at ? new Date(entry.completed_at) - new Date(entry.created_at) : null;

  return h('article.run', { id: `run-${entry.id}`, dataset: { status: entry.status, taskId: entry.task_id || '' }, 'aria-label': `Generation: ${entry.prompt}` },
    h('div.run-head',
      h('div',
        h('p.run-prompt', entry.prompt),
        h('div.run-meta',
          h(`span.badge.${entry.status}`, { dataset: { testid: 'run-status' } }, STATUS_LABEL[entry.status] || entry.status),
          h('span.chip', m?.display_name || s.model),
          h('span.chip', s.ratio === 'auto' ? 'auto ratio' : s.ratio),
          h('span.chip', s.size),
          h('span.chip', `${s.n} image${s.n > 1 ? 's' : ''}`),
          s.refs ? h('span.chip', `${s.refs} reference${s.refs > 1 ? 's' : ''}`) : null,
          s.thinking ? h('span.chip', `thinking ${s.thinking}`) : null,
          s.search ? h('span.chip', 'search') : null,
          h('span', { title: entry.created_at }, fmtRelative(entry.created_at)))),
      h('div.run-actions',
        running && entry.task_id ? h('button.btn.small', { type: 'button', onclick: () => cancel(entry) }, icon('stop'), 'Cancel') : null,
        h('button.btn.small.ghost', { type: 'button', onclick: () => reuseSettings(entry), title: 'Load this prompt and settings' }, icon('reuse'), 'Reuse'),
        !running ? h('button.icon-btn', { type: 'button', 'aria-label': 'Remove from history', title: 'Remove from history', onclick: () => removeEntry(entry) }, icon('trash')) : null)),
    running ? h(`div.progress${finished === 0 ? '.indeterminate' : ''}`, { role: 'progressbar', 'aria-label': 'Progress', 'aria-valuemin': '0', 'aria-valuemax': String(s.n), 'aria-valuenow': String(finished) },
      h('i', { style: { width: `${Math.max(4, (finished / s.n) * 100)}%` } })) : null,
    h('div.run-body',
      entry.error ? h(`div.alert.${entry.status === 'lost' || RUNNING.has(entry.status) ? 'warn' : 'error'}`, { role: 'alert', dataset: { testid: 'run-error' } }, h('span.alert-body',
        h('strong', { not_submitted: 'Not submitted: ', lost: 'Unknown: ' }[entry.status] || (RUNNING.has(entry.status) ? 'Waiting: ' : 'Failed: ')),
        entry.error.message, entry.error.code ? h('span.muted', ` (${entry.error.code})`) : null)) : null,
      entry.offline && RUNNING.has(entry.status) ? h('div.alert.warn', { role: 'status', dataset: { testid: 'run-offline' } }, h('span.alert-body', h('strong', 'Server unreachable: '), 'retrying. The run goes on on the server; this page shows its result when it is back.')) : null,
      entry.warnings?.length ? h('div.alert.warn', h('span.alert-body', h('strong', 'Adjusted: '), entry.warnings.map((w) => (typeof w === 'string' ? w : w.message || JSON.stringify(w))).join(' · '))) : null,
      tiles.length && entry.status !== 'not_submitted' ? h(`div.tiles.n${s.n}`, tiles) : null,
      h('div.run-foot',
        running ? h('span', `${done} of ${s.n} ready${entry.status === 'pending' ? ' · queued' : ''}`) : null,
        running ? h('span.elapsed', { dataset: { since: entry.created_at } }, fmtDuration(Math.max(0, Math.round((Date.now() - new Date(entry.created_at)) / 100) * 100))) : null,
        elapsed !== null ? h('span', `took ${fmtDuration(elapsed)}`) : null,
        entry.credits ? h('span', creditsText(entry.credits, running)) : null,
        entry.task_id ? h('span.mono', entry.task_id) : null,
        entry.via === 'gemini' ? h('span', 'via the Gemini dialect (task API unavailable)') : null)));
}

function fmtExpiry(iso) {
  const ms = new Date(iso).getTime() - Date.now();
  if (ms < 3600000) return `expires in ${Math.max(1, Math.round(ms / 60000))} min`;
  return `valid ${Math.round(ms / 3600000)} h`;
}

function creditsText(c, running) {
  if (running && c.reserved) return `${fmtInt(c.reserved)} credits reserved`;
  if (c.charged !== undefined && c.charged !== null) return `${fmtInt(c.charged)} credits charged${c.refunded ? ` · ${fmtInt(c.refunded)} refunded` : ''}`;
  if (c.reserved) return `${fmtInt(c.reserved)} credits reserved`;
  return '';
}

function renderTile(entry, img, i, px) {
  const w = img.width || px?.w || 1;
  const hgt = img.height || px?.h || 1;
  const isExpired = expired(img);
  const sessionOnly = entry.via === 'gemini' && img.url?.startsWith('blob:') && !state.sessionUrls.has(img.url);
  const broken = state.brokenUrls.has(img.url);
  const usable = img.status === 'succeeded' && img.url && !isExpired && !sessionOnly && !broken;
  const alt = `Image ${i + 1} of ${entry.settings.n}: ${entry.prompt}`;
  let content;
  if (img.status === 'succeeded' && usable) {
    content = imageNode(img.url, alt, (node) => onImageLoaded(entry, i, node), () => {
      state.brokenUrls.add(img.url);
      state.imgNodes.delete(img.url);
      rerender(entry);
    });
  } else if (img.status === 'succeeded' && img.thumb) {
    content = [h('img', { src: img.thumb, alt: `${alt} (thumbnail)` }),
      h(`span.badge.expired.expired-mark`, isExpired ? 'Link expired' : broken ? 'Link unavailable' : 'Preview only')];
  } else if (img.status === 'succeeded') {
    content = h('div.placeholder', isExpired ? 'Link expired: the image is no longer stored' : broken ? 'The link no longer works' : 'Preview not kept');
  } else if (img.status === 'failed') {
    const same = entry.error && img.error && entry.error.message === img.error.message;
    content = h('div.placeholder', h('div', h('strong', 'Image failed · refunded'), same ? null : (img.error?.message || 'No image was produced.'), img.error?.code ? h('div.mono', img.error.code) : null));
  } else if (img.status === 'canceled') {
    content = h('div.placeholder', 'Canceled · refunded');
  } else {
    content = h('div.placeholder', h('div', h('div.spinner'), img.status === 'running' ? 'Rendering…' : 'Waiting…'));
  }
  const tileState = isExpired && img.status === 'succeeded' ? 'expired' : img.status;
  return h(`figure.tile.${tileState}`, { dataset: { index: String(i), status: tileState, testid: 'tile' } },
    h('div.frame', { style: { aspectRatio: img.status === 'failed' || img.status === 'canceled' ? '' : `${w} / ${hgt}` } }, content),
    h('figcaption.tile-bar',
      h('span.dims', img.width ? `${img.width} × ${img.height}` : px ? `${px.w} × ${px.h}` : '', isExpired ? ' · link expired' : img.expires_at ? ` · link ${fmtExpiry(img.expires_at)}` : ''),
      usable ? h('span.tools',
        h('a.icon-btn', { href: img.url, download: `nanogate-${entry.task_id || entry.id}-${i + 1}.${(img.mime_type || 'image/png').split('/')[1]}`, 'aria-label': `Download image ${i + 1}`, title: 'Download' }, icon('download')),
        h('button.icon-btn', { type: 'button', 'aria-label': `Use image ${i + 1} as reference`, title: 'Use as reference', onclick: () => useAsReference(img) }, icon('reuse')),
        h('a.icon-btn', { href: img.url, target: '_blank', rel: 'noopener', 'aria-label': `Open image ${i + 1} in a new tab`, title: 'Open' }, icon('open'))) : null));
}

function onImageLoaded(entry, index, node) {
  const img = entry.images[index];
  if (!img) return;
  let changed = false;
  if (!img.width) {
    img.width = node.naturalWidth;
    img.height = node.naturalHeight;
    changed = true;
  }
  if (!img.thumb) {
    try {
      const scale = Math.min(1, 320 / Math.max(node.naturalWidth, node.naturalHeight));
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(node.naturalWidth * scale);
      canvas.height = Math.round(node.naturalHeight * scale);
      canvas.getContext('2d').drawImage(node, 0, 0, canvas.width, canvas.height);
      img.thumb = canvas.toDataURL('image/jpeg', 0.78);
      changed = true;
    } catch {
      // A cross-origin link without CORS taints the canvas: keep the link only.
    }
  }
  if (changed) saveHistory();
}

function reuseSettings(entry) {
  Object.assign(state.settings, {
    model: entry.settings.model, ratio: entry.settings.ratio, size: entry.settings.size, n: entry.settings.n, prompt: entry.prompt,
  });
  $('#model').value = state.settings.model;
  $('#prompt').value = entry.prompt;
  $('#prompt').dispatchEvent(new Event('input'));
  renderModelControls();
  $('#prompt').focus();
}

function removeEntry(entry) {
  state.history = state.history.filter((e) => e.id !== entry.id);
  saveHistory();
  renderHistory();
}

async function useAsReference(img) {
  try {
    const res = await fetch(img.url);
    if (!res.ok) throw new Error(res.status === 410 ? 'the link has expired' : `HTTP ${res.status}`);
    const blob = await res.blob();
    await addRefs([new File([blob], `generated-${img.index ?? 0}.png`, { type: blob.type })]);
    toast('Added as a reference image', 'ok');
    $('#use-refs').scrollIntoView({ block: 'center', behavior: 'smooth' });
  } catch (err) {
    toast(`Could not use it as a reference: ${err.message}`, 'error');
  }
}

// ---------- generating ----------
function newEntry() {
  const s = state.settings;
  return {
    id: crypto.randomUUID(),
    task_id: null,
    status: 'submitting',
    created_at: new Date().toISOString(),
    completed_at: null,
    prompt: s.prompt.trim(),
    settings: { model: s.model, ratio: s.ratio, size: s.size, n: s.n, refs: s.useRefs ? state.refs.length : 0, thinking: s.thinking || null, search: !!s.search },
    images: Array.from({ length: s.n }, (_, i) => ({ index: i, status: 'pending' })),
    credits: null,
    warnings: [],
    error: null,
    via: 'tasks',
  };
}

async function generate() {
  const prompt = $('#prompt');
  if (!state.catalog) return;
  if (!keyUi.key()) {
    keyUi.open();
    return;
  }
  if (!prompt.value.trim()) {
    prompt.setAttribute('aria-invalid', 'true');
    prompt.focus();
    toast('Write a prompt first.', 'error');
    return;
  }
  const short = renderAffordability();
  if (short) {
    toast(short, 'error');
    return;
  }
  state.settings.prompt = prompt.value;
  const entry = newEntry();
  const refs = state.settings.useRefs ? state.refs.map((r) => r.dataUrl) : [];
  state.history.unshift(entry);
  if (state.history.length > MAX_HISTORY) state.history.length = MAX_HISTORY;
  saveHistory();
  renderHistory();
  $('#main').scrollIntoView({ block: 'start', behavior: 'smooth' });

  const s = entry.settings;
  const body = { model: s.model, prompt: entry.prompt, size: s.ratio, resolution: s.size === '512' ? '0.5K' : s.size, n: s.n };
  if (refs.length) body.image_urls = refs;
  if (s.thinking) body.thinking_level = s.thinking;
  if (s.search) body.google_search = true;
  // Kept so a reload mid-submit can replay the same request under the same Idempotency-Key (reference images
  // are too large to keep: such a run is looked up in the task list instead).
  if (!refs.length) entry.request = body;
  saveHistory();
  await submit(entry, body);
}

/**
 * POSTs the run's request with its id as the Idempotency-Key, so a resubmission never makes a second task: the
 * server answers a replay with the first answer. Unreachable server: retried with backoff (the request may or may
 * not have arrived; only the server can say). A refusal: the run was not submitted and nothing was charged.
 */
async function submit(entry, body) {
  let delay = 500;
  for (;;) {
    try {
      const { data } = await api('/v1/images/generations', { key: keyUi.key(), method: 'POST', body, headers: { 'Idempotency-Key': entry.id } });
      setOnline(true);
      entry.task_id = data.task_id;
      entry.status = data.status || 'pending';
      entry.credits = data.credits;
      entry.warnings = data.warnings || [];
      entry.offline = false;
      entry.error = null;
      saveHistory();
      rerender(entry);
      poll(entry);
      return;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && !err.body?.error?.param) {
        // The task API is not served by this build: fall back to the Gemini dialect.
        await generateViaGemini(entry, body.image_urls || []);
        return;
      }
      if (retryable(err)) {
        entry.offline = err.status === 0;
        entry.error = err.status === 0 ? null : { message: `${err.message}; retrying`, code: err.code };
        rerender(entry);
        await sleep(delay);
        delay = Math.min(MAX_BACKOFF_MS, delay * 2);
        continue;
      }
      notSubmitted(entry, err);
      return;
    }
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Whether to try again: the server was not reached, was restarting, or is still answering the same key. */
function retryable(err) {
  if (!(err instanceof ApiError)) return false;
  if (err.status === 0) setOnline(false);
  return err.status === 0 || err.status === 502 || err.status === 503 || err.status === 504 || (err.status === 409 && err.code === 'idempotency_key_in_use');
}

/** The server refused the request before accepting it: nothing ran, nothing was charged, nothing counts as completed. */
function notSubmitted(entry, err) {
  entry.status = 'not_submitted';
  entry.offline = false;
  entry.completed_at = null;
  // Server messages end with their own full stop ("…lower n."): drop that one (only one: "Bearer sk-...." keeps its
  // ellipsis) and add ours, never "n.. Nothing".
  entry.error = { message: `${String(err.message).replace(/\.?\s*$/, '')}. Nothing was charged.`, code: err.code };
  delete entry.request;
  saveHistory();
  rerender(entry);
  toast(err.message, 'error', 6000);
  if (err.status === 401) keyUi.refresh();
}

// ---------- reachability ----------
let offlineBar = null;
function setOnline(online) {
  if (!offlineBar) {
    offlineBar = h('div#offline.alert.warn', { role: 'status', hidden: true },
      h('span.alert-body', h('strong', 'Offline: '), 'the server cannot be reached. Runs in flight go on on the server; this page shows their results when it is back.'));
    $('#notice').before(offlineBar);
  }
  if (offlineBar.hidden === online) return;
  offlineBar.hidden = online;
  document.body.dataset.online = String(online);
}

async function poll(entry) {
  const ctl = new AbortController();
  state.polls.get(entry.id)?.abort();
  state.polls.set(entry.id, ctl);
  let delay = 400;
  let backoff = 1000;
  while (!ctl.signal.aborted) {
    let wait = delay;
    try {
      const { data } = await api(`/v1/tasks/${encodeURIComponent(entry.task_id)}`, { key: keyUi.key(), signal: ctl.signal });
      setOnline(true);
      backoff = 1000;
      if (entry.offline) {
        entry.offline = false;
        rerender(entry);
      }
      applyTask(entry, data);
      if (TERMINAL.has(data.status)) break;
    } catch (err) {
      if (err.name === 'AbortError') return;
      if (err.status === 404) {
        // The server says it has no such task (its data was reset, or another key): not failed, not refunded.
        entry.status = 'lost';
        entry.offline = false;
        entry.error = { message: `The server has no task ${entry.task_id}; what became of it is unknown.`, code: err.code };
        saveHistory();
        rerender(entry);
        break;
      }
      if (err.status === 401 || err.status === 403) {
        // The key was changed or refused: stop asking; a new key resumes the run (keyUi onChange).
        entry.error = { message: `${err.message}. The run resumes when a working key is entered.`, code: err.code };
        rerender(entry);
        break;
      }
      // Unreachable, restarting or busy: ask again, backing off; only the server's answer ends the run.
      if (err.status === 0 && !entry.offline) {
        entry.offline = true;
        rerender(entry);
      }
      setOnline(err.status !== 0);
      wait = backoff;
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
    await sleep(wait);
    delay = Math.min(1500, delay + 150);
  }
  state.polls.delete(entry.id);
  keyUi.refresh();
}

function applyTask(entry, task) {
  const before = JSON.stringify([entry.status, entry.images.map((i) => [i.status, i.url])]);
  entry.status = task.status;
  entry.credits = task.credits ?? entry.credits;
  if (task.warnings?.length) entry.warnings = task.warnings;
  if (task.error) entry.error = typeof task.error === 'string' ? { message: task.error } : task.error;
  const images = task.images || [];
  for (const img of images) {
    const i = img.index ?? images.indexOf(img);
    const cur = entry.images[i] || (entry.images[i] = { index: i });
    Object.assign(cur, {
      status: img.status, url: img.url ?? cur.url, expires_at: img.expires_at ?? cur.expires_at, mime_type: img.mime_type,
      width: img.width ?? cur.width, height: img.height ?? cur.height, error: img.error ?? null,
    });
  }
  if (TERMINAL.has(task.status)) {
    entry.completed_at = task.completed_at || new Date().toISOString();
    for (const i of entry.images) if (!TERMINAL.has(i.status)) i.status = task.status === 'canceled' ? 'canceled' : 'failed';
  }
  const after = JSON.stringify([entry.status, entry.images.map((i) => [i.status, i.url])]);
  if (before !== after) {
    saveHistory();
    rerender(entry);
  }
}

async function cancel(entry) {
  try {
    const { data } = await api(`/v1/tasks/${encodeURIComponent(entry.task_id)}/cancel`, { key: keyUi.key(), method: 'POST' });
    if (data?.status) applyTask(entry, data);
    const canceled = (data?.images || []).filter((i) => i.status === 'canceled').length;
    toast(canceled
      ? `${canceled} image${canceled > 1 ? 's' : ''} canceled and refunded; images already rendering finish and are charged.`
      : 'Every image had already started: they finish and are charged.');
  } catch (err) {
    toast(err.message, 'error');
  }
}

/** The Gemini dialect, one synchronous call per image: used only when /v1/images/generations is absent. */
async function generateViaGemini(entry, refs) {
  entry.via = 'gemini';
  entry.status = 'running';
  entry.images.forEach((i) => { i.status = 'running'; });
  rerender(entry);
  const s = entry.settings;
  const parts = [{ text: entry.prompt }, ...refs.map((d) => {
    const [, mime, data] = /^data:([^;]+);base64,(.*)$/.exec(d);
    return { inlineData: { mimeType: mime, data } };
  })];
  const imageConfig = { imageSize: s.size === '512' ? '512' : s.size };
  if (s.ratio !== 'auto') imageConfig.aspectRatio = s.ratio;
  const body = { contents: [{ role: 'user', parts }], generationConfig: { responseModalities: ['TEXT', 'IMAGE'], imageConfig } };
  // An image answer streams through before its charge is settled, so it carries no charge header: the charge is
  // what the account's "charged" total moved by over these calls (docs/gemini.md, Passthrough).
  const chargedSoFar = async () => {
    try {
      const res = await fetch('/v1/account', { headers: { Authorization: `Bearer ${keyUi.key()}` } });
      return res.ok ? Number((await res.json())?.credits?.charged ?? 0) : null;
    } catch { return null; }
  };
  const before = await chargedSoFar();
  await Promise.all(entry.images.map(async (img) => {
    try {
      const res = await fetch(`/v1beta/models/${encodeURIComponent(s.model)}:generateContent`, {
        method: 'POST', headers: { Authorization: `Bearer ${keyUi.key()}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      const text = await res.text();
      let json = null;
      try { json = JSON.parse(text); } catch { /* not JSON */ }
      if (!res.ok) throw Object.assign(new Error(describeError(res.status, json, text).message), { status: res.status, code: json?.error?.status });
      const cand = json?.candidates?.[0];
      const part = cand?.content?.parts?.find((p) => p.inlineData || p.inline_data);
      if (!part) throw Object.assign(new Error(`No image came back (finishReason ${cand?.finishReason || 'unknown'}).`), { code: 'no_image' });
      const inline = part.inlineData || part.inline_data;
      const bin = Uint8Array.from(atob(inline.data), (c) => c.charCodeAt(0));
      img.url = URL.createObjectURL(new Blob([bin], { type: inline.mimeType || 'image/png' }));
      state.sessionUrls.add(img.url);
      img.mime_type = inline.mimeType || 'image/png';
      img.status = 'succeeded';
    } catch (err) {
      img.status = 'failed';
      img.error = { message: err.message, code: err.code || (err.status ? String(err.status) : undefined) };
      if (err.status === 401) entry.error = { message: err.message, code: '401' };
    }
    rerender(entry);
  }));
  const ok = entry.images.filter((i) => i.status === 'succeeded').length;
  entry.status = ok === entry.images.length ? 'succeeded' : ok ? 'partially_succeeded' : 'failed';
  entry.completed_at = new Date().toISOString();
  const after = await chargedSoFar();
  entry.credits = { charged: before !== null && after !== null ? Math.max(0, after - before) : 0 };
  saveHistory();
  rerender(entry);
  keyUi.refresh();
}

/**
 * After a reload or a new key: asks the server about every run this page does not know the end of. A run with a
 * task id is polled; one that was still being submitted is replayed under its Idempotency-Key (the server answers
 * with the task it made, or makes it now), or, when it carried reference images, looked up in the task list.
 */
function resumeRuns() {
  if (!keyUi.key()) return;
  for (const entry of state.history) {
    if (!RUNNING.has(entry.status) || state.polls.has(entry.id) || state.submitting?.has(entry.id)) continue;
    if (entry.task_id && entry.via === 'tasks') poll(entry);
    else if (entry.via === 'tasks' && entry.request) resubmit(entry);
    else if (entry.via === 'tasks') findSubmitted(entry);
    else {
      // A Gemini-dialect run is one synchronous call per image: its answer died with the page.
      entry.status = 'not_submitted';
      entry.error = { message: 'The page was closed before the server answered this synchronous request; check the account balance for its charge.', code: 'interrupted' };
    }
  }
  saveHistory();
}

async function resubmit(entry) {
  state.submitting ??= new Set();
  state.submitting.add(entry.id);
  try {
    await submit(entry, entry.request);
  } finally {
    state.submitting.delete(entry.id);
  }
}

/** A run with reference images interrupted mid-submit: the newest task with its prompt made after it started, if any. */
async function findSubmitted(entry) {
  try {
    const { data } = await api('/v1/tasks?limit=50', { key: keyUi.key() });
    const since = new Date(entry.created_at).getTime() - 5000;
    const known = new Set(state.history.map((e) => e.task_id).filter(Boolean));
    const match = (data.data || []).find((t) => !known.has(t.task_id) && t.request?.prompt === entry.prompt && new Date(t.created_at).getTime() >= since);
    if (match) {
      entry.task_id = match.task_id;
      applyTask(entry, match);
      saveHistory();
      rerender(entry);
      if (!TERMINAL.has(match.status)) poll(entry);
      return;
    }
    notSubmitted(entry, new ApiError(0, 'The page was closed before the server accepted this run, and the server has no task for it', 'interrupted'));
  } catch (err) {
    if (retryable(err)) setTimeout(() => findSubmitted(entry), 3000);
  }
}

// ---------- start ----------
bindSettings();
bindRefs();
renderRefs();
renderNotice();
$('#clear-history').addEventListener('click', () => {
  if (state.history.some((e) => RUNNING.has(e.status))) {
    toast('Wait for the running generations to finish first.', 'error');
    return;
  }
  if (!state.history.length || !confirm('Clear the history saved in this browser?')) return;
  state.history = [];
  saveHistory();
  renderHistory();
});
setInterval(() => {
  // The elapsed time of running runs, without re-rendering them.
  for (const el of document.querySelectorAll('.elapsed[data-since]')) {
    el.textContent = fmtDuration(Math.max(0, Math.round((Date.now() - new Date(el.dataset.since)) / 100) * 100));
  }
}, 500);
setInterval(() => {
  // Keep relative times fresh and mark links that expired while the page was open.
  if (state.history.some((e) => e.images.some((i) => i.url && expired(i) && !i.markedExpired))) {
    state.history.forEach((e) => e.images.forEach((i) => { if (expired(i)) i.markedExpired = true; }));
    renderHistory();
  }
}, 30000);
await loadCatalog();
resumeRuns();
renderHistory();
keyUi.refresh();
document.body.dataset.ready = 'true';
