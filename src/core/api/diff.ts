import type { Range } from '../model';
import { zeroRange } from '../model';
import { OASDIFF_LEVELS, type OasdiffLevel } from './oasdiff-ids';
import type { ApiDocSet, ApiModel, BodyModel, Dir, HeaderModel, MediaModel, OperationModel, ParamModel, SchemaRef } from './openapi';
import { decodeLenient, escapePointer } from './openapi';
import type { SourceDoc } from './source';

/**
 * The OpenAPI contract diff: head model against base model, with oasdiff's direction semantics
 * (a request may be loosened, a response tightened). Each change names the oasdiff id it matches;
 * schemas are compared by meaning: `$ref`s are followed (an inline schema equals the component it
 * was moved to), `allOf` is merged, `nullable: true` equals a 3.1 `null` type or a `{type: null}`
 * branch, and each (base schema, head schema, direction) pair is compared once, so a change in a
 * shared component is one change however many operations reach it, and cycles end.
 */

export interface ApiLoc {
  file: string;
  range: Range;
}

export interface ApiChange {
  /** oasdiff-style id (`response-property-became-optional`); `data.oasdiff` when oasdiff has it. */
  id: string;
  level: OasdiffLevel;
  message: string;
  /** Where the change is shown (head file). */
  head: ApiLoc;
  /** The same place at the base revision. */
  base?: ApiLoc;
  /** Stable identity of the place (operation + JSON pointer), for fingerprints. */
  where: string;
  operation?: string;
}

export interface DiffOptions {
  /** Report INFO-level (non-breaking) changes too. */
  includeInfo?: boolean;
  /** Today (YYYY-MM-DD), for sunset dates. */
  today?: string;
  /** Deprecation policy: a new deprecation needs an x-sunset at least this many days ahead (0: off). */
  deprecationDays?: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

interface Side {
  set: ApiDocSet;
  node: unknown;
  doc: SourceDoc;
  /** Pointer where this schema node lives (for fingerprints). */
  ptr: string;
}

interface SchemaCtx {
  dir: Dir;
  /** oasdiff id prefix: request-body, request-property, request-parameter, response-header... */
  scope: 'body' | 'property' | 'parameter' | 'parameter-property' | 'header';
  /** "POST /orders request body (application/json)" */
  where: string;
  /** Dotted property path within the body ("" at the root). */
  prop: string;
  op: string;
  /** Below the body root (a property, item...), even when `prop` restarted at a component. */
  nested?: boolean;
  readOnly?: boolean;
  writeOnly?: boolean;
}

const STABILITY = ['draft', 'alpha', 'beta', 'stable'];

export class ApiDiff {
  readonly changes: ApiChange[] = [];
  private readonly seen = new Map<object, Map<object, Set<string>>>();
  private readonly today: string;

  constructor(
    private readonly base: ApiModel,
    private readonly head: ApiModel,
    private readonly opts: DiffOptions = {},
  ) {
    this.today = opts.today ?? new Date().toISOString().slice(0, 10);
  }

  run(): ApiChange[] {
    const hr = this.head.rootNode as Obj;
    this.diffSecurity((this.base.rootNode as Obj).security, hr.security, 'api-global', 'Global security', this.loc(this.head.set.root, hr, hr.security !== undefined ? 'security' : undefined), 'security');
    this.diffSecuritySchemes();
    this.diffPaths();
    this.diffWebhooks();
    this.diffVersion();
    return this.changes;
  }

  // -------------------------------------------------------------------------------------------
  // Emitting

  private emit(id: string, fallback: OasdiffLevel | undefined, message: string, head: ApiLoc, base: ApiLoc | undefined, where: string, operation?: string, force = false): void {
    const level = force ? fallback : (OASDIFF_LEVELS.get(id) ?? fallback);
    if (!level) return;
    if (level === 'INFO' && !this.opts.includeInfo) return;
    this.changes.push({ id, level, message, head, base, where, operation });
  }

  /** A location computed only when a finding is built (most compared nodes never need one). */
  private loc(doc: SourceDoc, node: unknown, key?: string, value = false): ApiLoc {
    let r: Range | undefined;
    return {
      file: doc.file,
      get range(): Range {
        if (r) return r;
        if (node && typeof node === 'object') r = key !== undefined ? (doc.rangeOfKey(node, key, value) ?? doc.rangeOfNode(node)) : doc.rangeOfNode(node);
        return (r ??= zeroRange);
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // Paths and operations

  private diffPaths(): void {
    const b = this.base;
    const h = this.head;
    const headRoot = h.set.root;
    const pathsAnchor = h.pathsNode ? this.loc(headRoot, h.rootNode, 'paths') : this.loc(headRoot, h.rootNode);
    for (const [key, bp] of b.paths) {
      const hp = h.paths.get(key);
      const bl = this.loc(bp.doc, b.pathsNode ?? b.rootNode, bp.template);
      if (!hp) {
        const ops = [...bp.ops.values()];
        const methods = ops.map((o) => o.method.toUpperCase()).join(', ');
        const allDeprecated = ops.length > 0 && ops.every((o) => o.deprecated);
        const sunset = ops.map((o) => o.sunset).find(Boolean);
        const what = `Path ${bp.template}${methods ? ` (${methods})` : ''} was removed`;
        if (allDeprecated && sunset && sunset > this.today) {
          this.emit('api-path-removed-before-sunset', 'ERR', `${what} before its sunset date ${sunset}; clients may still call it.`, pathsAnchor, bl, `path:${key}`, bp.template);
        } else if (allDeprecated) {
          this.emit('api-path-removed-with-deprecation', 'ERR', `${what}; ${this.deprecatedNote(sunset)}, but clients still calling it get 404. Accept the change once no client calls it.`, pathsAnchor, bl, `path:${key}`, bp.template, true);
        } else {
          this.emit('api-path-removed-without-deprecation', 'ERR', `${what} without being deprecated first; clients still calling it get 404.`, pathsAnchor, bl, `path:${key}`, bp.template);
        }
        continue;
      }
      const hAnchor = this.loc(hp.doc, h.pathsNode ?? h.rootNode, hp.template);
      for (const [method, bo] of bp.ops) {
        const ho = hp.ops.get(method);
        if (!ho) {
          const what = `${bo.label} was removed`;
          const bloc = this.loc(bo.doc, bp.node, method);
          const where = `op:${method.toUpperCase()} ${key}`;
          if (bo.deprecated && bo.sunset && bo.sunset > this.today) this.emit('api-removed-before-sunset', 'ERR', `${what} before its sunset date ${bo.sunset}.`, hAnchor, bloc, where, bo.label);
          else if (bo.deprecated) this.emit('api-removed-with-deprecation', 'ERR', `${what}; ${this.deprecatedNote(bo.sunset)}, but clients still calling it fail. Accept the change once no client calls it.`, hAnchor, bloc, where, bo.label, true);
          else this.emit('api-removed-without-deprecation', 'ERR', `${what} without being deprecated first; clients still calling it fail.`, hAnchor, bloc, where, bo.label);
          continue;
        }
        this.diffOperation(bo, ho, key);
      }
      if (this.opts.includeInfo) {
        for (const [method, ho] of hp.ops) if (!bp.ops.has(method)) this.emit('endpoint-added', 'INFO', `${ho.label} was added.`, this.loc(ho.doc, ho.node), undefined, `op:${method.toUpperCase()} ${key}`, ho.label);
      }
    }
  }

  /**
   * A removal of something deprecated is still a removal (oasdiff: INFO; here an error, like
   * graphql removals): clients that did not migrate break. The message names the deprecation,
   * its x-sunset and the api.deprecationDays policy.
   */
  private deprecatedNote(sunset: string | undefined): string {
    const days = this.opts.deprecationDays ?? 0;
    const policy = days > 0 ? `; the policy (api.deprecationDays) asks for ${days} days of deprecation` : '';
    return `it was deprecated${sunset ? ` with x-sunset ${sunset}${sunset <= this.today ? ', which has passed' : ''}` : ' (no x-sunset date)'}${policy}`;
  }

  private diffOperation(bo: OperationModel, ho: OperationModel, key: string): void {
    const op = ho.label;
    const opWhere = `op:${ho.method.toUpperCase()} ${key}`;
    const opLoc = this.loc(ho.doc, this.head.paths.get(key)!.node, ho.method);
    const bOpLoc = this.loc(bo.doc, this.base.paths.get(key)!.node, bo.method);
    // Lifecycle
    if (bo.sunset && ho.deprecated && !ho.sunset && bo.deprecated) this.emit('sunset-deleted', 'ERR', `${op}: its x-sunset date ${bo.sunset} was deleted while it stays deprecated.`, this.loc(ho.doc, ho.node, 'deprecated'), this.loc(bo.doc, bo.node, 'x-sunset'), opWhere, op);
    if (bo.sunset && ho.sunset && ho.sunset < bo.sunset) this.emit('api-sunset-date-changed-too-small', 'ERR', `${op}: x-sunset moved earlier, from ${bo.sunset} to ${ho.sunset}.`, this.loc(ho.doc, ho.node, 'x-sunset'), this.loc(bo.doc, bo.node, 'x-sunset'), opWhere, op);
    if (ho.sunset && !/^\d{4}-\d{2}-\d{2}/.test(ho.sunset)) this.emit('api-deprecated-sunset-parse', 'ERR', `${op}: x-sunset "${ho.sunset}" is not a date (YYYY-MM-DD).`, this.loc(ho.doc, ho.node, 'x-sunset'), undefined, opWhere, op);
    if (ho.stability && !STABILITY.includes(ho.stability)) this.emit('api-invalid-stability-level', 'ERR', `${op}: x-stability-level "${ho.stability}" is not one of ${STABILITY.join(', ')}.`, this.loc(ho.doc, ho.node, 'x-stability-level'), undefined, opWhere, op);
    else if (bo.stability && ho.stability && STABILITY.indexOf(ho.stability) < STABILITY.indexOf(bo.stability)) {
      this.emit('api-stability-decreased', 'ERR', `${op}: x-stability-level decreased from ${bo.stability} to ${ho.stability}.`, this.loc(ho.doc, ho.node, 'x-stability-level'), this.loc(bo.doc, bo.node, 'x-stability-level'), opWhere, op);
    }
    if (!bo.deprecated && ho.deprecated) this.deprecationPolicy('api', ho.sunset, this.loc(ho.doc, ho.node, ho.sunset ? 'x-sunset' : 'deprecated'), op, opWhere);
    if (!bo.deprecated && ho.deprecated) this.emit(ho.sunset ? 'endpoint-deprecated-with-sunset' : 'endpoint-deprecated', 'INFO', `${op} was deprecated.`, this.loc(ho.doc, ho.node, 'deprecated'), undefined, opWhere, op);
    // operationId: client generators name methods after it.
    const bid = (bo.node as Obj).operationId;
    const hid = (ho.node as Obj).operationId;
    if (typeof bid === 'string' && typeof hid === 'string' && bid !== hid) this.emit('api-operation-id-changed', 'WARN', `${op}: operationId changed from ${bid} to ${hid}; generated clients rename the method (${bid}() no longer exists).`, this.loc(ho.doc, ho.node, 'operationId', true), this.loc(bo.doc, bo.node, 'operationId', true), `${opWhere}:operationId`, op, true);
    else if (typeof bid === 'string' && hid === undefined) this.emit('api-operation-id-removed', 'WARN', `${op}: operationId ${bid} was removed; generated clients derive another method name.`, opLoc, this.loc(bo.doc, bo.node, 'operationId', true), `${opWhere}:operationId`, op, true);
    else if (bid === undefined && typeof hid === 'string') this.emit('api-operation-id-added', 'INFO', `${op}: operationId ${hid} was added.`, this.loc(ho.doc, ho.node, 'operationId', true), undefined, `${opWhere}:operationId`, op);
    const hsec = (ho.node as Obj).security;
    this.diffEffectiveSecurity(bo, ho, hsec !== undefined ? this.loc(ho.doc, ho.node, 'security') : opLoc, `${opWhere}:security`, op);
    this.diffSecurity((bo.node as Obj).security, hsec, 'api', `${op}: security`, hsec !== undefined ? this.loc(ho.doc, ho.node, 'security') : opLoc, `${opWhere}:security`, op);
    this.diffParams(bo, ho, opLoc, bOpLoc, opWhere);
    this.diffBody(bo, ho, opLoc, bOpLoc, opWhere);
    this.diffResponses(bo, ho, opWhere);
  }

  /**
   * The security an operation actually requires (its own `security`, else the global one) compared
   * as a client sees it: a requirement where anonymous calls were allowed, an alternative removed
   * with no weaker one left, or more scopes on an alternative that stays break clients that
   * authenticated the old way (oasdiff reports these as INFO; here they are errors).
   */
  private diffEffectiveSecurity(bo: OperationModel, ho: OperationModel, at: ApiLoc, where: string, op: string): void {
    const eff = (o: OperationModel, m: ApiModel) => {
      const own = (o.node as Obj).security;
      const v = own !== undefined ? own : (m.rootNode as Obj).security;
      if (!Array.isArray(v)) return undefined;
      return v.filter(isObj).map((r) => ({ key: Object.keys(r).sort().join('+'), schemes: Object.keys(r), scopes: r }));
    };
    const B = eff(bo, this.base);
    const H = eff(ho, this.head);
    if (!H || !H.length || H.some((r) => r.schemes.length === 0)) return; // anonymous allowed now
    if (!B || !B.length || B.some((r) => r.schemes.length === 0)) {
      this.emit('api-security-added', 'ERR', `${op}: now requires ${H.map((r) => r.key).join(' or ')}; clients calling it without credentials get 401.`, at, undefined, `${where}:required`, op, true);
      return;
    }
    for (const br of B) {
      const kept = H.find((hr) => hr.key === br.key);
      if (!kept) {
        // Still fine when a remaining alternative asks for a subset of these schemes.
        if (H.some((hr) => hr.schemes.every((x) => br.schemes.includes(x)))) continue;
        this.emit('api-security-removed', 'ERR', `${op}: security alternative ${br.key} was removed; clients authenticating that way get 401.`, at, undefined, `${where}:${br.key}`, op, true);
        continue;
      }
      for (const scheme of br.schemes) {
        const bs = Array.isArray(br.scopes[scheme]) ? (br.scopes[scheme] as unknown[]).map(String) : [];
        const hs = Array.isArray(kept.scopes[scheme]) ? (kept.scopes[scheme] as unknown[]).map(String) : [];
        const more = hs.filter((x) => !bs.includes(x));
        if (more.length) this.emit('api-security-scope-added', 'ERR', `${op}: ${scheme} now also requires scope${more.length > 1 ? 's' : ''} ${more.join(', ')}; tokens issued without ${more.length > 1 ? 'them' : 'it'} get 403.`, at, undefined, `${where}:${br.key}:${more.join(',')}`, op, true);
      }
    }
  }

  /** Security schemes in components (or Swagger 2 securityDefinitions) whose wire contract changed. */
  private diffSecuritySchemes(): void {
    const schemes = (m: ApiModel) => {
      const r = m.rootNode as Obj;
      const c = isObj(r.components) ? r.components.securitySchemes : r.securityDefinitions;
      return isObj(c) ? c : {};
    };
    const B = schemes(this.base);
    const H = schemes(this.head);
    const hdoc = this.head.set.root;
    const bdoc = this.base.set.root;
    for (const [name, braw] of Object.entries(B)) {
      const b = this.base.set.deref(braw, bdoc).node;
      const hraw = H[name];
      if (hraw === undefined || !isObj(b)) continue;
      const h = this.head.set.deref(hraw, hdoc).node;
      if (!isObj(h)) continue;
      const at = (k: string) => this.loc(hdoc, h, h[k] !== undefined ? k : undefined, true);
      const bat = (k: string) => this.loc(bdoc, b, b[k] !== undefined ? k : undefined, true);
      const where = `security-scheme:${name}`;
      for (const [k, id] of [
        ['type', 'api-security-component-type-changed'],
        ['scheme', 'api-security-component-scheme-changed'],
        ['bearerFormat', 'api-security-component-bearer-format-changed'],
        ['openIdConnectUrl', 'api-security-component-open-id-connect-url-changed'],
        ['in', 'api-security-component-in-changed'],
        ['name', 'api-security-component-name-changed'],
        ['flow', 'api-security-component-oauth-flow-changed'],
        ['authorizationUrl', 'api-security-component-oauth-url-changed'],
        ['tokenUrl', 'api-security-component-oauth-token-url-changed'],
      ] as const) {
        if (b[k] === undefined || same(b[k], h[k])) continue;
        const lvl = k === 'bearerFormat' ? 'WARN' : 'ERR';
        this.emit(id, lvl, `Security scheme ${name}: ${k} changed from ${show(b[k])} to ${show(h[k])}; clients configured for the old one fail to authenticate.`, at(k), bat(k), `${where}:${k}`, undefined, true);
      }
      // OpenAPI 3 flows: URLs and scopes per flow.
      const bf = isObj(b.flows) ? b.flows : {};
      const hf = isObj(h.flows) ? h.flows : {};
      for (const [flow, bflow] of Object.entries(bf)) {
        const hflow = hf[flow];
        if (!isObj(bflow)) continue;
        if (!isObj(hflow)) {
          this.emit('api-security-component-oauth-flow-removed', 'ERR', `Security scheme ${name}: OAuth flow ${flow} was removed; clients using it cannot get tokens.`, this.loc(hdoc, h, 'flows'), this.loc(bdoc, bf, flow), `${where}:${flow}`, undefined, true);
          continue;
        }
        for (const k of ['authorizationUrl', 'tokenUrl', 'refreshUrl'] as const) {
          if (bflow[k] === undefined || same(bflow[k], hflow[k])) continue;
          this.emit(k === 'tokenUrl' ? 'api-security-component-oauth-token-url-changed' : 'api-security-component-oauth-url-changed', 'ERR', `Security scheme ${name}: ${flow} ${k} changed from ${show(bflow[k])} to ${show(hflow[k])}; clients configured with the old URL fail to get tokens.`, this.loc(hdoc, hflow, hflow[k] !== undefined ? k : undefined, true), this.loc(bdoc, bflow, k, true), `${where}:${flow}:${k}`, undefined, true);
        }
      }
    }
  }

  /** Security requirements (all INFO in oasdiff): alternatives added/removed, scopes added/removed. */
  private diffSecurity(b: unknown, h: unknown, prefix: 'api' | 'api-global', label: string, at: ApiLoc, where: string, op?: string): void {
    if (!this.opts.includeInfo || (b === undefined && h === undefined)) return;
    const reqs = (v: unknown) => {
      const m = new Map<string, Obj>();
      if (Array.isArray(v)) for (const r of v) if (isObj(r)) m.set(Object.keys(r).sort().join('+') || '(none)', r);
      return m;
    };
    const B = reqs(b);
    const H = reqs(h);
    for (const [k] of B) if (!H.has(k)) this.emit(`${prefix}-security-removed`, 'INFO', `${label} requirement ${k} was removed`, at, undefined, `${where}:${k}`, op);
    for (const [k, hr] of H) {
      const br = B.get(k);
      if (!br) {
        this.emit(`${prefix}-security-added`, 'INFO', `${label} requirement ${k} was added`, at, undefined, `${where}:${k}`, op);
        continue;
      }
      for (const scheme of Object.keys(hr)) {
        const bs = Array.isArray(br[scheme]) ? (br[scheme] as unknown[]).map(String) : [];
        const hs = Array.isArray(hr[scheme]) ? (hr[scheme] as unknown[]).map(String) : [];
        for (const x of hs) if (!bs.includes(x)) this.emit(`${prefix}-security-scope-added`, 'INFO', `${label} ${scheme} requires scope ${x}`, at, undefined, `${where}:${k}:${x}`, op);
        for (const x of bs) if (!hs.includes(x)) this.emit(`${prefix}-security-scope-removed`, 'INFO', `${label} ${scheme} no longer requires scope ${x}`, at, undefined, `${where}:${k}:${x}`, op);
      }
    }
  }

  private diffParams(bo: OperationModel, ho: OperationModel, opLoc: ApiLoc, bOpLoc: ApiLoc, opWhere: string): void {
    const op = ho.label;
    for (const [k, bp] of bo.params) {
      const hp = ho.params.get(k);
      const pname = `${bp.in} parameter "${bp.name}"`;
      if (!hp) {
        const bl = this.loc(bp.doc, bp.node, 'name');
        const anchor = Array.isArray((ho.node as Obj).parameters) ? this.loc(ho.doc, ho.node, 'parameters') : opLoc;
        if (bp.deprecated && bp.sunset && bp.sunset > this.today) this.emit('request-parameter-removed-before-sunset', 'ERR', `${op}: ${pname} was removed before its sunset date ${bp.sunset}.`, anchor, bl, `${opWhere}:param:${k}`, op);
        else if (bp.deprecated) this.emit('request-parameter-removed-with-deprecation', 'INFO', `${op}: deprecated ${pname} was removed.`, anchor, bl, `${opWhere}:param:${k}`, op);
        else this.emit('request-parameter-removed', 'WARN', `${op}: ${pname} was removed; clients that send it may be rejected or see it ignored.`, anchor, bl, `${opWhere}:param:${k}`, op);
        continue;
      }
      this.diffParam(bp, hp, op, `${opWhere}:param:${k}`);
    }
    for (const [k, hp] of ho.params) {
      if (bo.params.has(k)) continue;
      const pname = `${hp.in} parameter "${hp.name}"`;
      const hl = this.loc(hp.doc, hp.node, 'name');
      if (hp.in === 'path') this.emit('new-request-path-parameter', 'ERR', `${op}: new path parameter "${hp.name}".`, hl, bOpLoc, `${opWhere}:param:${k}`, op);
      else if (hp.required) this.emit('new-required-request-parameter', 'ERR', `${op}: new required ${pname}; existing clients do not send it.`, hl, bOpLoc, `${opWhere}:param:${k}`, op);
      else this.emit('new-optional-request-parameter', 'INFO', `${op}: new optional ${pname}.`, hl, undefined, `${opWhere}:param:${k}`, op);
    }
  }

  /** oasdiff's --deprecation-days policy for a new deprecation. */
  private deprecationPolicy(prefix: 'api' | 'request-parameter' | 'request-property' | 'response-property', sunset: string | undefined, at: ApiLoc, what: string, where: string, op?: string): void {
    const days = this.opts.deprecationDays ?? 0;
    if (days <= 0) return;
    const min = new Date(Date.parse(this.today) + days * 86400000).toISOString().slice(0, 10);
    if (!sunset) this.emit(`${prefix}-deprecated-sunset-missing`, 'ERR', `${what} was deprecated without an x-sunset date (the policy asks for one at least ${days} days ahead, ${min} or later).`, at, undefined, `${where}:deprecation`, op);
    else if (/^\d{4}-\d{2}-\d{2}/.test(sunset) && sunset.slice(0, 10) < min) this.emit(`${prefix}-sunset-date-too-small`, 'ERR', `${what} was deprecated with x-sunset ${sunset}, less than the ${days} days the policy asks for (${min} or later).`, at, undefined, `${where}:deprecation`, op);
  }

  private diffParam(bp: ParamModel, hp: ParamModel, op: string, where: string): void {
    const pname = `${hp.in} parameter "${hp.name}"`;
    const hl = (key?: string) => this.loc(hp.doc, hp.node, key ?? 'name');
    const bl = (key?: string) => this.loc(bp.doc, bp.node, key ?? 'name');
    if (!bp.required && hp.required) this.emit(hp.in === 'header' ? 'request-header-property-became-required' : 'request-parameter-became-required', 'ERR', `${op}: ${pname} became required; existing clients may not send it.`, hl('required'), bl(), where, op);
    if (!bp.deprecated && hp.deprecated) this.deprecationPolicy('request-parameter', hp.sunset, hl(hp.sunset ? 'x-sunset' : 'deprecated'), `${op}: ${pname}`, where);
    if (bp.required && !hp.required) this.emit('request-parameter-became-optional', 'INFO', `${op}: ${pname} became optional.`, hl(), bl(), where, op);
    if (bp.sunset && hp.deprecated && !hp.sunset) this.emit('request-parameter-sunset-deleted', 'ERR', `${op}: the x-sunset of ${pname} was deleted.`, hl('deprecated'), bl('x-sunset'), where, op);
    if (bp.sunset && hp.sunset && hp.sunset < bp.sunset) this.emit('request-parameter-sunset-date-changed-too-small', 'ERR', `${op}: x-sunset of ${pname} moved earlier, from ${bp.sunset} to ${hp.sunset}.`, hl('x-sunset'), bl('x-sunset'), where, op);
    if (hp.sunset && !/^\d{4}-\d{2}-\d{2}/.test(hp.sunset)) this.emit('request-parameter-sunset-parse', 'ERR', `${op}: x-sunset "${hp.sunset}" of ${pname} is not a date.`, hl('x-sunset'), undefined, where, op);
    // Serialization: how the client writes the value on the wire.
    const ser = (x: ParamModel) => {
      const n = x.node as Obj;
      const style = typeof n.style === 'string' ? n.style : x.in === 'query' || x.in === 'cookie' ? 'form' : 'simple';
      const explode = typeof n.explode === 'boolean' ? n.explode : style === 'form';
      return { style, explode, collectionFormat: typeof n.collectionFormat === 'string' ? n.collectionFormat : 'csv', allowEmptyValue: n.allowEmptyValue === true };
    };
    const bs = ser(bp);
    const hs = ser(hp);
    for (const k of ['style', 'explode', 'collectionFormat'] as const) {
      if (bs[k] === hs[k]) continue;
      const id = `request-parameter-${k === 'collectionFormat' ? 'collection-format' : k}-changed`;
      this.emit(id, 'ERR', `${op}: ${k} of ${pname} changed from ${bs[k]} to ${hs[k]}; clients serialize it the old way and the server misreads it.`, hl(k), bl(k), `${where}:${k}`, op, true);
    }
    if (bs.allowEmptyValue && !hs.allowEmptyValue) this.emit('request-parameter-allow-empty-value-removed', 'ERR', `${op}: ${pname} no longer allows an empty value; clients sending it empty are rejected.`, hl(), bl('allowEmptyValue'), `${where}:allowEmptyValue`, op, true);
    const bd = bp.default;
    const hd = hp.default;
    if (bd === undefined && hd !== undefined) this.emit('request-parameter-default-value-added', 'ERR', `${op}: ${pname} got a default value ${show(hd)}; clients that omit it now get that value.`, hl(), bl(), where, op);
    else if (bd !== undefined && hd === undefined) this.emit('request-parameter-default-value-removed', 'ERR', `${op}: ${pname} lost its default value ${show(bd)}.`, hl(), bl(), where, op);
    else if (bd !== undefined && !same(bd, hd)) this.emit('request-parameter-default-value-changed', 'ERR', `${op}: default value of ${pname} changed from ${show(bd)} to ${show(hd)}.`, hl(), bl(), where, op);
    if (bp.schema && hp.schema) {
      this.compareSchema(
        { set: this.base.set, node: bp.schema.node, doc: bp.schema.doc, ptr: bp.schema.pointer },
        { set: this.head.set, node: hp.schema.node, doc: hp.schema.doc, ptr: hp.schema.pointer },
        { dir: 'request', scope: 'parameter', where: `${op} ${pname}`, prop: '', op },
        { noDefault: true },
      );
    }
  }

  private diffBody(bo: OperationModel, ho: OperationModel, opLoc: ApiLoc, bOpLoc: ApiLoc, opWhere: string): void {
    const op = ho.label;
    const bb = bo.body;
    const hb = ho.body;
    const where = `${opWhere}:body`;
    if (!bb && !hb) return;
    if (!bb && hb) {
      if (hb.required) this.emit('request-body-added-required', 'ERR', `${op}: a required request body was added; existing clients send none.`, this.bodyLoc(ho, hb), bOpLoc, where, op);
      else this.emit('request-body-added-optional', 'INFO', `${op}: an optional request body was added.`, this.bodyLoc(ho, hb), undefined, where, op);
      return;
    }
    if (bb && !hb) {
      this.emit('request-body-removed', 'ERR', `${op}: the request body was removed; clients that send one may be rejected.`, opLoc, this.bodyLoc(bo, bb), where, op);
      return;
    }
    const b = bb!;
    const h = hb!;
    if (!b.required && h.required) this.emit('request-body-became-required', 'ERR', `${op}: the request body became required.`, this.loc(h.doc, h.node, 'required'), this.bodyLoc(bo, b), where, op);
    if (b.required && !h.required) this.emit('request-body-became-optional', 'INFO', `${op}: the request body became optional.`, this.bodyLoc(ho, h), undefined, where, op);
    this.diffContent(b.content, h.content, 'request', op, where, this.bodyLoc(ho, h), h);
  }

  private bodyLoc(o: OperationModel, b: BodyModel): ApiLoc {
    if ((o.node as Obj).requestBody !== undefined) return this.loc(o.doc, o.node, 'requestBody');
    return this.loc(b.doc, b.node, 'name');
  }

  private diffContent(bc: Map<string, MediaModel>, hc: Map<string, MediaModel>, dir: Dir, op: string, where: string, anchor: ApiLoc, owner: BodyModel | { node: object; doc: SourceDoc }): void {
    const label = dir === 'request' ? 'request body' : where.split(':resp:')[1] ? `response ${where.split(':resp:')[1]}` : 'response';
    const contentAnchor = isObj((owner.node as Obj).content) ? this.loc(owner.doc, owner.node, 'content') : anchor;
    for (const [mt, bm] of bc) {
      const hm = hc.get(mt);
      const bl = this.loc(bm.doc, (bm.node as Obj) && isObj(((owner as { node: Obj }).node as Obj).content) ? bm.node : bm.node);
      if (!hm) {
        if (dir === 'request') this.emit('request-body-media-type-removed', 'ERR', `${op}: ${label} no longer accepts ${mt}; clients sending it are rejected.`, contentAnchor, bl, `${where}:${mt}`, op);
        else this.emit('response-media-type-removed', 'ERR', `${op}: ${label} no longer returns ${mt}; clients that ask for it break.`, contentAnchor, bl, `${where}:${mt}`, op);
        continue;
      }
      if (bm.schema && !hm.schema) {
        if (dir === 'response') this.emit('response-body-media-type-schema-removed', 'WARN', `${op}: ${label} ${mt} no longer has a schema.`, this.loc(hm.doc, hm.node), this.loc(bm.doc, bm.node, 'schema'), `${where}:${mt}`, op);
        else this.emit('request-body-media-type-schema-removed', 'INFO', `${op}: ${label} ${mt} no longer has a schema.`, this.loc(hm.doc, hm.node), undefined, `${where}:${mt}`, op);
        continue;
      }
      if (!bm.schema && hm.schema) {
        if (dir === 'request') this.emit('request-body-media-type-schema-added', 'ERR', `${op}: ${label} ${mt} now has a schema; payloads that do not match it are rejected.`, this.loc(hm.doc, hm.node, 'schema'), this.loc(bm.doc, bm.node), `${where}:${mt}`, op);
        else this.emit('response-body-media-type-schema-added', 'INFO', `${op}: ${label} ${mt} now has a schema.`, this.loc(hm.doc, hm.node, 'schema'), undefined, `${where}:${mt}`, op);
        continue;
      }
      if (bm.schema && hm.schema) this.compareSchemaRefs(bm.schema, hm.schema, { dir, scope: 'body', where: `${op} ${label} (${mt})`, prop: '', op });
    }
    for (const [mt, hm] of hc) {
      if (!bc.has(mt)) this.emit(dir === 'request' ? 'request-body-media-type-added' : 'response-media-type-added', 'INFO', `${op}: ${label} ${dir === 'request' ? 'accepts' : 'returns'} ${mt} too.`, this.loc(hm.doc, hm.node), undefined, `${where}:${mt}`, op);
    }
  }

  private compareSchemaRefs(b: SchemaRef, h: SchemaRef, ctx: SchemaCtx): void {
    this.compareSchema({ set: this.base.set, node: b.node, doc: b.doc, ptr: b.pointer }, { set: this.head.set, node: h.node, doc: h.doc, ptr: h.pointer }, ctx);
  }

  private diffResponses(bo: OperationModel, ho: OperationModel, opWhere: string): void {
    const op = ho.label;
    const respAnchor = isObj((ho.node as Obj).responses) ? this.loc(ho.doc, ho.node, 'responses') : this.loc(ho.doc, ho.node);
    for (const [status, br] of bo.responses) {
      const hr = ho.responses.get(status);
      const where = `${opWhere}:resp:${status}`;
      if (!hr) {
        const bl = this.loc(bo.doc, (bo.node as Obj).responses as object, /^\d/.test(status) ? findKey((bo.node as Obj).responses, status) : status.toLowerCase());
        if (/^2/.test(status)) this.emit('response-success-status-removed', 'ERR', `${op}: success response ${status} was removed; clients expecting it break.`, respAnchor, bl, where, op);
        else this.emit('response-non-success-status-removed', 'INFO', `${op}: response ${status} was removed.`, respAnchor, bl, where, op);
        continue;
      }
      const hrLoc = this.loc(hr.doc, (ho.node as Obj).responses as object, findKey((ho.node as Obj).responses, status));
      // headers
      for (const [name, bh] of br.headers) {
        const hh = hr.headers.get(name);
        const bl = this.loc(bh.doc, br.node && (br.node as Obj).headers ? ((br.node as Obj).headers as object) : br.node, bh.name);
        if (!hh) {
          const anchor = isObj((hr.node as Obj).headers) ? this.loc(hr.doc, hr.node, 'headers') : hrLoc;
          if (bh.required) this.emit('required-response-header-removed', 'ERR', `${op}: required response header ${bh.name} (${status}) was removed.`, anchor, bl, `${where}:header:${name}`, op);
          else this.emit('optional-response-header-removed', 'WARN', `${op}: response header ${bh.name} (${status}) was removed; clients reading it get nothing.`, anchor, bl, `${where}:header:${name}`, op);
          continue;
        }
        this.diffHeader(bh, hh, op, status, `${where}:header:${name}`, bl);
      }
      for (const [name, hh] of hr.headers) if (!br.headers.has(name)) this.emit('response-header-added', 'INFO', `${op}: response header ${hh.name} (${status}) was added.`, this.loc(hh.doc, hh.node), undefined, `${where}:header:${name}`, op);
      this.diffContent(br.content, hr.content, 'response', op, where, hrLoc, hr);
    }
  }

  private diffHeader(bh: HeaderModel & { name: string }, hh: HeaderModel & { name: string }, op: string, status: string, where: string, bl: ApiLoc): void {
    const hl = this.loc(hh.doc, hh.node, 'required');
    const bx = (bh.node as Obj).explode;
    const hx = (hh.node as Obj).explode;
    if ((bx === true) !== (hx === true)) this.emit('response-header-explode-changed', 'WARN', `${op}: response header ${hh.name} (${status}) explode changed from ${bx === true} to ${hx === true}; clients parse its value the old way.`, this.loc(hh.doc, hh.node, hx !== undefined ? 'explode' : undefined), bl, `${where}:explode`, op, true);
    if (bh.required && !hh.required) this.emit('response-header-became-optional', 'ERR', `${op}: response header ${hh.name} (${status}) became optional; clients relying on it may not get it.`, hl, bl, where, op);
    if (bh.schema && hh.schema) this.compareSchemaRefs(bh.schema, hh.schema, { dir: 'response', scope: 'header', where: `${op} response ${status} header ${hh.name}`, prop: '', op });
  }

  private diffWebhooks(): void {
    for (const [name, bw] of this.base.webhooks) {
      const hw = this.head.webhooks.get(name);
      if (hw) {
        // The payload is sent by the API and read by subscribers: compared in the response
        // direction (a property removed, a value widened or made nullable breaks subscribers).
        for (const [method, bo] of bw.ops ?? []) {
          const ho = hw.ops?.get(method);
          if (!ho?.body || !bo.body) continue;
          for (const [mt, bm] of bo.body.content) {
            const hm = ho.body.content.get(mt);
            if (bm.schema && hm?.schema) this.compareSchemaRefs(bm.schema, hm.schema, { dir: 'response', scope: 'body', where: `Webhook ${name} payload (${mt})`, prop: '', op: `webhook ${name}` });
          }
        }
        continue;
      }
      const anchor = this.head.webhooksNode ? this.loc(this.head.set.root, this.head.rootNode, 'webhooks') : this.loc(this.head.set.root, this.head.rootNode);
      this.emit('webhook-removed', 'ERR', `Webhook ${name} was removed; subscribers stop receiving it.`, anchor, this.loc(bw.doc, this.base.webhooksNode!, name), `webhook:${name}`);
    }
  }

  private diffVersion(): void {
    const breaking = this.changes.some((c) => c.level === 'ERR');
    if (!breaking) return;
    const bv = this.base.infoVersion;
    const hv = this.head.infoVersion;
    const major = (v?: string) => (v && /^v?(\d+)/.exec(v) ? Number(/^v?(\d+)/.exec(v)![1]) : undefined);
    const bm = major(bv);
    const hm = major(hv);
    if (bm === undefined || hm === undefined || hm > bm) return;
    const info = (this.head.rootNode as Obj).info;
    const at = isObj(info) ? this.loc(this.head.set.root, info, 'version') : this.loc(this.head.set.root, this.head.rootNode);
    const n = this.changes.filter((c) => c.level === 'ERR').length;
    this.emit('api-major-version-not-bumped', 'WARN', `info.version is ${hv} (base ${bv}) but this change has ${n} breaking change${n === 1 ? '' : 's'}: bump the major version or accept them.`, at, undefined, 'info.version', undefined, true);
  }

  // -------------------------------------------------------------------------------------------
  // Schemas

  private pid(ctx: SchemaCtx, thing: string): string {
    switch (ctx.scope) {
      case 'body':
        return `${ctx.dir}-${ctx.prop || ctx.nested ? 'property' : 'body'}-${thing}`;
      case 'property':
        return `${ctx.dir}-property-${thing}`;
      case 'parameter':
        return ctx.prop || ctx.nested ? `request-parameter-property-${thing}` : `request-parameter-${thing}`;
      case 'parameter-property':
        return `request-parameter-property-${thing}`;
      case 'header':
        return `response-header-${thing}`;
    }
  }

  /** Picks the first id oasdiff knows among candidates (or the first one). */
  private idOf(ctx: SchemaCtx, thing: string, ...alts: string[]): string {
    const first = this.pid(ctx, thing);
    if (OASDIFF_LEVELS.has(first)) return first;
    for (const a of alts) {
      const id = this.pid(ctx, a);
      if (OASDIFF_LEVELS.has(id)) return id;
    }
    // parameter properties fall back to the parameter id, bodies to property ids.
    if (ctx.scope === 'parameter' && (ctx.prop || ctx.nested) && OASDIFF_LEVELS.has(`request-parameter-${thing}`)) return `request-parameter-${thing}`;
    if (ctx.scope === 'body' && !ctx.prop && !ctx.nested && OASDIFF_LEVELS.has(`${ctx.dir}-property-${thing}`)) return `${ctx.dir}-property-${thing}`;
    return first;
  }

  private what(ctx: SchemaCtx): string {
    return ctx.prop ? `${ctx.where} property ${ctx.prop}` : ctx.where;
  }

  private compareSchema(b: Side, h: Side, ctx0: SchemaCtx, flags: { noDefault?: boolean } = {}): void {
    const bd = b.set.deref(b.node, b.doc);
    const hd = h.set.deref(h.node, h.doc);
    // Inside a named component, name the component (the change is reported once, wherever it is used).
    const comp = componentName(hd.ref);
    const ctx: SchemaCtx = comp ? { ...ctx0, where: `${ctx0.op} ${ctx0.dir}: schema ${comp}`, prop: '', nested: ctx0.nested || !!ctx0.prop } : ctx0;
    const bn0 = bd.node;
    const hn0 = hd.node;
    if (!isObj(bn0) || !isObj(hn0)) return;
    const key = `${ctx.dir}|${ctx.scope === 'header' || ctx.scope === 'parameter' ? ctx.scope : 'schema'}|${ctx.readOnly ? 'r' : ''}${ctx.writeOnly ? 'w' : ''}`;
    let m = this.seen.get(bn0);
    if (!m) this.seen.set(bn0, (m = new Map()));
    let s = m.get(hn0);
    if (!s) m.set(hn0, (s = new Set()));
    if (s.has(key)) return;
    s.add(key);
    const bside: Side = { set: b.set, node: bn0, doc: bd.doc, ptr: bd.ref ?? b.ptr };
    const hside: Side = { set: h.set, node: hn0, doc: hd.doc, ptr: hd.ref ?? h.ptr };
    // Fast path: the same text-level structure means differences can only hide behind the `$ref`s
    // inside it, so only those targets are compared (most of a large spec is unchanged).
    const refs = new Set<string>();
    if (rawSame(bn0, hn0, refs, { n: 20000 })) {
      for (const ref of refs) {
        if (!b.set.resolveRef(ref, bd.doc) || !h.set.resolveRef(ref, hd.doc)) continue;
        this.compareSchema({ set: b.set, node: { $ref: ref }, doc: bd.doc, ptr: bside.ptr }, { set: h.set, node: { $ref: ref }, doc: hd.doc, ptr: hside.ptr }, { ...ctx, nested: true }, flags);
      }
      return;
    }
    const B = flatten(b.set, bn0, bd.doc);
    const H = flatten(h.set, hn0, hd.doc);
    const req = ctx.dir === 'request';
    const what = this.what(ctx);
    const hloc = (k?: string) => this.loc(H.doc, H.own(k) ?? hn0, k, false);
    const bloc = (k?: string) => this.loc(B.doc, B.own(k) ?? bn0, k, false);
    const where = `${hside.ptr}`;
    const emit = (id: string, lvl: OasdiffLevel | undefined, msg: string, k?: string, baseKey = k, force = false) => {
      // A request property the client never sends (readOnly), or a response property it never reads (writeOnly), cannot break it.
      let level = lvl;
      if ((req && ctx.readOnly) || (!req && ctx.writeOnly)) level = 'INFO';
      const known = OASDIFF_LEVELS.get(id);
      if (known && level !== 'INFO' && !force) level = known;
      if (!level) return;
      if (level === 'INFO' && !this.opts.includeInfo) return;
      this.changes.push({ id, level, message: `${what}: ${msg}`, head: hloc(k), base: bloc(baseKey), where: `${where}|${ctx.dir}|${id}`, operation: ctx.op });
    };

    // Wrapped in oneOf (the old schema is one of the new branches): one change, not the old
    // properties reported as removed one by one.
    if (!B.branches('oneOf').length && !B.branches('anyOf').length) {
      const hb = H.branches('oneOf');
      if (hb.length > 1 && hb.some((br) => br.sig === B.sig)) {
        emit(this.idOf(ctx, 'wrapped-in-one-of'), 'ERR', `was wrapped in oneOf with ${hb.length - 1} other branch${hb.length === 2 ? '' : 'es'}${req ? '' : '; clients may receive a shape they do not handle'}`, 'oneOf');
        return;
      }
    }

    // Types and nullability
    const bt = typesOf(B.get('type'));
    const ht = typesOf(H.get('type'));
    const bNull = B.nullable;
    const hNull = H.nullable;
    if (bt.size && ht.size && !sameSet(bt, ht)) {
      const widened = [...bt].every((t) => ht.has(t) || (t === 'integer' && ht.has('number')));
      const narrowed = [...ht].every((t) => bt.has(t) || (t === 'integer' && bt.has('number')));
      const list = bt.size > 1 || ht.size > 1;
      const msg = `type changed from ${[...bt].join('|')} to ${[...ht].join('|')}`;
      if (list && widened && !narrowed) emit(this.idOf(ctx, 'list-of-types-widened'), req ? 'INFO' : 'ERR', `${msg}; ${req ? '' : 'clients may receive a type they do not handle'}`.replace(/; $/, ''), 'type');
      else if (list && narrowed && !widened) emit(this.idOf(ctx, 'list-of-types-narrowed'), req ? 'ERR' : 'INFO', `${msg}; ${req ? 'clients sending the removed type are rejected' : ''}`.replace(/; $/, ''), 'type');
      else if (widened && !narrowed) emit(this.idOf(ctx, 'type-generalized', 'type-changed'), req ? 'INFO' : 'ERR', `${msg} (generalized)${req ? '' : '; clients may receive values they cannot parse'}`, 'type');
      else if (narrowed && !widened && ctx.scope === 'parameter' && ctx.prop) emit('request-parameter-property-type-specialized', 'ERR', `${msg} (specialized)`, 'type');
      else emit(this.idOf(ctx, 'type-changed'), 'ERR', `${msg}; ${req ? 'clients sending the old type are rejected' : 'clients parsing the old type break'}`, 'type');
    } else if (bt.size && ht.size) {
      const bf = B.get('format');
      const hf = H.get('format');
      if (bf !== hf && (bf !== undefined || hf !== undefined)) {
        const gen = (bf === 'int32' && hf === 'int64') || (bf === 'float' && hf === 'double') || (bf !== undefined && hf === undefined);
        const msg = `format changed from ${bf ?? '(none)'} to ${hf ?? '(none)'}`;
        if (gen) emit(this.idOf(ctx, 'type-generalized', 'type-changed'), req ? 'INFO' : 'ERR', `${msg} (generalized)`, 'format');
        else emit(this.idOf(ctx, 'type-changed'), 'ERR', msg, 'format');
      }
    }
    if (bNull !== hNull) {
      if (hNull) emit(this.idOf(ctx, 'became-nullable'), req ? 'INFO' : 'ERR', req ? 'became nullable' : 'became nullable; clients may receive null where they never did', H.nullKey);
      else emit(this.idOf(ctx, 'became-not-nullable'), req ? 'ERR' : 'INFO', req ? 'became not nullable; clients sending null are rejected' : 'became not nullable', H.nullKey ?? 'type', B.nullKey);
    }

    // Values
    this.compareEnum(B, H, ctx, emit, 'enum');
    this.compareEnum(B, H, ctx, emit, 'x-extensible-enum');
    const bc = B.get('const');
    const hc = H.get('const');
    if (bc === undefined && hc !== undefined) emit(this.idOf(ctx, 'const-added'), req ? 'ERR' : 'INFO', `must now equal ${show(hc)}`, 'const');
    else if (bc !== undefined && hc === undefined) emit(this.idOf(ctx, 'const-removed'), req ? 'INFO' : 'ERR', `no longer always equals ${show(bc)}`, undefined, 'const');
    else if (bc !== undefined && !same(bc, hc)) emit(this.idOf(ctx, 'const-changed'), 'ERR', `const changed from ${show(bc)} to ${show(hc)}`, 'const');
    if (!flags.noDefault) {
      const bdv = B.get('default');
      const hdv = H.get('default');
      if (bdv === undefined && hdv !== undefined) emit(this.idOf(ctx, 'default-value-added'), 'INFO', `default ${show(hdv)} added`, 'default');
      else if (bdv !== undefined && hdv === undefined) emit(this.idOf(ctx, 'default-value-removed'), 'INFO', `default ${show(bdv)} removed`, undefined, 'default');
      else if (bdv !== undefined && !same(bdv, hdv)) emit(this.idOf(ctx, 'default-value-changed'), 'INFO', `default changed from ${show(bdv)} to ${show(hdv)}`, 'default');
    }

    // Constraints
    for (const [kw, thing, upper] of BOUNDS) {
      const bv = bound(B, kw);
      const hv = bound(H, kw);
      if (bv === hv) continue;
      const word = kw.replace(/([A-Z])/g, ' $1').toLowerCase();
      if (hv !== undefined && bv !== undefined) {
        const tighter = upper ? hv < bv : hv > bv;
        if (tighter) emit(this.idOf(ctx, `${thing}-${upper ? 'decreased' : 'increased'}`), req ? 'ERR' : 'INFO', `${word} ${upper ? 'decreased' : 'increased'} from ${bv} to ${hv}${req ? '; requests valid before are rejected' : ''}`, keyOf(H, kw), keyOf(B, kw));
        else emit(this.idOf(ctx, `${thing}-${upper ? 'increased' : 'decreased'}`), req ? 'INFO' : 'ERR', `${word} ${upper ? 'increased' : 'decreased'} from ${bv} to ${hv}${req ? '' : '; clients may receive values they reject'}`, keyOf(H, kw), keyOf(B, kw));
      } else if (hv !== undefined) {
        if (!upper && (kw === 'minLength' || kw === 'minItems') && !OASDIFF_LEVELS.has(this.pid(ctx, `${thing}-set`))) {
          emit(this.idOf(ctx, `${thing}-increased`), req ? 'ERR' : 'INFO', `${word} set to ${hv}`, keyOf(H, kw));
        } else emit(this.idOf(ctx, `${thing}-set`), req ? 'WARN' : 'INFO', `${word} ${hv} was set where there was none${req ? '; requests valid before may be rejected' : ''}`, keyOf(H, kw));
      } else {
        emit(this.idOf(ctx, `${thing}-unset`), req ? 'INFO' : undefined, `${word} ${bv} was removed${req ? '' : '; clients may receive values outside it'}`, undefined, keyOf(B, kw));
      }
    }
    const bp = B.get('pattern');
    const hp = H.get('pattern');
    if (bp === undefined && typeof hp === 'string') emit(this.idOf(ctx, 'pattern-added'), req ? 'ERR' : 'INFO', `pattern ${hp} was added`, 'pattern');
    else if (typeof bp === 'string' && hp === undefined) emit(this.idOf(ctx, 'pattern-removed'), 'INFO', `pattern ${bp} was removed`, undefined, 'pattern');
    else if (bp !== hp && typeof bp === 'string' && typeof hp === 'string') {
      if (req && (hp === '.*' || hp === '^.*$')) emit(this.idOf(ctx, 'pattern-generalized'), 'INFO', `pattern generalized from ${bp} to ${hp}`, 'pattern');
      else emit(this.idOf(ctx, 'pattern-changed'), req ? 'WARN' : 'INFO', `pattern changed from ${bp} to ${hp}`, 'pattern');
    }

    // 3.1 keywords, presence-based (oasdiff's 3.1 ids)
    for (const [kw, thing] of PRESENCE) {
      const bk = B.get(kw);
      const hk = H.get(kw);
      if (bk === undefined && hk !== undefined) emit(this.idOf(ctx, `${thing}-added`), undefined, `${kw} was added`, kw);
      else if (bk !== undefined && hk === undefined) emit(this.idOf(ctx, `${thing}-removed`), undefined, `${kw} was removed`, undefined, kw);
      else if (bk !== undefined && !sameLoose(B, H, bk, hk)) emit(this.idOf(ctx, `${thing}-changed`), undefined, `${kw} changed`, kw);
    }
    for (const kw of ['patternProperties', 'dependentSchemas'] as const) {
      const bk = B.get(kw);
      const hk = H.get(kw);
      const thing = kw === 'patternProperties' ? 'pattern-property' : 'dependent-schema';
      const bKeys = isObj(bk) ? Object.keys(bk) : [];
      const hKeys = isObj(hk) ? Object.keys(hk) : [];
      for (const k of hKeys) if (!bKeys.includes(k)) emit(this.idOf(ctx, `${thing}-added`), undefined, `${kw} ${k} was added`, kw);
      for (const k of bKeys) if (!hKeys.includes(k)) emit(this.idOf(ctx, `${thing}-removed`), undefined, `${kw} ${k} was removed`, undefined, kw);
    }
    const bdr = B.get('dependentRequired');
    const hdr = H.get('dependentRequired');
    if (isObj(hdr)) {
      for (const [k, v] of Object.entries(hdr)) {
        const old = isObj(bdr) ? bdr[k] : undefined;
        if (old === undefined) emit(this.idOf(ctx, 'dependent-required-added'), undefined, `dependentRequired ${k} was added`, 'dependentRequired');
        else if (!same(old, v)) emit(this.idOf(ctx, 'dependent-required-changed'), undefined, `dependentRequired ${k} changed`, 'dependentRequired');
      }
    }
    if (isObj(bdr)) for (const k of Object.keys(bdr)) if (!isObj(hdr) || hdr[k] === undefined) emit(this.idOf(ctx, 'dependent-required-removed'), undefined, `dependentRequired ${k} was removed`, undefined, 'dependentRequired');
    const bpi = B.get('prefixItems');
    const hpi = H.get('prefixItems');
    const bpl = Array.isArray(bpi) ? bpi.length : 0;
    const hpl = Array.isArray(hpi) ? hpi.length : 0;
    if (hpl > bpl) emit(this.idOf(ctx, 'prefix-items-added'), undefined, `prefixItems grew from ${bpl} to ${hpl}`, 'prefixItems');
    if (hpl < bpl) emit(this.idOf(ctx, 'prefix-items-removed'), undefined, `prefixItems shrank from ${bpl} to ${hpl}`, 'prefixItems', 'prefixItems');

    // Discriminator
    const bdisc = B.get('discriminator');
    const hdisc = H.get('discriminator');
    // Clients pick the branch by the discriminator: a renamed property or a mapping entry that
    // changed or went away sends them to the wrong branch (oasdiff: INFO; here a warning).
    if (isObj(bdisc) && isObj(hdisc) && bdisc.propertyName !== hdisc.propertyName) emit(this.idOf(ctx, 'discriminator-property-name-changed'), 'WARN', `discriminator property changed from ${show(bdisc.propertyName)} to ${show(hdisc.propertyName)}; clients pick the wrong branch`, 'discriminator', 'discriminator', true);
    if (isObj(bdisc) && isObj(hdisc) && isObj(bdisc.mapping)) {
      const hm = isObj(hdisc.mapping) ? hdisc.mapping : {};
      for (const [k, v] of Object.entries(bdisc.mapping)) {
        if (hm[k] === undefined) emit(this.idOf(ctx, 'discriminator-mapping-deleted'), 'WARN', `discriminator mapping ${show(k)} was removed`, 'discriminator', 'discriminator', true);
        else if (hm[k] !== v) emit(this.idOf(ctx, 'discriminator-mapping-changed'), 'WARN', `discriminator mapping ${show(k)} changed from ${show(v)} to ${show(hm[k])}`, 'discriminator', 'discriminator', true);
      }
    }
    // additionalProperties: false added where a client sends the object: extra properties it sends are rejected.
    const bapRaw = B.get('additionalProperties');
    if (req && H.get('additionalProperties') === false && bapRaw !== false) emit(this.idOf(ctx, 'additional-properties-narrowed'), 'WARN', 'no longer accepts additional properties (additionalProperties: false); requests with extra properties are rejected', 'additionalProperties', 'additionalProperties', true);
    if (!req && bapRaw === false && H.get('additionalProperties') !== undefined && H.get('additionalProperties') !== false) emit(this.idOf(ctx, 'additional-properties-widened'), 'WARN', 'may now contain additional properties; strict clients reject them', 'additionalProperties', 'additionalProperties', true);
    // Sub-schemas compared in place: then/else/contains/propertyNames/prefixItems in the same
    // direction, `not` in the opposite one (a narrower `not` accepts more).
    for (const kw of ['then', 'else', 'contains', 'propertyNames', 'not'] as const) {
      const bs = B.get(kw);
      const hs = H.get(kw);
      if (!isObj(bs) || !isObj(hs)) continue;
      const dir: Dir = kw === 'not' ? (req ? 'response' : 'request') : ctx.dir;
      this.compareSchema({ ...bside, node: bs, doc: B.docOf(kw), ptr: `${bside.ptr}/${kw}` }, { ...hside, node: hs, doc: H.docOf(kw), ptr: `${hside.ptr}/${kw}` }, { ...ctx, dir, prop: `${ctx.prop || ''}(${kw})`, nested: true });
    }
    if (Array.isArray(bpi) && Array.isArray(hpi)) {
      for (let i = 0; i < Math.min(bpi.length, hpi.length); i++) {
        this.compareSchema({ ...bside, node: bpi[i], doc: B.docOf('prefixItems'), ptr: `${bside.ptr}/prefixItems/${i}` }, { ...hside, node: hpi[i], doc: H.docOf('prefixItems'), ptr: `${hside.ptr}/prefixItems/${i}` }, { ...ctx, prop: `${ctx.prop || ''}[${i}]`, nested: true });
      }
    }

    // Object properties
    this.compareProperties(B, H, bside, hside, ctx, emit);
    // Array items
    const bi = B.get('items');
    const hi = H.get('items');
    if (isObj(bi) && isObj(hi)) {
      this.compareSchema({ ...bside, node: bi, doc: B.docOf('items'), ptr: `${bside.ptr}/items` }, { ...hside, node: hi, doc: H.docOf('items'), ptr: `${hside.ptr}/items` }, { ...ctx, prop: `${ctx.prop || ''}[]`, nested: true });
    }
    const bap = B.get('additionalProperties');
    const hap = H.get('additionalProperties');
    if (isObj(bap) && isObj(hap)) {
      this.compareSchema({ ...bside, node: bap, doc: B.docOf('additionalProperties'), ptr: `${bside.ptr}/additionalProperties` }, { ...hside, node: hap, doc: H.docOf('additionalProperties'), ptr: `${hside.ptr}/additionalProperties` }, { ...ctx, prop: `${ctx.prop || ''}{*}`, nested: true });
    }
    // Unions
    this.compareUnion(B, H, bside, hside, ctx, emit, 'oneOf');
    this.compareUnion(B, H, bside, hside, ctx, emit, 'anyOf');
  }

  private compareEnum(B: Flat, H: Flat, ctx: SchemaCtx, emit: Emit, kw: 'enum' | 'x-extensible-enum'): void {
    const be = B.get(kw);
    const he = H.get(kw);
    const req = ctx.dir === 'request';
    if (!Array.isArray(he)) return;
    const ext = kw === 'x-extensible-enum';
    if (!Array.isArray(be)) {
      if (!ext && req) emit(this.idOf(ctx, 'became-enum'), 'ERR', `became an enum (${he.slice(0, 5).map(show).join(', ')}${he.length > 5 ? ', …' : ''}); other values are rejected`, kw);
      return;
    }
    const hs = new Set(he.map((x) => JSON.stringify(x)));
    const bs = new Set(be.map((x) => JSON.stringify(x)));
    const removed = be.filter((x) => !hs.has(JSON.stringify(x)));
    const added = he.filter((x) => !bs.has(JSON.stringify(x)));
    if (removed.length) {
      const list = removed.slice(0, 5).map(show).join(', ') + (removed.length > 5 ? ` and ${removed.length - 5} more` : '');
      if (ext) emit(this.idOf(ctx, 'x-extensible-enum-value-removed'), req ? 'ERR' : undefined, `x-extensible-enum value${removed.length > 1 ? 's' : ''} ${list} removed`, kw);
      else if (req && ctx.readOnly) emit('request-read-only-property-enum-value-removed', 'INFO', `enum value${removed.length > 1 ? 's' : ''} ${list} removed`, kw);
      else emit(this.idOf(ctx, 'enum-value-removed'), req ? 'ERR' : 'INFO', `enum value${removed.length > 1 ? 's' : ''} ${list} removed${req ? '; clients sending them are rejected' : ''}`, kw);
    }
    if (added.length && !ext) {
      const list = added.slice(0, 5).map(show).join(', ') + (added.length > 5 ? ` and ${added.length - 5} more` : '');
      if (!req && ctx.writeOnly) emit('response-write-only-property-enum-value-added', 'INFO', `enum value${added.length > 1 ? 's' : ''} ${list} added`, kw);
      else emit(this.idOf(ctx, 'enum-value-added'), req ? 'INFO' : 'WARN', `enum value${added.length > 1 ? 's' : ''} ${list} added${req ? '' : '; clients with an exhaustive switch may not handle them'}`, kw);
    }
  }

  private compareProperties(B: Flat, H: Flat, bside: Side, hside: Side, ctx: SchemaCtx, _emit: Emit): void {
    const bprops = B.props;
    const hprops = H.props;
    if (!bprops.size && !hprops.size) return;
    const req = ctx.dir === 'request';
    const child = (name: string) => (ctx.prop ? `${ctx.prop}.${name}` : name);
    const pctx = (name: string, extra: Partial<SchemaCtx>): SchemaCtx => ({ ...ctx, scope: ctx.scope === 'parameter' ? 'parameter' : ctx.scope === 'header' ? 'header' : 'property', prop: child(name), nested: true, ...extra });
    for (const [name, bp] of bprops) {
      const hp = hprops.get(name);
      const bSchema = isObj(bp.node) ? (bside.set.deref(bp.node, bp.doc).node as Obj) : undefined;
      const bRO = bSchema?.readOnly === true;
      const bWO = bSchema?.writeOnly === true;
      const bReq = B.required.has(name);
      if (!hp) {
        const anchor = H.propsOwner ? this.loc(H.propsOwner.doc, H.propsOwner.node, 'properties') : this.loc(H.doc, H.root);
        const baseLoc = this.loc(bp.doc, bp.owner, name);
        const label = `${this.what({ ...ctx, prop: child(name) })}`;
        let id: string;
        let level: OasdiffLevel;
        let msg: string;
        if (req) {
          if (bRO) continue;
          id = ctx.scope === 'parameter' ? 'request-parameter-property-removed' : 'request-property-removed';
          level = 'WARN';
          msg = 'was removed; clients that send it may be rejected or see it ignored';
        } else if (bWO) {
          id = 'response-optional-write-only-property-removed';
          level = 'INFO';
          msg = 'was removed';
        } else if (bReq) {
          id = 'response-required-property-removed';
          level = 'ERR';
          msg = 'was removed although it was required; clients reading it break';
        } else {
          id = 'response-optional-property-removed';
          level = 'WARN';
          msg = 'was removed; clients reading it get nothing';
        }
        const known = OASDIFF_LEVELS.get(id);
        const lvl = known ?? level;
        if (lvl === 'INFO' && !this.opts.includeInfo) continue;
        this.changes.push({ id, level: lvl, message: `${label}: ${msg}`, head: anchor, base: baseLoc, where: `${hside.ptr}/properties/${escapePointer(name)}|${ctx.dir}|${id}`, operation: ctx.op });
        continue;
      }
      const hSchema = isObj(hp.node) ? (hside.set.deref(hp.node, hp.doc).node as Obj) : undefined;
      const hRO = hSchema?.readOnly === true;
      const hWO = hSchema?.writeOnly === true;
      const hReq = H.required.has(name);
      const pc = pctx(name, { readOnly: req ? hRO && bRO : undefined, writeOnly: !req ? hWO && bWO : undefined });
      const plabel = this.what(pc);
      const hl = this.loc(hp.doc, hp.owner, name);
      const bl = this.loc(bp.doc, bp.owner, name);
      const pw = `${hside.ptr}/properties/${escapePointer(name)}`;
      const push = (id: string, level: OasdiffLevel, msg: string) => {
        const lvl = OASDIFF_LEVELS.get(id) ?? level;
        if (lvl === 'INFO' && !this.opts.includeInfo) return;
        this.changes.push({ id, level: lvl, message: `${plabel}: ${msg}`, head: hl, base: bl, where: `${pw}|${ctx.dir}|${id}`, operation: ctx.op });
      };
      if (bSchema?.deprecated !== true && hSchema?.deprecated === true) {
        const sunset = hSchema['x-sunset'] !== undefined ? String(hSchema['x-sunset']) : undefined;
        this.deprecationPolicy(req ? 'request-property' : 'response-property', sunset, hl, plabel, pw, ctx.op);
      }
      if (req && !bReq && hReq && !hRO) {
        const withDefault = hSchema && hSchema.default !== undefined;
        push(withDefault ? 'request-property-became-required-with-default' : 'request-property-became-required', 'ERR', 'became required; existing clients may not send it');
      }
      if (req && bReq && !hReq) push('request-property-became-optional', 'INFO', 'became optional');
      if (!req && bReq && !hReq) push(hWO ? 'response-write-only-property-became-optional' : 'response-property-became-optional', hWO ? 'INFO' : 'ERR', 'became optional; clients relying on it may not get it');
      if (!req && !bReq && hReq) push('response-property-became-required', 'INFO', 'became required');
      if (!req && bReq && hReq && bWO && !hWO) push('response-required-property-became-not-write-only', 'WARN', 'is no longer write-only, so it now appears in responses');
      if (bRO !== hRO) push(`${ctx.dir}-${bReq || hReq ? 'required' : 'optional'}-property-became-${hRO ? '' : 'not-'}read-only`, 'INFO', hRO ? 'became read-only' : 'is no longer read-only');
      if (bWO !== hWO && !(bReq && hReq && bWO && !hWO && !req)) push(`${ctx.dir}-${bReq || hReq ? 'required' : 'optional'}-property-became-${hWO ? '' : 'not-'}write-only`, 'INFO', hWO ? 'became write-only' : 'is no longer write-only');
      this.compareSchema({ ...bside, node: bp.node, doc: bp.doc, ptr: `${bside.ptr}/properties/${escapePointer(name)}` }, { ...hside, node: hp.node, doc: hp.doc, ptr: pw }, pc);
    }
    for (const [name, hp] of hprops) {
      if (bprops.has(name)) continue;
      const hSchema = isObj(hp.node) ? (hside.set.deref(hp.node, hp.doc).node as Obj) : undefined;
      const hReq = H.required.has(name);
      const label = this.what({ ...ctx, prop: child(name) });
      const hl = this.loc(hp.doc, hp.owner, name);
      const pw = `${hside.ptr}/properties/${escapePointer(name)}`;
      let id: string;
      let level: OasdiffLevel;
      let msg: string;
      if (req) {
        if (hReq && hSchema?.readOnly !== true) {
          id = hSchema?.default !== undefined ? 'new-required-request-property-with-default' : 'new-required-request-property';
          level = 'ERR';
          msg = 'is a new required property; existing clients do not send it';
        } else {
          id = 'new-optional-request-property';
          level = 'INFO';
          msg = 'is a new optional property';
        }
      } else {
        id = hSchema?.writeOnly === true ? 'response-optional-write-only-property-added' : hReq ? 'response-required-property-added' : 'response-optional-property-added';
        level = 'INFO';
        msg = 'was added';
      }
      if (ctx.scope === 'parameter' && req && level === 'ERR') id = 'new-required-request-header-property';
      const lvl = OASDIFF_LEVELS.get(id) ?? level;
      if (lvl === 'INFO' && !this.opts.includeInfo) continue;
      this.changes.push({ id, level: lvl, message: `${label}: ${msg}`, head: hl, base: this.loc(B.doc, B.propsOwner?.node ?? B.root, B.propsOwner ? 'properties' : undefined), where: `${pw}|${ctx.dir}|${id}`, operation: ctx.op });
    }
  }

  private compareUnion(B: Flat, H: Flat, bside: Side, hside: Side, ctx: SchemaCtx, emit: Emit, kw: 'oneOf' | 'anyOf'): void {
    const bl = B.branches(kw);
    const hl = H.branches(kw);
    const thing = kw === 'oneOf' ? 'one-of' : 'any-of';
    const req = ctx.dir === 'request';
    if (!bl.length && !hl.length) return;
    if (!bl.length && hl.length) {
      // Wrapping the old schema in a oneOf: one change, not a list of added branches.
      if (kw === 'oneOf' && hl.some((br) => br.sig === B.sig)) emit(this.idOf(ctx, 'wrapped-in-one-of'), 'ERR', `was wrapped in oneOf with ${hl.length - 1} other branch${hl.length === 2 ? '' : 'es'}`, kw);
      else emit(this.idOf(ctx, `${thing}-added`), req ? 'INFO' : kw === 'oneOf' ? 'ERR' : 'INFO', `${kw} with ${hl.length} branches was added`, kw);
      return;
    }
    if (bl.length && !hl.length) {
      // The union collapsed into one of its branches: a narrowing of what is sent or returned.
      emit(this.idOf(ctx, `${thing}-removed`), req ? 'ERR' : 'INFO', `${kw} was removed`, undefined, kw);
      return;
    }
    const used = new Set<number>();
    const pairs: [number, number][] = [];
    for (let i = 0; i < bl.length; i++) {
      let j = hl.findIndex((x, k) => !used.has(k) && x.name !== undefined && x.name === bl[i].name);
      if (j < 0) j = hl.findIndex((x, k) => !used.has(k) && x.sig === bl[i].sig);
      if (j >= 0) {
        used.add(j);
        pairs.push([i, j]);
      }
    }
    const matchedB = new Set(pairs.map((p) => p[0]));
    // Unmatched branches at the same index are one changed branch, compared inside.
    for (let i = 0; i < bl.length; i++) {
      if (matchedB.has(i)) continue;
      if (i < hl.length && !used.has(i) && bl.length === hl.length) {
        used.add(i);
        pairs.push([i, i]);
        matchedB.add(i);
      }
    }
    for (let i = 0; i < bl.length; i++) {
      if (matchedB.has(i)) continue;
      emit(this.idOf(ctx, `${thing}-removed`), req ? 'ERR' : 'INFO', `${kw} branch ${bl[i].name ?? `#${i + 1}`} was removed${req ? '; clients sending that shape are rejected' : ''}`, kw);
    }
    for (let j = 0; j < hl.length; j++) {
      if (used.has(j)) continue;
      emit(this.idOf(ctx, `${thing}-added`), req ? 'INFO' : kw === 'oneOf' ? 'ERR' : 'INFO', `${kw} branch ${hl[j].name ?? `#${j + 1}`} was added${!req && kw === 'oneOf' ? '; clients may receive a shape they do not handle' : ''}`, kw);
    }
    for (const [i, j] of pairs) {
      this.compareSchema({ ...bside, node: bl[i].node, doc: bl[i].doc, ptr: `${bside.ptr}/${kw}/${i}` }, { ...hside, node: hl[j].node, doc: hl[j].doc, ptr: `${hside.ptr}/${kw}/${j}` }, ctx);
    }
  }
}

/** Deep equality of two raw (un-dereferenced) values, collecting the `$ref` strings met; false past the budget. */
function rawSame(a: unknown, b: unknown, refs: Set<string>, budget: { n: number }): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (--budget.n < 0) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!rawSame(a[i], b[i], refs, budget)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Obj;
  const bo = b as Obj;
  let n = 0;
  for (const k in ao) {
    n++;
    if (!(k in bo) || !rawSame(ao[k], bo[k], refs, budget)) return false;
  }
  for (const _k in bo) n--;
  if (n !== 0) return false;
  if (typeof ao.$ref === 'string') refs.add(ao.$ref);
  return true;
}

function componentName(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const m = /#\/(?:components\/schemas|definitions)\/([^/]+)$/.exec(ref);
  if (!m) return ref.indexOf('#') > 0 ? ref : undefined;
  const name = decodeLenient(m[1].replace(/~1/g, '/').replace(/~0/g, '~'));
  const file = ref.slice(0, ref.indexOf('#'));
  return file ? `${file}#${name}` : name;
}

type Emit = (id: string, lvl: OasdiffLevel | undefined, msg: string, k?: string, baseKey?: string, force?: boolean) => void;

const BOUNDS: [string, string, boolean][] = [
  ['maximum', 'max', true],
  ['exclusiveMaximum', 'exclusive-max', true],
  ['maxLength', 'max-length', true],
  ['maxItems', 'max-items', true],
  ['maxContains', 'max-contains', true],
  ['maxProperties', 'max-properties', true],
  ['minimum', 'min', false],
  ['exclusiveMinimum', 'exclusive-min', false],
  ['minLength', 'min-length', false],
  ['minItems', 'min-items', false],
  ['minContains', 'min-contains', false],
  ['minProperties', 'min-properties', false],
];

const PRESENCE: [string, string][] = [
  ['if', 'if'],
  ['then', 'then'],
  ['else', 'else'],
  ['contains', 'contains'],
  ['propertyNames', 'property-names'],
  ['unevaluatedItems', 'unevaluated-items'],
  ['unevaluatedProperties', 'unevaluated-properties'],
  ['contentSchema', 'content-schema'],
  ['contentMediaType', 'content-media-type'],
  ['contentEncoding', 'content-encoding'],
];

function bound(F: Flat, kw: string): number | undefined {
  const v = F.get(kw);
  if (kw === 'exclusiveMaximum' || kw === 'exclusiveMinimum') {
    if (typeof v === 'number') return v;
    if (v === true) {
      const inc = F.get(kw === 'exclusiveMaximum' ? 'maximum' : 'minimum');
      return typeof inc === 'number' ? inc : undefined;
    }
    return undefined;
  }
  if (typeof v !== 'number') return undefined;
  // 3.0 boolean exclusive: the inclusive bound is reported as the exclusive one.
  if (kw === 'maximum' && F.get('exclusiveMaximum') === true) return undefined;
  if (kw === 'minimum' && F.get('exclusiveMinimum') === true) return undefined;
  return v;
}

function keyOf(F: Flat, kw: string): string {
  if (F.get(kw) === true && (kw === 'exclusiveMaximum' || kw === 'exclusiveMinimum')) return kw;
  return F.has(kw) ? kw : kw;
}

function typesOf(t: unknown): Set<string> {
  const out = new Set<string>();
  if (typeof t === 'string') {
    if (t !== 'null') out.add(t);
  } else if (Array.isArray(t)) for (const x of t) if (typeof x === 'string' && x !== 'null') out.add(x);
  return out;
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameLoose(B: Flat, H: Flat, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return signature(B.set, a, B.doc) === signature(H.set, b, H.doc);
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '…' : s;
}

function findKey(map: unknown, status: string): string {
  if (!isObj(map)) return status;
  for (const k of Object.keys(map)) if (k.toUpperCase() === status) return k;
  return status;
}

// ---------------------------------------------------------------------------------------------
// Flattened view of a schema: `$ref` followed, `allOf` merged, nullability normalised.

interface PropEntry {
  node: unknown;
  doc: SourceDoc;
  /** The `properties` mapping holding it (for its position). */
  owner: object;
}

interface Branch {
  node: unknown;
  doc: SourceDoc;
  /** Component name of a `$ref` branch, or its title. */
  name?: string;
  sig: string;
}

class Flat {
  readonly props = new Map<string, PropEntry>();
  readonly required = new Set<string>();
  nullable = false;
  nullKey?: string;
  propsOwner?: { node: object; doc: SourceDoc };
  private readonly parts: { node: Obj; doc: SourceDoc }[] = [];
  private _sig?: string;

  constructor(
    readonly set: ApiDocSet,
    readonly root: Obj,
    readonly doc: SourceDoc,
  ) {}

  add(node: Obj, doc: SourceDoc): void {
    this.parts.push({ node, doc });
  }

  get(kw: string): unknown {
    for (const p of this.parts) if (p.node[kw] !== undefined) return p.node[kw];
    return undefined;
  }

  has(kw: string): boolean {
    return this.parts.some((p) => p.node[kw] !== undefined);
  }

  /** The part (object) holding `kw`, for positions. */
  own(kw?: string): object | undefined {
    if (kw === undefined) return this.root;
    for (const p of this.parts) if (p.node[kw] !== undefined) return p.node;
    return undefined;
  }

  docOf(kw: string): SourceDoc {
    for (const p of this.parts) if (p.node[kw] !== undefined) return p.doc;
    return this.doc;
  }

  branches(kw: 'oneOf' | 'anyOf'): Branch[] {
    const out: Branch[] = [];
    for (const p of this.parts) {
      const list = p.node[kw];
      if (!Array.isArray(list)) continue;
      for (const raw of list) {
        const r = this.set.deref(raw, p.doc);
        if (isObj(r.node) && r.node.type === 'null' && Object.keys(r.node).length === 1) continue;
        const name = r.ref ? r.ref.slice(r.ref.lastIndexOf('/') + 1) : isObj(r.node) && typeof r.node.title === 'string' ? r.node.title : undefined;
        const set = this.set;
        const doc = p.doc;
        let sig: string | undefined;
        out.push({
          node: raw,
          doc,
          name,
          get sig() {
            return (sig ??= signature(set, raw, doc));
          },
        });
      }
      break;
    }
    return out;
  }

  get sig(): string {
    return (this._sig ??= signature(this.set, this.root, this.doc));
  }
}

const FLAT_LIMIT = 64;

function flatten(set: ApiDocSet, node: Obj, doc: SourceDoc): Flat {
  const f = new Flat(set, node, doc);
  const visit = (n: Obj, d: SourceDoc, depth: number, seen: Set<object>) => {
    if (depth > FLAT_LIMIT || seen.has(n)) return;
    seen.add(n);
    f.add(n, d);
    if (n.nullable === true) {
      f.nullable = true;
      f.nullKey ??= 'nullable';
    }
    if (Array.isArray(n.type) && n.type.includes('null')) {
      f.nullable = true;
      f.nullKey ??= 'type';
    }
    if (n.type === 'null') f.nullable = true;
    for (const kw of ['oneOf', 'anyOf'] as const) {
      const list = n[kw];
      if (Array.isArray(list) && list.some((x) => isObj(x) && x.type === 'null')) {
        f.nullable = true;
        f.nullKey ??= kw;
      }
    }
    if (isObj(n.properties)) {
      f.propsOwner ??= { node: n, doc: d };
      for (const [k, v] of Object.entries(n.properties)) if (!f.props.has(k)) f.props.set(k, { node: v, doc: d, owner: n.properties });
    }
    if (Array.isArray(n.required)) for (const r of n.required) if (typeof r === 'string') f.required.add(r);
    if (Array.isArray(n.allOf)) {
      for (const raw of n.allOf) {
        const r = set.deref(raw, d);
        if (isObj(r.node)) visit(r.node, r.doc, depth + 1, seen);
      }
    }
    // A oneOf/anyOf with one real branch beside {type: null} is that branch, nullable (3.1 idiom).
    for (const kw of ['oneOf', 'anyOf'] as const) {
      const list = n[kw];
      if (!Array.isArray(list)) continue;
      const real = list.filter((x) => !(isObj(x) && x.type === 'null'));
      if (real.length === 1 && real.length < list.length) {
        const r = set.deref(real[0], d);
        if (isObj(r.node)) visit(r.node, r.doc, depth + 1, seen);
      }
    }
  };
  visit(node, doc, 0, new Set());
  return f;
}

const ANNOTATIONS = new Set(['description', 'title', 'example', 'examples', 'externalDocs', 'deprecated', 'x-sunset', '$comment', 'xml']);

/** A structural signature of a schema by meaning (refs inlined once, annotations dropped), for matching union branches. */
const sigMemo = new WeakMap<object, string>();

export function signature(set: ApiDocSet, node: unknown, doc: SourceDoc, depth = 0, stack: object[] = []): string {
  const r = set.deref(node, doc);
  const n = r.node;
  if (n === null || typeof n !== 'object') return JSON.stringify(n) ?? 'undefined';
  if (depth === 0) {
    const hit = sigMemo.get(n);
    if (hit !== undefined) return hit;
    const s = signature(set, n, r.doc, 1, stack);
    sigMemo.set(n, s);
    return s;
  }
  if (stack.includes(n) || depth > 4) return `@${r.ref ?? 'deep'}`;
  stack.push(n);
  let out: string;
  if (Array.isArray(n)) out = `[${n.map((x) => signature(set, x, r.doc, depth + 1, stack)).join(',')}]`;
  else {
    const keys = Object.keys(n)
      .filter((k) => !ANNOTATIONS.has(k))
      .sort();
    out = `{${keys.map((k) => `${k}:${signature(set, (n as Obj)[k], r.doc, depth + 1, stack)}`).join(',')}}`;
  }
  stack.pop();
  return out;
}
