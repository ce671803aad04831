import * as protobuf from 'protobufjs';
import type { Finding, Range } from '../model';
import { zeroRange } from '../model';
import { defineRule, type Rule } from '../rule';
import { fingerprint } from './fingerprint';
import { invalidSchema } from './rules';
import { LineIndex } from '../text';

/**
 * Protobuf breaking changes, parsed with protobufjs (no `buf` binary needed, works in Restricted
 * Mode): the wire/JSON-relevant subset of `buf breaking` (WIRE_JSON category plus deletions),
 * with buf's rule names in each message. protobufjs keeps no source positions, so a second pass
 * over protobufjs's own tokenizer maps declarations (`Msg.field`, `Enum.VALUE`, `Svc.Rpc`) to lines.
 */

function buf(id: string, summary: string, ids: string[]): Rule {
  return defineRule({ id, defaultSeverity: 'error', summary, equivalents: { buf: ids }, comparesBase: true });
}

export const protoFieldRemoved = buf('api/proto-field-removed', 'A protobuf field was deleted without reserving its number and name, or a oneof was deleted', ['FIELD_NO_DELETE', 'FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED', 'FIELD_NO_DELETE_UNLESS_NAME_RESERVED', 'ONEOF_NO_DELETE']);
export const protoFieldChanged = buf('api/proto-field-changed', 'A protobuf field changed type, cardinality, name, JSON name or oneof for the same number', [
  'FIELD_SAME_TYPE',
  'FIELD_WIRE_JSON_COMPATIBLE_TYPE',
  'FIELD_SAME_CARDINALITY',
  'FIELD_SAME_NAME',
  'FIELD_SAME_JSON_NAME',
  'FIELD_SAME_ONEOF',
  'FIELD_SAME_DEFAULT',
]);
export const protoNumberReused = buf('api/proto-field-number-reused', 'A protobuf field or enum number that was reserved or used by a deleted field is used again, or a reserved range was removed', [
  'RESERVED_MESSAGE_NO_DELETE',
  'RESERVED_ENUM_NO_DELETE',
]);
export const protoEnumValueRemoved = buf('api/proto-enum-value-removed', 'A protobuf enum value was deleted or renamed', ['ENUM_VALUE_NO_DELETE', 'ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED', 'ENUM_VALUE_SAME_NAME']);
export const protoTypeRemoved = buf('api/proto-type-removed', 'A protobuf message or enum was deleted', ['MESSAGE_NO_DELETE', 'ENUM_NO_DELETE', 'PACKAGE_MESSAGE_NO_DELETE', 'PACKAGE_ENUM_NO_DELETE']);
export const protoServiceChanged = buf('api/proto-service-changed', 'A protobuf service or RPC was deleted, or an RPC changed its request/response type or streaming', [
  'SERVICE_NO_DELETE',
  'RPC_NO_DELETE',
  'RPC_SAME_REQUEST_TYPE',
  'RPC_SAME_RESPONSE_TYPE',
  'RPC_SAME_CLIENT_STREAMING',
  'RPC_SAME_SERVER_STREAMING',
]);
export const protoPackageChanged = buf('api/proto-package-changed', 'The protobuf package or syntax of a file changed: every fully-qualified name in it changes', ['FILE_SAME_PACKAGE', 'FILE_SAME_SYNTAX']);

export const protoRules: Rule[] = [protoFieldRemoved, protoFieldChanged, protoNumberReused, protoEnumValueRemoved, protoTypeRemoved, protoServiceChanged, protoPackageChanged];

interface Parsed {
  pkg: string;
  syntax: string;
  root?: protobuf.Root;
  error?: { message: string; range: Range };
  /** Declaration path (without package) -> range of its name. */
  index: Map<string, Range>;
  lines: LineIndex;
}

function lineRange(lines: LineIndex, line: number, word: string): Range {
  const text = line < lines.lineCount ? lines.lineText(line) : '';
  const re = new RegExp(`\\b${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
  const m = re.exec(text);
  const s = m ? m.index : text.length - text.trimStart().length;
  const e = m ? s + word.length : text.length;
  return { start: { line, character: s }, end: { line, character: e } };
}

function indexDeclarations(text: string, lines: LineIndex): Map<string, Range> {
  const index = new Map<string, Range>();
  const tn = protobuf.tokenize(text, false);
  const scope: string[] = [];
  let pending: string | undefined;
  let prev: { tok: string; line: number } | undefined;
  let tok: string | null;
  let guard = 0;
  while ((tok = tn.next()) !== null && guard++ < 2_000_000) {
    const line = tn.line - 1;
    if ((prev?.tok === 'message' || prev?.tok === 'enum' || prev?.tok === 'service' || prev?.tok === 'oneof' || prev?.tok === 'rpc') && /^[A-Za-z_]\w*$/.test(tok)) {
      const p = [...scope.filter(Boolean), tok].join('.');
      if (!index.has(p)) index.set(p, lineRange(lines, line, tok));
      if (prev.tok !== 'rpc') pending = prev.tok === 'oneof' ? '' : tok;
    } else if (tok === '=' && prev && /^[A-Za-z_]\w*$/.test(prev.tok)) {
      const p = [...scope.filter(Boolean), prev.tok].join('.');
      if (!index.has(p)) index.set(p, lineRange(lines, prev.line, prev.tok));
    } else if (tok === '{') {
      scope.push(pending ?? '');
      pending = undefined;
    } else if (tok === '}') scope.pop();
    else if (tok === ';') pending = undefined;
    prev = { tok, line };
  }
  return index;
}

function load(file: string, text: string): Parsed {
  const lines = new LineIndex(text); // the editor's lines: no trailing CR in a line
  const out: Parsed = { pkg: '', syntax: 'proto2', index: new Map(), lines };
  try {
    const r = protobuf.parse(text, { keepCase: true, alternateCommentMode: true });
    out.root = r.root;
    out.pkg = r.package ?? '';
    out.syntax = (r as { syntax?: string }).syntax ?? (/^\s*syntax\s*=\s*"proto3"/m.test(text) ? 'proto3' : /^\s*edition\s*=/m.test(text) ? 'editions' : 'proto2');
  } catch (e) {
    const msg = (e as Error).message;
    const m = /line (\d+)/.exec(msg);
    const line = m ? Math.max(0, Math.min(Number(m[1]) - 1, lines.lineCount - 1)) : 0;
    out.error = { message: `${file} does not parse: ${msg.replace(/^index\.proto: /, '')}`, range: { start: { line, character: 0 }, end: { line, character: lines.lineText(line).length } } };
    return out;
  }
  try {
    out.index = indexDeclarations(text, lines);
  } catch {
    /* positions are best effort; the diff still runs */
  }
  return out;
}

interface Decls {
  messages: Map<string, protobuf.Type>;
  enums: Map<string, protobuf.Enum>;
  services: Map<string, protobuf.Service>;
}

function collect(p: Parsed): Decls {
  const d: Decls = { messages: new Map(), enums: new Map(), services: new Map() };
  if (!p.root) return d;
  const prefix = p.pkg ? `.${p.pkg}.` : '.';
  const walk = (ns: protobuf.NamespaceBase) => {
    for (const o of ns.nestedArray) {
      const full = o.fullName.startsWith(prefix) ? o.fullName.slice(prefix.length) : o.fullName.replace(/^\./, '');
      if (o instanceof protobuf.Type) d.messages.set(full, o);
      else if (o instanceof protobuf.Enum) d.enums.set(full, o);
      else if (o instanceof protobuf.Service) d.services.set(full, o);
      if (o instanceof protobuf.Namespace || o instanceof protobuf.Type || o instanceof protobuf.Service) walk(o as protobuf.NamespaceBase);
    }
  };
  walk(p.root);
  return d;
}

const reservedNum = (r: (number[] | string)[] | undefined, n: number) => !!r?.some((x) => Array.isArray(x) && n >= x[0] && n <= x[1]);
const reservedName = (r: (number[] | string)[] | undefined, name: string) => !!r?.some((x) => x === name);
const cardinality = (f: protobuf.Field) => (f.map ? 'map' : f.repeated ? 'repeated' : f.required ? 'required' : f.options?.proto3_optional || f.optional ? 'optional' : 'singular');
const typeName = (f: protobuf.Field) => (f.map ? `map<${(f as unknown as protobuf.MapField).keyType}, ${f.type}>` : f.type);

/** Diffs two .proto texts. `base` undefined: a new file (only parse problems). */
export function diffProto(file: string, base: string | undefined, head: string, baseLabel?: string): Finding[] {
  const h = load(file, head);
  if (h.error) return [invalidSchema.finding({ message: h.error.message, file, range: h.error.range, data: { problem: 'parse' } })];
  if (base === undefined) return [];
  const b = load(file, base);
  if (b.error) return [];
  const out: Finding[] = [];
  const at = (p: Parsed, path: string): Range => {
    const parts = path.split('.');
    for (let n = parts.length; n > 0; n--) {
      const r = p.index.get(parts.slice(0, n).join('.'));
      if (r) return r;
    }
    return zeroRange;
  };
  const push = (rule: Rule, bufId: string, message: string, headPath: string, basePath?: string) => {
    out.push(
      rule.finding({
        message: `${message} (buf ${bufId})`,
        file,
        range: at(h, headPath),
        related: basePath !== undefined ? [{ file, range: at(b, basePath), message: `at ${baseLabel ?? 'the base'}`, revision: baseLabel }] : undefined,
        data: { fingerprint: fingerprint(bufId, `${basePath ?? headPath}`), change: bufId, buf: bufId },
      }),
    );
  };
  if (b.pkg !== h.pkg) push(protoPackageChanged, 'FILE_SAME_PACKAGE', `Package changed from "${b.pkg}" to "${h.pkg}": every message and service is renamed on the wire (type URLs, gRPC paths)`, '');
  if (b.syntax !== h.syntax) push(protoPackageChanged, 'FILE_SAME_SYNTAX', `Syntax changed from ${b.syntax} to ${h.syntax}: field presence and defaults change`, '');
  const B = collect(b);
  const H = collect(h);
  for (const [name, bm] of B.messages) {
    const hm = H.messages.get(name);
    if (!hm) {
      push(protoTypeRemoved, 'MESSAGE_NO_DELETE', `Message ${name} was deleted`, name.split('.').slice(0, -1).join('.'), name);
      continue;
    }
    const hByNum = new Map(hm.fieldsArray.map((f) => [f.id, f]));
    const hByName = new Map(hm.fieldsArray.map((f) => [f.name, f]));
    for (const bf of bm.fieldsArray) {
      const hf = hByNum.get(bf.id);
      const fpath = `${name}.${bf.name}`;
      if (!hf) {
        if (reservedNum(hm.reserved, bf.id) && reservedName(hm.reserved, bf.name)) continue;
        const moved = hByName.get(bf.name);
        const why = moved ? `; its name now has number ${moved.id}, which old clients decode as a different field` : reservedNum(hm.reserved, bf.id) ? '; reserve its name too' : '; reserve its number and name';
        push(protoFieldRemoved, reservedNum(hm.reserved, bf.id) ? 'FIELD_NO_DELETE_UNLESS_NAME_RESERVED' : 'FIELD_NO_DELETE', `Field ${bf.id} "${bf.name}" of message ${name} was deleted${why}`, moved ? `${name}.${moved.name}` : name, fpath);
        continue;
      }
      const hpath = `${name}.${hf.name}`;
      if (typeName(bf) !== typeName(hf)) push(protoFieldChanged, 'FIELD_SAME_TYPE', `Field ${bf.id} of message ${name} changed type from ${typeName(bf)} to ${typeName(hf)}`, hpath, fpath);
      else if (cardinality(bf) !== cardinality(hf)) push(protoFieldChanged, 'FIELD_SAME_CARDINALITY', `Field ${bf.id} "${hf.name}" of message ${name} changed from ${cardinality(bf)} to ${cardinality(hf)}`, hpath, fpath);
      if (bf.name !== hf.name) push(protoFieldChanged, 'FIELD_SAME_NAME', `Field ${bf.id} of message ${name} was renamed from "${bf.name}" to "${hf.name}": the JSON encoding and generated code change`, hpath, fpath);
      else if ((bf.options?.json_name ?? '') !== (hf.options?.json_name ?? '')) push(protoFieldChanged, 'FIELD_SAME_JSON_NAME', `Field ${bf.id} "${hf.name}" of message ${name} changed its json_name`, hpath, fpath);
      if ((bf.partOf?.name ?? '') !== (hf.partOf?.name ?? '')) push(protoFieldChanged, 'FIELD_SAME_ONEOF', `Field ${bf.id} "${hf.name}" of message ${name} moved ${hf.partOf ? `into oneof ${hf.partOf.name}` : 'out of its oneof'}`, hpath, fpath);
    }
    const bNums = new Map(bm.fieldsArray.map((f) => [f.id, f]));
    for (const hf of hm.fieldsArray) {
      if (bNums.has(hf.id)) continue;
      if (reservedNum(bm.reserved, hf.id)) push(protoNumberReused, 'RESERVED_MESSAGE_NO_DELETE', `Field "${hf.name}" of message ${name} uses number ${hf.id}, which was reserved: data written under the old field is misread`, `${name}.${hf.name}`);
    }
    for (const r of bm.reserved ?? []) {
      if (!(hm.reserved ?? []).some((x) => JSON.stringify(x) === JSON.stringify(r))) push(protoNumberReused, 'RESERVED_MESSAGE_NO_DELETE', `Reserved ${Array.isArray(r) ? (r[0] === r[1] ? `number ${r[0]}` : `range ${r[0]} to ${r[1]}`) : `name "${r}"`} was removed from message ${name}`, name, name);
    }
    for (const bo of bm.oneofsArray) if (!hm.oneofs?.[bo.name]) push(protoFieldRemoved, 'ONEOF_NO_DELETE', `Oneof ${bo.name} of message ${name} was deleted`, name, `${name}.${bo.name}`);
  }
  for (const [name, be] of B.enums) {
    const he = H.enums.get(name);
    if (!he) {
      push(protoTypeRemoved, 'ENUM_NO_DELETE', `Enum ${name} was deleted`, name.split('.').slice(0, -1).join('.'), name);
      continue;
    }
    const hByNum = new Map<number, string>();
    for (const [k, v] of Object.entries(he.values)) if (!hByNum.has(v)) hByNum.set(v, k);
    for (const [k, v] of Object.entries(be.values)) {
      const hk = hByNum.get(v);
      if (hk === undefined) {
        if (reservedNum(he.reserved, v)) continue;
        push(protoEnumValueRemoved, 'ENUM_VALUE_NO_DELETE', `Enum value ${k} = ${v} of ${name} was deleted; reserve the number`, name, `${name}.${k}`);
      } else if (hk !== k && !(k in he.values)) push(protoEnumValueRemoved, 'ENUM_VALUE_SAME_NAME', `Enum value ${v} of ${name} was renamed from ${k} to ${hk}: the JSON encoding changes`, `${name}.${hk}`, `${name}.${k}`);
    }
  }
  for (const [name, bs] of B.services) {
    const hs = H.services.get(name);
    if (!hs) {
      push(protoServiceChanged, 'SERVICE_NO_DELETE', `Service ${name} was deleted`, '', name);
      continue;
    }
    for (const bmth of bs.methodsArray) {
      const hm = hs.methods[bmth.name];
      const mpath = `${name}.${bmth.name}`;
      if (!hm) {
        push(protoServiceChanged, 'RPC_NO_DELETE', `RPC ${name}.${bmth.name} was deleted: clients calling it get UNIMPLEMENTED`, name, mpath);
        continue;
      }
      if (bmth.requestType !== hm.requestType) push(protoServiceChanged, 'RPC_SAME_REQUEST_TYPE', `RPC ${mpath} request type changed from ${bmth.requestType} to ${hm.requestType}`, mpath, mpath);
      if (bmth.responseType !== hm.responseType) push(protoServiceChanged, 'RPC_SAME_RESPONSE_TYPE', `RPC ${mpath} response type changed from ${bmth.responseType} to ${hm.responseType}`, mpath, mpath);
      if (!!bmth.requestStream !== !!hm.requestStream) push(protoServiceChanged, 'RPC_SAME_CLIENT_STREAMING', `RPC ${mpath} ${hm.requestStream ? 'became' : 'is no longer'} client-streaming`, mpath, mpath);
      if (!!bmth.responseStream !== !!hm.responseStream) push(protoServiceChanged, 'RPC_SAME_SERVER_STREAMING', `RPC ${mpath} ${hm.responseStream ? 'became' : 'is no longer'} server-streaming`, mpath, mpath);
    }
  }
  return out;
}
