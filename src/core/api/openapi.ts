import * as path from 'node:path';
import type { Range } from '../model';
import { zeroRange } from '../model';
import { parseSource, type SourceDoc } from './source';

/**
 * OpenAPI loading: the root document and every file it `$ref`s (relative paths, read through the
 * same reader as the root, so the base side reads them at the merge base), `$ref` resolution with
 * cycles bounded, and normalisation of Swagger 2.0, OpenAPI 3.0, 3.1 and 3.2 into one model.
 */

export type ReadFn = (rel: string) => Promise<{ text: string } | { problem: string }>;

export interface ApiProblem {
  kind: 'parse' | 'ref' | 'structure';
  file: string;
  range: Range;
  message: string;
}

export interface Located {
  doc: SourceDoc;
  node: object;
}

const MAX_FILES = 200;
const MAX_REF_HOPS = 64;

export class ApiDocSet {
  readonly docs = new Map<string, SourceDoc>();
  readonly problems: ApiProblem[] = [];
  private readonly refCache = new Map<string, Resolved | null>();
  /** Object -> the document holding it (for positions). */
  private readonly owner = new WeakMap<object, SourceDoc>();

  constructor(readonly root: SourceDoc) {
    this.docs.set(root.file, root);
  }

  docOf(node: object): SourceDoc | undefined {
    const o = this.owner.get(node);
    if (o) return o;
    for (const d of this.docs.values()) {
      if (d.info.has(node)) {
        this.owner.set(node, d);
        return d;
      }
    }
    return undefined;
  }

  /** Resolves a `$ref` string written in `from`. */
  resolveRef(ref: string, from: SourceDoc): Resolved | undefined {
    const key = `${from.file}\0${ref}`;
    const hit = this.refCache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const hash = ref.indexOf('#');
    const filePart = hash < 0 ? ref : ref.slice(0, hash);
    const pointer = hash < 0 ? '' : ref.slice(hash + 1);
    let doc: SourceDoc | undefined = from;
    if (filePart) doc = this.docs.get(refTarget(from.file, filePart) ?? '');
    let r: Resolved | null = null;
    if (doc) {
      const v = getPointer(doc.value, pointer);
      if (v !== undefined) r = { value: v, doc, pointer: `${doc === this.root ? '' : doc.file}#${pointer}` };
    }
    this.refCache.set(key, r);
    return r ?? undefined;
  }

  /** Follows `$ref` chains from `node` (found in `doc`); cycles and dangling refs stop the walk. */
  deref(node: unknown, doc: SourceDoc): { node: unknown; doc: SourceDoc; ref?: string } {
    let cur = node;
    let d = doc;
    let ref: string | undefined;
    for (let i = 0; i < MAX_REF_HOPS; i++) {
      if (!cur || typeof cur !== 'object' || typeof (cur as { $ref?: unknown }).$ref !== 'string') break;
      const r = this.resolveRef((cur as { $ref: string }).$ref, d);
      if (!r) break;
      ref = r.pointer;
      cur = r.value;
      d = r.doc;
    }
    return { node: cur, doc: d, ref };
  }
}

export interface Resolved {
  value: unknown;
  doc: SourceDoc;
  pointer: string;
}

/**
 * Percent-decodes a `$ref` part; a malformed escape (`bad%.yaml`, `#/components/schemas/%`) is taken
 * literally instead of throwing, so the reference is reported as unresolved and the rest of the file
 * is still compared.
 */
export function decodeLenient(s: string, component = true): string {
  try {
    return component ? decodeURIComponent(s) : decodeURI(s);
  } catch {
    return s;
  }
}

/** Workspace-relative path of a relative file reference, or undefined when it leaves the workspace. */
export function refTarget(fromFile: string, filePart: string): string | undefined {
  const p = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), decodeLenient(filePart, false)));
  if (p.startsWith('../') || p === '..' || path.posix.isAbsolute(p)) return undefined;
  return p;
}

export function getPointer(root: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/') return root;
  if (!pointer.startsWith('/')) return undefined;
  let cur = root;
  for (const raw of pointer.slice(1).split('/')) {
    const part = decodeLenient(raw.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function problemAt(doc: SourceDoc, offset: number, message: string, kind: ApiProblem['kind']): ApiProblem {
  return { kind, file: doc.file, range: doc.range(offset, doc.lineEndOf(offset)), message };
}

/**
 * Loads `file` (text given) and the files it references. Unreadable, unparsable, remote and
 * out-of-workspace references become problems at the `$ref`; the rest still loads.
 */
export async function loadApi(file: string, text: string, read: ReadFn): Promise<ApiDocSet> {
  const root = parseSource(file, text);
  const set = new ApiDocSet(root);
  for (const p of root.problems) set.problems.push(problemAt(root, p.offset, `${file} does not parse: ${p.message}`, 'parse'));
  if (root.problems.length) return set;
  const queue: SourceDoc[] = [root];
  const failed = new Set<string>();
  while (queue.length) {
    const doc = queue.shift()!;
    for (const { owner, ref } of collectRefs(doc.value)) {
      const at = () => doc.rangeOfKey(owner, '$ref', true) ?? zeroRange;
      const hash = ref.indexOf('#');
      const filePart = hash < 0 ? ref : ref.slice(0, hash);
      if (/^[a-z][a-z0-9+.-]*:/i.test(filePart)) {
        set.problems.push({ kind: 'ref', file: doc.file, range: at(), message: `$ref ${ref} points outside the workspace (${filePart.split(':')[0]}:); it is not fetched, so what it describes is not compared` });
        continue;
      }
      if (filePart) {
        const target = refTarget(doc.file, filePart);
        if (!target) {
          set.problems.push({ kind: 'ref', file: doc.file, range: at(), message: `$ref ${ref} leaves the workspace; it is not followed` });
          continue;
        }
        if (!set.docs.has(target) && !failed.has(target)) {
          if (set.docs.size >= MAX_FILES) {
            set.problems.push({ kind: 'ref', file: doc.file, range: at(), message: `$ref ${ref}: more than ${MAX_FILES} referenced files, not followed` });
            failed.add(target);
            continue;
          }
          const r = await read(target);
          if ('problem' in r) {
            set.problems.push({ kind: 'ref', file: doc.file, range: at(), message: `$ref ${ref} cannot be resolved: ${r.problem}` });
            failed.add(target);
            continue;
          }
          const sub = parseSource(target, r.text);
          if (sub.problems.length) {
            const p = sub.problems[0];
            set.problems.push({ kind: 'parse', file: doc.file, range: at(), message: `$ref ${ref}: ${target} does not parse (line ${sub.position(p.offset).line + 1}: ${p.message})` });
            failed.add(target);
            continue;
          }
          set.docs.set(target, sub);
          queue.push(sub);
        }
        if (failed.has(target)) continue;
      }
      if (!set.resolveRef(ref, doc)) {
        set.problems.push({ kind: 'ref', file: doc.file, range: at(), message: `$ref ${ref} cannot be resolved: no such location${filePart ? ` in ${refTarget(doc.file, filePart)}` : ''}` });
      }
    }
  }
  return set;
}

/** Every `$ref` string in a value tree (each object visited once: aliases and cycles are safe). */
function collectRefs(rootValue: unknown): { owner: object; ref: string }[] {
  const out: { owner: object; ref: string }[] = [];
  const seen = new Set<object>();
  const stack: unknown[] = [rootValue];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === 'object') stack.push(x);
      continue;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.$ref === 'string') out.push({ owner: o, ref: o.$ref });
    for (const k in o) {
      const x = o[k];
      if (x !== null && typeof x === 'object') stack.push(x);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The normalised model

export type Dir = 'request' | 'response';
export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace', 'query'];

export interface SchemaRef {
  node: unknown;
  doc: SourceDoc;
  /** JSON pointer (with file) where the schema is defined, for fingerprints. */
  pointer: string;
}

export interface ParamModel {
  name: string;
  in: string;
  required: boolean;
  deprecated: boolean;
  sunset?: string;
  node: object;
  doc: SourceDoc;
  schema?: SchemaRef;
  default?: unknown;
}

export interface MediaModel {
  node: object;
  doc: SourceDoc;
  schema?: SchemaRef;
}

export interface BodyModel {
  node: object;
  doc: SourceDoc;
  required: boolean;
  content: Map<string, MediaModel>;
}

export interface HeaderModel {
  node: object;
  doc: SourceDoc;
  required: boolean;
  schema?: SchemaRef;
}

export interface ResponseModel {
  node: object;
  doc: SourceDoc;
  headers: Map<string, HeaderModel & { name: string }>;
  content: Map<string, MediaModel>;
}

export interface OperationModel {
  method: string;
  template: string;
  /** `GET /pets/{id}` as written in this document. */
  label: string;
  node: object;
  doc: SourceDoc;
  deprecated: boolean;
  sunset?: string;
  stability?: string;
  params: Map<string, ParamModel>;
  body?: BodyModel;
  responses: Map<string, ResponseModel>;
}

export interface PathModel {
  template: string;
  node: object;
  doc: SourceDoc;
  ops: Map<string, OperationModel>;
}

export interface ApiModel {
  set: ApiDocSet;
  /** "2.0", "3.0.3", "3.1.0"... */
  version: string;
  infoVersion?: string;
  rootNode: object;
  pathsNode?: object;
  /** Keyed by the path template with parameter names erased (`/pets/{}`). */
  paths: Map<string, PathModel>;
  /** Webhooks (3.1) with their operations: the request is what the API sends to subscribers. */
  webhooks: Map<string, { node: object; doc: SourceDoc; ops?: Map<string, OperationModel> }>;
  webhooksNode?: object;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function normPath(template: string): string {
  return template.replace(/\{[^}]*\}/g, '{}').replace(/\/+$/, '') || '/';
}

/** Builds the normalised model. Structural problems (a `paths` that is not a mapping...) are recorded, the rest is modelled. */
export function buildModel(set: ApiDocSet): ApiModel | undefined {
  const root = set.root;
  const v = root.value;
  if (!isObj(v)) {
    set.problems.push({ kind: 'structure', file: root.file, range: zeroRange, message: `${root.file}: the document is not a mapping, so it is not an OpenAPI description` });
    return undefined;
  }
  const swagger = typeof v.swagger === 'string' || typeof v.swagger === 'number';
  const version = String(swagger ? v.swagger : (v.openapi ?? ''));
  const info = isObj(v.info) ? v.info : undefined;
  const model: ApiModel = {
    set,
    version,
    infoVersion: info && info.version !== undefined ? String(info.version) : undefined,
    rootNode: v,
    paths: new Map(),
    webhooks: new Map(),
  };
  const structure = (node: object, key: string | undefined, message: string) => {
    const r = (key ? root.rangeOfKey(node, key) : root.rangeOfNode(node)) ?? zeroRange;
    set.problems.push({ kind: 'structure', file: set.docOf(node)?.file ?? root.file, range: r, message });
  };
  if (v.paths !== undefined && !isObj(v.paths)) structure(v, 'paths', '`paths` must be a mapping of path templates; it is ignored');
  const consumes = swagger && Array.isArray(v.consumes) ? (v.consumes as string[]) : undefined;
  const produces = swagger && Array.isArray(v.produces) ? (v.produces as string[]) : undefined;
  if (isObj(v.paths)) {
    model.pathsNode = v.paths;
    for (const [template, rawItem] of Object.entries(v.paths)) {
      if (!template.startsWith('/')) {
        if (!template.startsWith('x-')) structure(v.paths, template, `path "${template}" must start with "/"; it is ignored`);
        continue;
      }
      const it = set.deref(rawItem, root);
      if (!isObj(it.node)) {
        structure(v.paths, template, `path item "${template}" is not a mapping; it is ignored`);
        continue;
      }
      const item = it.node;
      const pm: PathModel = { template, node: item, doc: it.doc, ops: new Map() };
      const shared = Array.isArray(item.parameters) ? item.parameters : [];
      for (const method of METHODS) {
        const raw = item[method];
        if (raw === undefined) continue;
        if (!isObj(raw)) {
          structure(item, method, `${method.toUpperCase()} ${template} is not a mapping; it is ignored`);
          continue;
        }
        pm.ops.set(method, buildOperation(set, it.doc, template, method, raw, shared, swagger, consumes, produces, structure));
      }
      const key = normPath(template);
      if (!model.paths.has(key)) model.paths.set(key, pm);
    }
  }
  if (isObj(v.webhooks)) {
    model.webhooksNode = v.webhooks;
    for (const [name, w] of Object.entries(v.webhooks)) {
      if (!isObj(w)) continue;
      const ops = new Map<string, OperationModel>();
      const shared = Array.isArray(w.parameters) ? w.parameters : [];
      for (const method of METHODS) if (isObj(w[method])) ops.set(method, buildOperation(set, root, name, method, w[method] as Record<string, unknown>, shared, false, undefined, undefined, structure));
      model.webhooks.set(name, { node: w, doc: root, ops });
    }
  }
  return model;
}

type Structure = (node: object, key: string | undefined, message: string) => void;

function schemaRef(set: ApiDocSet, node: unknown, doc: SourceDoc, pointer: string): SchemaRef | undefined {
  if (node === undefined || node === null) return undefined;
  return { node, doc, pointer };
}

function buildOperation(
  set: ApiDocSet,
  doc: SourceDoc,
  template: string,
  method: string,
  op: Record<string, unknown>,
  shared: unknown[],
  swagger: boolean,
  consumes: string[] | undefined,
  produces: string[] | undefined,
  structure: Structure,
): OperationModel {
  const label = `${method.toUpperCase()} ${template}`;
  const base = `#/paths/${escapePointer(template)}/${method}`;
  const om: OperationModel = {
    method,
    template,
    label,
    node: op,
    doc,
    deprecated: op.deprecated === true,
    sunset: op['x-sunset'] !== undefined ? String(op['x-sunset']) : undefined,
    stability: typeof op['x-stability-level'] === 'string' ? (op['x-stability-level'] as string) : undefined,
    params: new Map(),
    responses: new Map(),
  };
  const pathParamOrder = [...template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
  const formData: ParamModel[] = [];
  const addParams = (list: unknown[], where: string) => {
    list.forEach((raw, i) => {
      const r = set.deref(raw, doc);
      if (!isObj(r.node)) return;
      const p = r.node;
      if (typeof p.name !== 'string' || typeof p.in !== 'string') {
        structure(p, undefined, `${label}: a parameter without a string "name" and "in" is ignored`);
        return;
      }
      const ptr = r.ref ?? `${where}/parameters/${i}`;
      let schema: SchemaRef | undefined;
      if (p.schema !== undefined) schema = schemaRef(set, p.schema, r.doc, `${ptr}/schema`);
      else if (isObj(p.content)) {
        const first = Object.entries(p.content)[0];
        if (first && isObj(first[1])) schema = schemaRef(set, first[1].schema, r.doc, `${ptr}/content/${escapePointer(first[0])}/schema`);
      } else if (swagger && p.in !== 'body') schema = { node: p, doc: r.doc, pointer: ptr };
      const pm: ParamModel = {
        name: p.name,
        in: p.in,
        required: p.required === true || p.in === 'path',
        deprecated: p.deprecated === true,
        sunset: p['x-sunset'] !== undefined ? String(p['x-sunset']) : undefined,
        node: p,
        doc: r.doc,
        schema,
        default: swagger ? p.default : isObj(p.schema) ? (set.deref(p.schema, r.doc).node as Record<string, unknown>)?.default : undefined,
      };
      if (swagger && p.in === 'body') {
        const mts = Array.isArray(op.consumes) ? (op.consumes as string[]) : (consumes ?? ['application/json']);
        const content = new Map<string, MediaModel>();
        for (const mt of mts) content.set(mt, { node: p, doc: r.doc, schema: schemaRef(set, p.schema, r.doc, `${ptr}/schema`) });
        om.body = { node: p, doc: r.doc, required: p.required === true, content };
        return;
      }
      if (swagger && p.in === 'formData') {
        formData.push(pm);
        return;
      }
      om.params.set(paramKey(pm, pathParamOrder), pm);
    });
  };
  addParams(shared, `#/paths/${escapePointer(template)}`);
  if (Array.isArray(op.parameters)) addParams(op.parameters, base);
  if (formData.length) {
    const mts = Array.isArray(op.consumes) ? (op.consumes as string[]) : (consumes ?? ['application/x-www-form-urlencoded']);
    const properties: Record<string, unknown> = {};
    const required: string[] = [];
    for (const f of formData) {
      properties[f.name] = f.node;
      if (f.required) required.push(f.name);
    }
    const schema = { type: 'object', properties, required };
    const content = new Map<string, MediaModel>();
    for (const mt of mts) content.set(mt, { node: formData[0].node, doc: formData[0].doc, schema: { node: schema, doc: formData[0].doc, pointer: `${base}/parameters(formData)` } });
    om.body = { node: formData[0].node, doc: formData[0].doc, required: required.length > 0, content };
  }
  if (!swagger && op.requestBody !== undefined) {
    const r = set.deref(op.requestBody, doc);
    if (isObj(r.node)) {
      const ptr = r.ref ?? `${base}/requestBody`;
      om.body = { node: r.node, doc: r.doc, required: r.node.required === true, content: contentOf(set, r.node.content, r.doc, `${ptr}/content`) };
    }
  }
  if (isObj(op.responses)) {
    for (const [status, raw] of Object.entries(op.responses)) {
      if (status.startsWith('x-')) continue;
      const r = set.deref(raw, doc);
      if (!isObj(r.node)) continue;
      const resp = r.node;
      const ptr = r.ref ?? `${base}/responses/${status}`;
      const rm: ResponseModel = { node: resp, doc: r.doc, headers: new Map(), content: new Map() };
      if (swagger) {
        if (resp.schema !== undefined) {
          const mts = Array.isArray(op.produces) ? (op.produces as string[]) : (produces ?? ['application/json']);
          for (const mt of mts) rm.content.set(mt, { node: resp, doc: r.doc, schema: schemaRef(set, resp.schema, r.doc, `${ptr}/schema`) });
        }
      } else rm.content = contentOf(set, resp.content, r.doc, `${ptr}/content`);
      if (isObj(resp.headers)) {
        for (const [name, hraw] of Object.entries(resp.headers)) {
          const h = set.deref(hraw, r.doc);
          if (!isObj(h.node)) continue;
          const hptr = h.ref ?? `${ptr}/headers/${escapePointer(name)}`;
          const schema = swagger ? { node: h.node, doc: h.doc, pointer: hptr } : schemaRef(set, h.node.schema, h.doc, `${hptr}/schema`);
          rm.headers.set(name.toLowerCase(), { name, node: h.node, doc: h.doc, required: h.node.required === true, schema });
        }
      }
      om.responses.set(status.toUpperCase(), rm);
    }
  }
  return om;
}

function paramKey(p: ParamModel, pathOrder: string[]): string {
  if (p.in === 'path') {
    const i = pathOrder.indexOf(p.name);
    return i >= 0 ? `path:#${i}` : `path:${p.name}`;
  }
  return `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
}

function contentOf(set: ApiDocSet, content: unknown, doc: SourceDoc, ptr: string): Map<string, MediaModel> {
  const out = new Map<string, MediaModel>();
  if (!isObj(content)) return out;
  for (const [mt, raw] of Object.entries(content)) {
    const r = set.deref(raw, doc);
    if (!isObj(r.node)) continue;
    out.set(mt.toLowerCase(), { node: r.node, doc: r.doc, schema: schemaRef(set, r.node.schema, r.doc, `${ptr}/${escapePointer(mt)}/schema`) });
  }
  return out;
}
