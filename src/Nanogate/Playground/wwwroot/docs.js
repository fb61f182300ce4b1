// The API reference: ready-to-copy requests for the playground's current settings, and the billing rules.
import { STORE, store, api, h, $, setupKey, copyText, fmtInt, fmtUsd } from './common.js';
import { renderOpenApi } from './openapi-view.js';

const keyUi = setupKey({ onChange: () => render() });
const settings = {
  model: 'gemini-3.1-flash-lite-image', ratio: 'auto', size: '1K', n: 1, prompt: '',
  ...store.get(STORE.settings, {}),
};
let catalog = null;
const origin = window.location.origin;
const DEFAULT_PROMPT = 'A refined product photo of a compact AI API router device on a white desk';

const model = () => catalog.data.find((m) => m.id === settings.model) ?? catalog.data[0];
const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const keyText = () => ($('#ref-show-key').checked && keyUi.key() ? keyUi.key() : 'YOUR_API_KEY');
const prompt = () => (settings.prompt || '').trim() || DEFAULT_PROMPT;

/** Light highlighting, built from text nodes (never innerHTML): strings, flags, keys and commands. */
function highlight(text) {
  const out = [];
  const re = /("(?:[^"\\]|\\.)*"(?=\s*:))|("(?:[^"\\]|\\.)*")|(^|\s)(-[A-Za-z]|--[a-z-]+)(?=\s)|\b(curl|while|do|done|case|esac|break|sleep|echo)\b/gm;
  let last = 0;
  for (const m of text.matchAll(re)) {
    const [whole, key, str, pre, flag, cmd] = m;
    out.push(text.slice(last, m.index));
    if (key) out.push(h('span.tok-p', key));
    else if (str) out.push(h('span.tok-s', str));
    else if (flag) out.push(pre, h('span.tok-k', flag));
    else if (cmd) out.push(h('span.tok-c', cmd));
    last = m.index + whole.length;
  }
  out.push(text.slice(last));
  return out;
}

function codeBlock(title, text, id) {
  const btn = h('button.btn.small', { type: 'button', 'aria-label': `Copy ${title}` }, 'Copy');
  btn.addEventListener('click', () => copyText(text, btn));
  return h('div.code', { dataset: { testid: id } },
    h('div.code-head', h('span', title), btn),
    h('pre', h('code', highlight(text))));
}

function taskBody() {
  const body = { model: settings.model, prompt: prompt(), size: settings.ratio };
  const m = model();
  if (m.sizes.length > 1 || settings.size !== '1K') body.resolution = settings.size === '512' ? '0.5K' : settings.size;
  if (settings.n > 1) body.n = settings.n;
  if (settings.useRefs) body.image_urls = ['https://example.com/reference.png'];
  if (settings.thinking && (m.thinking_levels || []).includes(settings.thinking)) body.thinking_level = settings.thinking;
  if (settings.search && m.supports_search) body.google_search = true;
  return body;
}

function pixelSize() {
  const m = model();
  return m.pixel_sizes?.[settings.size]?.[settings.ratio === 'auto' ? '1:1' : settings.ratio] ?? '1024x1024';
}

function render() {
  if (!catalog) return;
  const m = model();
  const key = keyText();
  const body = taskBody();
  const json = JSON.stringify(body, null, 2);
  const price = m.pricing.credits_per_image[settings.size] * settings.n;

  $('#code-auth').replaceChildren(codeBlock('Header', `Authorization: Bearer ${key}`, 'auth'));
  $('#code-submit').replaceChildren(codeBlock('curl · submit', [
    `curl "${origin}/v1/images/generations" \\`,
    `  -H "Authorization: Bearer ${key}" \\`,
    '  -H "Content-Type: application/json" \\',
    `  -d ${shellQuote(json)}`,
  ].join('\n'), 'curl-submit'));
  $('#code-submit-response').replaceChildren(codeBlock('Response · 202 Accepted', JSON.stringify({
    task_id: 'task_abc123', status: 'pending', poll_url: '/v1/tasks/task_abc123', request_id: 'req_abc123',
    model: m.id, n: settings.n, credits: { reserved: price }, warnings: [],
  }, null, 2), 'response-submit'));

  const [w, hgt] = pixelSize().split('x').map(Number);
  $('#code-poll').replaceChildren(codeBlock('curl · poll until done', [
    `TASK_ID=$(curl -s "${origin}/v1/images/generations" \\`,
    `  -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\`,
    `  -d ${shellQuote(JSON.stringify(body))} | sed -E 's/.*"task_id":"([^"]+)".*/\\1/')`,
    '',
    'while :; do',
    `  TASK=$(curl -s "${origin}/v1/tasks/$TASK_ID" -H "Authorization: Bearer ${key}")`,
    '  case "$TASK" in *\'"status":"pending"\'*|*\'"status":"running"\'*) sleep 1 ;; *) echo "$TASK"; break ;; esac',
    'done',
  ].join('\n'), 'curl-poll'));
  $('#code-poll-response').replaceChildren(codeBlock('Response · 200', JSON.stringify({
    task_id: 'task_abc123', status: 'succeeded', model: m.id,
    request: { prompt: prompt(), aspect_ratio: settings.ratio, resolution: settings.size, n: settings.n },
    images: [{ index: 0, status: 'succeeded', url: `${origin}/v1/media/med_…?exp=…&sig=…`, expires_at: '…', mime_type: 'image/png', width: w, height: hgt }],
    error: null,
    credits: { reserved: price, charged: price, refunded: 0 },
  }, null, 2), 'response-poll'));

  const imageConfig = { imageSize: settings.size };
  if (settings.ratio !== 'auto') imageConfig.aspectRatio = settings.ratio;
  const gemini = { contents: [{ parts: [{ text: prompt() }] }], generationConfig: { responseModalities: ['IMAGE'], imageConfig } };
  if (settings.search && m.supports_search) gemini.tools = [{ googleSearch: {} }];
  $('#code-gemini').replaceChildren(codeBlock('curl · Gemini dialect', [
    `curl "${origin}/v1beta/models/${m.id}:generateContent" \\`,
    `  -H "x-goog-api-key: ${key}" \\`,
    '  -H "Content-Type: application/json" \\',
    `  -d ${shellQuote(JSON.stringify(gemini, null, 2))}`,
  ].join('\n'), 'curl-gemini'));

  const openai = { model: m.id, prompt: prompt(), size: pixelSize(), n: settings.n, response_format: 'url' };
  $('#code-openai').replaceChildren(codeBlock('curl · OpenAI dialect', [
    `curl "${origin}/openai/v1/images/generations" \\`,
    `  -H "Authorization: Bearer ${key}" \\`,
    '  -H "Content-Type: application/json" \\',
    `  -d ${shellQuote(JSON.stringify(openai, null, 2))}`,
  ].join('\n'), 'curl-openai'));

  renderParams(m);
}

function renderParams(m) {
  const rows = [
    ['model', 'string', true, `Model id or alias. This model: ${m.id} (aliases: ${m.aliases.join(', ')}).`],
    ['prompt', 'string', true, 'Text describing what to generate, or the edit to make to the reference images.'],
    ['size', 'string', false, `Output aspect ratio. Options: auto, ${m.aspect_ratios.join(', ')}. Default: auto. Pixel sizes WxH are mapped to the nearest ratio, with a warning.`],
    ['resolution', 'string', false, `Options: ${m.sizes.map((s) => (s === '512' ? '0.5K' : s)).join(', ')}. Default: ${m.default_size}. Other tiers are downgraded with a warning.`],
    ['n', 'integer', false, 'Images to generate, 1 to 4. Default: 1.'],
    ['image_urls', 'string[]', false, `Reference images: http(s) URLs or data:image/{png,jpeg,webp};base64 URLs, up to ${m.max_reference_images}, each up to 10 MB.`],
    m.thinking === 'levels' ? ['thinking_level', 'string', false, 'minimal or high.'] : null,
    m.supports_search ? ['google_search', 'boolean', false, 'Ground the image in Google Search results.'] : null,
    ['callback_url', 'string', false, 'Webhook URL called (signed, Standard Webhooks) when the task finishes.'],
  ].filter(Boolean);
  $('#param-table tbody').replaceChildren(...rows.map(([name, type, req, notes]) => h('tr',
    h('td', h('code', name)), h('td.muted', type), h('td', req ? 'Required' : h('span.muted', 'Optional')), h('td', notes))));
}

function renderBilling() {
  const tiers = ['512', '1K', '2K', '4K'];
  $('#price-table thead').replaceChildren(h('tr', h('th', 'Model (credits per image)'), ...tiers.map((t) => h('th.num', t === '512' ? '0.5K' : t))));
  $('#price-table tbody').replaceChildren(...catalog.data.map((m) => h('tr',
    h('td', h('strong', m.display_name), h('div.faint.mono', m.id)),
    ...tiers.map((t) => {
      const c = m.pricing.credits_per_image[t];
      const usd = m.pricing.usd_per_image[t];
      return h('td.num', c === undefined ? h('span.faint', '–') : [h('strong', fmtInt(c)), h('div.faint', `${fmtUsd(usd.min)}–${fmtUsd(usd.max)}`)]);
    }))));
  $('#package-table tbody').replaceChildren(...catalog.packages.map((p) => h('tr',
    h('td', h('strong', p.name), h('span.faint.mono', ` ${p.id}`)),
    h('td.num', fmtInt(p.credits_per_usd)),
    h('td.num', fmtUsd(p.minimum_usd)),
    h('td.num', fmtUsd(1000 / p.credits_per_usd)))));
}

function fillSelects() {
  const m = model();
  settings.model = m.id;
  $('#ref-model').replaceChildren(...catalog.data.map((x) => h('option', { value: x.id, selected: x.id === m.id }, x.display_name)));
  if (settings.ratio !== 'auto' && !m.aspect_ratios.includes(settings.ratio)) settings.ratio = 'auto';
  if (!m.sizes.includes(settings.size)) settings.size = m.default_size;
  $('#ref-ratio').replaceChildren(...['auto', ...m.aspect_ratios].map((r) => h('option', { value: r, selected: r === settings.ratio }, r)));
  $('#ref-size').replaceChildren(...m.sizes.map((s) => h('option', { value: s, selected: s === settings.size }, s === '512' ? '0.5K' : s)));
  $('#ref-n').value = String(settings.n);
}

$('#ref-settings').addEventListener('change', (e) => {
  if (e.target.id === 'ref-model') settings.model = e.target.value;
  if (e.target.id === 'ref-ratio') settings.ratio = e.target.value;
  if (e.target.id === 'ref-size') settings.size = e.target.value;
  if (e.target.id === 'ref-n') settings.n = Number(e.target.value);
  if (e.target.id !== 'ref-show-key') {
    fillSelects();
    store.set(STORE.settings, { ...store.get(STORE.settings, {}), model: settings.model, ratio: settings.ratio, size: settings.size, n: settings.n });
  }
  render();
});

try {
  ({ data: catalog } = await api('/v1/models'));
  fillSelects();
  renderBilling();
  render();
} catch (err) {
  $('#main').prepend(h('div.alert.error', { role: 'alert' }, `Could not load the model catalog: ${err.message}`));
}
try {
  renderOpenApi($('#openapi-view'), (await api('/openapi/v1.json')).data);
} catch (err) {
  $('#openapi-view').replaceChildren(h('div.alert.error', { role: 'alert' }, `Could not load /openapi/v1.json: ${err.message}`));
}
keyUi.refresh();
document.body.dataset.ready = 'true';
