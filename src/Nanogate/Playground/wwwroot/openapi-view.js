// Renders /openapi/v1.json on the /docs page: every route with its request body, its answers and their schemas.
// Pure functions first (operations, schemaRows: testable without a DOM), then the DOM view built with h() (never innerHTML).
import { h } from './common.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The operations of the document, grouped by their first tag (ASP.NET names it after the mapping class) in path order. */
export function operations(doc) {
  const out = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) out.push({ method: method.toUpperCase(), path, op, tag: op.tags?.[0]?.name ?? op.tags?.[0] ?? 'Other' });
    }
  }
  return out;
}

/** A $ref's target schema and its name. */
export function resolve(doc, schema) {
  const ref = schema?.$ref;
  if (!ref) return { name: null, schema: schema ?? {} };
  const name = ref.split('/').pop();
  return { name, schema: doc.components?.schemas?.[name] ?? {} };
}

/** A schema's type as one short string: "string", "integer | null", "TaskObject", "array of TaskImageView", "map of string". */
export function typeName(doc, schema) {
  if (!schema) return 'any';
  if (schema.$ref) return schema.$ref.split('/').pop();
  if (schema.oneOf) return schema.oneOf.map((s) => typeName(doc, s)).join(' | ');
  const types = [].concat(schema.type ?? []);
  const named = types.map((t) => {
    if (t === 'array') return `array of ${typeName(doc, schema.items)}`;
    if (t === 'object' && schema.additionalProperties) return `map of ${typeName(doc, schema.additionalProperties)}`;
    if (t === 'string' && schema.format === 'binary') return 'file';
    return t;
  });
  return named.length ? named.join(' | ') : 'any';
}

/** The rows of a schema's property table, nested objects flattened with dotted names (at most `depth` levels). */
export function schemaRows(doc, schema, prefix = '', depth = 3, seen = new Set()) {
  const { name, schema: s } = resolve(doc, schema);
  if (name) {
    if (seen.has(name)) return [];
    seen = new Set([...seen, name]);
  }
  const rows = [];
  const required = new Set(s.required ?? []);
  for (const [prop, ps] of Object.entries(s.properties ?? {})) {
    const full = prefix + prop;
    rows.push({ name: full, type: typeName(doc, ps), required: required.has(prop), description: ps.description ?? resolve(doc, ps).schema.description ?? '' });
    const inner = ps.oneOf?.find((x) => x.type !== 'null') ?? (ps.type === 'array' || (Array.isArray(ps.type) && ps.type.includes('array')) ? ps.items : ps);
    if (depth > 1 && (inner?.$ref || inner?.properties)) rows.push(...schemaRows(doc, inner, `${full}${inner === ps.items ? '[]' : ''}.`, depth - 1, seen));
  }
  return rows;
}

function schemaTable(doc, schema) {
  const rows = schemaRows(doc, schema);
  if (!rows.length) return h('p.muted', typeName(doc, schema));
  return h('div.table-wrap', h('table.schema',
    h('thead', h('tr', h('th', 'Field'), h('th', 'Type'), h('th', 'Notes'))),
    h('tbody', ...rows.map((r) => h('tr',
      h('td', h('code', r.name), r.required ? h('span.req', ' required') : ''),
      h('td', h('code', r.type)),
      h('td', r.description))))));
}

function contentView(doc, title, content) {
  const parts = [];
  for (const [type, media] of Object.entries(content ?? {})) {
    const example = media.schema?.examples?.[0] ?? resolve(doc, media.schema).schema.examples?.[0];
    parts.push(h('div.oa-content',
      h('div.oa-type', title, ' · ', h('code', type), media.schema ? [' · ', h('code', typeName(doc, media.schema))] : ''),
      media.schema ? schemaTable(doc, media.schema) : '',
      example === undefined ? '' : h('pre.oa-example', h('code', JSON.stringify(example, null, 2)))));
  }
  return parts;
}

function operationView(doc, { method, path, op }) {
  const id = `op-${method.toLowerCase()}-${path.replace(/[^a-z0-9]+/gi, '-')}`;
  const params = (op.parameters ?? []).map((p) => h('li', h('code', p.name), ` (${p.in}${p.required ? ', required' : ''})`, p.description ? ` ${p.description}` : ''));
  const responses = Object.entries(op.responses ?? {}).map(([status, r]) =>
    h('div.oa-response', h('span.oa-status', { dataset: { status: status[0] } }, status), ' ', r.description ?? '', ...contentView(doc, `Response ${status}`, r.content)));
  return h('details.oa-op', { id, dataset: { testid: `${method} ${path}` } },
    h('summary', h(`span.method${method === 'GET' ? '' : '.post'}`, method), ' ', h('code', path), op.summary ? ` ${op.summary}` : ''),
    op.description ? h('p', op.description) : '',
    params.length ? [h('h4', 'Parameters'), h('ul', ...params)] : '',
    op.requestBody ? [h('h4', `Request body${op.requestBody.required ? '' : ' (optional)'}`), ...contentView(doc, 'Body', op.requestBody.content)] : '',
    h('h4', 'Responses'),
    ...responses);
}

/** Fills `container` with every operation of `doc`, grouped by tag. */
export function renderOpenApi(container, doc) {
  const groups = new Map();
  for (const o of operations(doc)) {
    if (!groups.has(o.tag)) groups.set(o.tag, []);
    groups.get(o.tag).push(o);
  }
  container.replaceChildren(
    h('p', `${doc.info?.title ?? 'API'} ${doc.info?.version ?? ''}: ${operations(doc).length} operations, OpenAPI ${doc.openapi}. `,
      h('a', { href: '/openapi/v1.json' }, 'Download the document'), '.'),
    ...[...groups].map(([tag, ops]) => h('div.oa-group', h('h3', tag), ...ops.map((o) => operationView(doc, o)))));
}
