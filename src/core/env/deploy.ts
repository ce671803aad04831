import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node as YamlNode, type Pair } from 'yaml';
import type { Range } from '../model';
import { LineIndex } from '../text';
import { scanShellSnippet, type DynamicRead, type EnvRead, type ReadKind } from './scanner';

/**
 * Deployment and CI configuration both read variables (compose interpolation, Dockerfile `$X`,
 * pass-through entries) and provide them (Dockerfile ENV, compose/Kubernetes `env`, Actions `env:`).
 * Values are never kept: a provided variable records only whether a literal value is given.
 */
export interface ProvidedVar {
  name: string;
  range: Range;
  /** Human-readable source, e.g. "Dockerfile ENV", "Kubernetes secret app-secrets". */
  source: string;
  /** True when the file gives it a literal value (so it is set wherever this file deploys). */
  literal: boolean;
}

export interface CiVar {
  name: string;
  range: Range;
  store: 'secrets' | 'vars';
}

export interface ConfigFacts {
  reads: EnvRead[];
  dynamic: DynamicRead[];
  provides: ProvidedVar[];
  ci: CiVar[];
  /** Things said about the file (envFrom with unknown keys, parse errors). */
  notes: { message: string; range: Range; level: 'info' | 'warning' }[];
}

export type DeployKind = 'dockerfile' | 'compose' | 'kubernetes' | 'helm-values' | 'github-actions' | 'procfile' | 'render' | 'fly';

const empty = (): ConfigFacts => ({ reads: [], dynamic: [], provides: [], ci: [], notes: [] });

/** A file under a chart's `templates/` folder that holds template actions. */
export function isChartTemplate(path: string, text: string): boolean {
  return /(^|\/)templates\//.test(path) && text.includes('{{');
}

/** Which reader applies to a file, from its path (and, for plain YAML, its content). */
export function deployKind(path: string, text?: string): DeployKind | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const lower = path.toLowerCase();
  if (base === 'Dockerfile' || base.endsWith('.Dockerfile') || base.startsWith('Dockerfile.') || base === 'Containerfile') return 'dockerfile';
  if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(base)) return 'compose';
  if (/(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(lower)) return 'github-actions';
  if (base === 'Procfile' || base.startsWith('Procfile.')) return 'procfile';
  if (base === 'render.yaml' || base === 'render.yml') return 'render';
  if (base === 'fly.toml') return 'fly';
  if (!/\.ya?ml$/.test(base) || text === undefined) return undefined;
  // A Helm chart template (templates/ of a chart) is a Go template, not YAML: its values files are read instead.
  if (isChartTemplate(path, text)) return undefined;
  if (/^values([.-][\w-]+)?\.ya?ml$/.test(base) && /(^|\n)\s*(env|extraEnv)\s*:/.test(text)) return 'helm-values';
  if (/(^|\n)apiVersion:\s*\S+/.test(text) && /(^|\n)kind:\s*(Deployment|StatefulSet|DaemonSet|CronJob|Job|Pod|ReplicaSet)\b/.test(text)) return 'kubernetes';
  return undefined;
}

export async function readDeployConfig(kind: DeployKind, text: string): Promise<ConfigFacts> {
  switch (kind) {
    case 'dockerfile':
      return dockerfile(text);
    case 'procfile':
      return procfile(text);
    case 'fly':
      return fly(text);
    default:
      return yamlConfig(kind, text);
  }
}

// ───────────────────────────── interpolation: ${X}, ${X:-d}, ${X:?e}, $X, $$ ─────────────────────────────

/**
 * Compose/Dockerfile-style variable references in `raw` (source text), with their offsets.
 * `$$` is a literal dollar; nested defaults (`${A:-${B}}`) yield both names.
 */
export function interpolations(raw: string): { name: string; offset: number; kind: ReadKind }[] {
  const out: { name: string; offset: number; kind: ReadKind }[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== '$') continue;
    const next = raw[i + 1];
    if (next === '$') {
      i++;
      continue;
    }
    if (next === '{') {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(:?[-?+=])?/.exec(raw.slice(i + 2));
      if (!m) continue;
      const op = m[2];
      // Unset `${X}` is substituted as an empty string (compose warns, Docker leaves it blank): only
      // `${X:?e}` stops the run, so only that is required, as `$X` is in a shell script.
      const kind: ReadKind = op === ':?' || op === '?' ? 'required' : op === ':-' || op === '-' || op === ':=' || op === '=' ? 'default' : 'optional';
      out.push({ name: m[1], offset: i + 2, kind });
      i += 1 + m[1].length;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(raw.slice(i + 1));
      if (m) {
        out.push({ name: m[0], offset: i + 1, kind: 'optional' });
        i += m[0].length;
      }
    }
  }
  return out;
}

// ───────────────────────────── Dockerfile ─────────────────────────────

/** Build arguments Docker predefines. */
const DOCKER_PREDEFINED_ARGS = new Set([
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT', 'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
  'HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'ftp_proxy', 'no_proxy', 'all_proxy',
]);

interface Instruction {
  keyword: string;
  /** Offset of the arguments in the file, and their raw text (continuations kept). */
  argsOffset: number;
  args: string;
  /** BuildKit heredocs (`RUN <<EOF` … `EOF`): each body, from the line after the instruction to its terminator line. */
  heredocs?: { word: string; body: string; bodyOffset: number }[];
}

/** `<<EOF`, `<<-EOF`, `<<'EOF'`, `<<"EOF"` (not `<<<`), in the instructions that take heredocs. */
const HEREDOC = /(?<!<)<<(?!<)(-?)\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

/** Splits a Dockerfile into instructions: comments, blank lines and `\` (or the `escape` directive) continuations handled. */
export function dockerInstructions(text: string): Instruction[] {
  const escapeChar = /^#\s*escape\s*=\s*`/im.test(text.slice(0, 200)) ? '`' : '\\';
  const out: Instruction[] = [];
  const lineRe = /[^\r\n]*(\r\n|\n|\r|$)/g;
  let cur: Instruction | undefined;
  let m: RegExpExecArray | null;
  // the heredocs an instruction opened, still to be read (their bodies are not instructions)
  let pending: { inst: Instruction; words: { word: string; dash: boolean }[]; bodyOffset: number } | undefined;
  const finish = (inst: Instruction, next: number) => {
    out.push(inst);
    if (!HEREDOC_KEYWORDS.has(inst.keyword) || !inst.args.includes('<<')) return;
    const words = [...inst.args.matchAll(HEREDOC)].map((h) => ({ word: h[3], dash: h[1] === '-' }));
    if (words.length) pending = { inst, words, bodyOffset: next };
  };
  while ((m = lineRe.exec(text)) && m[0].length > 0) {
    const line = m[0].replace(/[\r\n]+$/, '');
    const start = m.index;
    const trimmed = line.trim();
    const next = start + m[0].length;
    if (pending) {
      const w = pending.words[0];
      if ((w.dash ? line.replace(/^\t+/, '') : line) === w.word) {
        (pending.inst.heredocs ??= []).push({ word: w.word, body: text.slice(pending.bodyOffset, start), bodyOffset: pending.bodyOffset });
        pending.words.shift();
        pending.bodyOffset = next;
        if (!pending.words.length) pending = undefined;
      }
      continue;
    }
    if (cur) {
      if (trimmed.startsWith('#') || trimmed === '') {
        // comments and empty lines inside a continuation are skipped by Docker
      } else {
        cur.args = text.slice(cur.argsOffset, start + line.length);
      }
      if (!trimmed.endsWith(escapeChar) && trimmed !== '' && !trimmed.startsWith('#')) {
        const done = cur;
        cur = undefined;
        finish(done, next);
      }
      continue;
    }
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const im = /^(\s*)([A-Za-z]+)(\s+|$)/.exec(line);
    if (!im) continue;
    const argsOffset = start + im[0].length;
    const inst: Instruction = { keyword: im[2].toUpperCase(), argsOffset, args: text.slice(argsOffset, start + line.length) };
    if (trimmed.endsWith(escapeChar)) cur = inst;
    else finish(inst, next);
  }
  if (cur) out.push(cur);
  // an unterminated heredoc runs to the end of the file
  if (pending) (pending.inst.heredocs ??= []).push({ word: pending.words[0].word, body: text.slice(pending.bodyOffset), bodyOffset: pending.bodyOffset });
  return out;
}

async function dockerfile(text: string): Promise<ConfigFacts> {
  const facts = empty();
  const idx = new LineIndex(text);
  const defined = new Set<string>();
  const at = (offset: number, len: number) => idx.rangeOf(offset, offset + len);
  for (const inst of dockerInstructions(text)) {
    if (inst.keyword === 'FROM') {
      // a new stage: ENV of the previous stage does not carry over (ARG before FROM is global)
      continue;
    }
    if (inst.keyword === 'ENV' || inst.keyword === 'ARG' || inst.keyword === 'LABEL') {
      const pairs = keyValues(inst.args, inst.keyword === 'ENV');
      for (const p of pairs) {
        if (inst.keyword !== 'LABEL') {
          // references inside the value are reads
          for (const r of interpolations(p.value)) {
            if (!defined.has(r.name)) facts.reads.push({ name: r.name, kind: r.kind, range: at(inst.argsOffset + p.valueOffset + r.offset, r.name.length), via: `Dockerfile ${inst.keyword}` });
          }
        }
        if (inst.keyword === 'ENV') {
          facts.provides.push({ name: p.key, range: at(inst.argsOffset + p.keyOffset, p.key.length), source: 'Dockerfile ENV', literal: true });
          defined.add(p.key);
        } else if (inst.keyword === 'ARG') {
          if (!DOCKER_PREDEFINED_ARGS.has(p.key) && !defined.has(p.key)) {
            facts.reads.push({ name: p.key, kind: p.hasValue ? 'default' : 'optional', range: at(inst.argsOffset + p.keyOffset, p.key.length), via: 'Dockerfile ARG (build argument)' });
          }
          defined.add(p.key);
        }
      }
      continue;
    }
    if (inst.keyword === 'RUN' && inst.heredocs?.length) {
      // `RUN <<EOF` alone: the body is the script the shell runs. `RUN python3 <<EOF`, `cat > f <<'EOF'`:
      // the heredoc is a command's input, which the shell expands only when its word is unquoted.
      const own = /^\s*(?:--\S+\s+(?:\\\s+)?)*<<-?\s*(["']?)[A-Za-z_][A-Za-z0-9_]*\1\s*$/.test(inst.args);
      const last = inst.heredocs[inst.heredocs.length - 1];
      const offset = own ? inst.heredocs[0].bodyOffset : inst.argsOffset;
      const script = own ? inst.heredocs[0].body : text.slice(inst.argsOffset, last.bodyOffset + last.body.length) + last.word + '\n';
      await shellReads(script, offset, 'Dockerfile RUN (heredoc)');
      continue;
    }
    if (!inst.args.includes('$')) continue;
    if (inst.keyword === 'RUN' || inst.keyword === 'CMD' || inst.keyword === 'ENTRYPOINT') {
      // shell form: a shell expands at run time; exec form (JSON) is not expanded by Docker
      if (inst.args.trimStart().startsWith('[')) continue;
      await shellReads(inst.args, inst.argsOffset, `Dockerfile ${inst.keyword}`);
      continue;
    }
    // WORKDIR, COPY, EXPOSE, USER...: Docker itself substitutes ${X}
    for (const r of interpolations(inst.args)) {
      if (!defined.has(r.name)) facts.reads.push({ name: r.name, kind: r.kind, range: at(inst.argsOffset + r.offset, r.name.length), via: `Dockerfile ${inst.keyword}` });
    }
  }
  return facts;

  async function shellReads(script: string, offset: number, via: string): Promise<void> {
    const scan = await scanShellSnippet(script, defined);
    const base = idx.positionAt(offset);
    for (const r of scan.reads) {
      const shift = (p: { line: number; character: number }) => ({ line: p.line + base.line, character: p.line === 0 ? p.character + base.character : p.character });
      facts.reads.push({ ...r, kind: r.kind === 'optional' ? 'optional' : r.kind, range: { start: shift(r.range.start), end: shift(r.range.end) }, via });
    }
  }
}

/** `K=V K2="v 2"` (or the legacy `K V` form when `legacy`), with offsets of keys and values. */
function keyValues(args: string, legacy: boolean): { key: string; keyOffset: number; value: string; valueOffset: number; hasValue: boolean }[] {
  const out: { key: string; keyOffset: number; value: string; valueOffset: number; hasValue: boolean }[] = [];
  const first = /^\s*([A-Za-z_][A-Za-z0-9_.-]*)/.exec(args);
  if (!first) return out;
  const afterKey = args.slice(first[0].length);
  if (legacy && afterKey.length && !afterKey.startsWith('=')) {
    const keyOffset = first[0].length - first[1].length;
    const vm = /^\s+/.exec(afterKey);
    const valueOffset = first[0].length + (vm ? vm[0].length : 0);
    return [{ key: first[1], keyOffset, value: args.slice(valueOffset), valueOffset, hasValue: true }];
  }
  let i = 0;
  while (i < args.length) {
    while (i < args.length && /[\s\\]/.test(args[i])) i++;
    const km = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(args.slice(i));
    if (!km) break;
    const key = km[0];
    const keyOffset = i;
    i += key.length;
    if (args[i] !== '=') {
      out.push({ key, keyOffset, value: '', valueOffset: i, hasValue: false });
      continue;
    }
    i++;
    const valueOffset = i;
    let quote: string | undefined;
    while (i < args.length) {
      const c = args[i];
      if (quote) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '\\' && args[i + 1] !== '\n' && args[i + 1] !== '\r') i++;
      else if (/\s/.test(c)) break;
      i++;
    }
    out.push({ key, keyOffset, value: args.slice(valueOffset, i), valueOffset, hasValue: true });
  }
  return out;
}

// ───────────────────────────── Procfile, fly.toml ─────────────────────────────

async function procfile(text: string): Promise<ConfigFacts> {
  const facts = empty();
  const idx = new LineIndex(text);
  for (let line = 0; line < idx.lineCount; line++) {
    const lt = idx.lineText(line);
    const m = /^([A-Za-z0-9_-]+):\s*/.exec(lt);
    if (!m || lt.trimStart().startsWith('#')) continue;
    const scan = await scanShellSnippet(lt.slice(m[0].length));
    for (const r of scan.reads) {
      const c = m[0].length;
      facts.reads.push({ ...r, range: { start: { line, character: r.range.start.character + c }, end: { line, character: r.range.end.character + c } }, via: `Procfile ${m[1]}` });
    }
  }
  return facts;
}

/** fly.toml: keys of the `[env]` table are provided with literal values. TOML tables are line-structured. */
function fly(text: string): ConfigFacts {
  const facts = empty();
  const idx = new LineIndex(text);
  let inEnv = false;
  for (let line = 0; line < idx.lineCount; line++) {
    const lt = idx.lineText(line);
    // A table header `[name]` (or `[[name]]`), parsed by hand: a regular expression with overlapping
    // `\s*` around the name backtracks cubically on `[` followed by thousands of tabs.
    const t = lt.trim();
    const close = t.startsWith('[') ? t.indexOf(']') : -1;
    if (close > 0) {
      const rest = t.slice(close + 1).trimStart();
      if (rest === '' || rest.startsWith('#') || rest.startsWith(']')) {
        inEnv = t.slice(1, close).trim() === 'env';
        continue;
      }
    }
    if (!inEnv) continue;
    const m = /^(\s*)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2\s*=/.exec(lt);
    if (m) {
      const c = m[1].length + m[2].length;
      facts.provides.push({ name: m[3], range: { start: { line, character: c }, end: { line, character: c + m[3].length } }, source: 'fly.toml [env]', literal: true });
    }
  }
  return facts;
}

// ───────────────────────────── YAML: compose, Kubernetes, Helm values, Actions, render ─────────────────────────────

function yamlConfig(kind: DeployKind, text: string): ConfigFacts {
  const facts = empty();
  const idx = new LineIndex(text);
  const r = (a: number, b: number) => idx.rangeOf(a, b);
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { prettyErrors: false, logLevel: 'error' }) as Document.Parsed[];
    if (!Array.isArray(docs)) docs = [docs];
  } catch (e) {
    facts.notes.push({ level: 'warning', message: `not valid YAML (${(e as Error).message.split('\n')[0]})`, range: r(0, 0) });
    return facts;
  }
  for (const doc of docs) {
    for (const err of doc.errors) facts.notes.push({ level: 'warning', message: `YAML error: ${err.message.split('\n')[0]}`, range: r(err.pos[0], err.pos[1]) });
    const root = doc.contents as YamlNode | null;
    if (!root) continue;
    if (kind === 'compose') compose(root, text, facts, r, doc);
    else if (kind === 'kubernetes' || kind === 'helm-values') kubernetes(root, facts, r, kind === 'helm-values' ? 'Helm values' : 'Kubernetes');
    else if (kind === 'github-actions') actions(root, text, facts, r);
    else if (kind === 'render') render(root, facts, r);
  }
  return facts;
}

type R = (a: number, b: number) => Range;

function get(node: unknown, key: string): YamlNode | undefined {
  if (!isMap(node)) return undefined;
  const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
  return (pair?.value as YamlNode | undefined) ?? undefined;
}

function pairOf(node: unknown, key: string): Pair | undefined {
  if (!isMap(node)) return undefined;
  return node.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined;
}

function nodeRange(n: unknown, r: R): Range | undefined {
  const range = (n as { range?: [number, number, number] } | null)?.range;
  return range ? r(range[0], range[1]) : undefined;
}

/** Interpolations in every scalar under `node` (compose substitutes in all values). */
function scalarInterpolations(node: unknown, text: string, facts: ConfigFacts, r: R, via: string): void {
  const visit = (n: unknown) => {
    if (isScalar(n) && typeof n.value === 'string' && n.range) {
      const raw = text.slice(n.range[0], n.range[1]);
      if (!raw.includes('$')) return;
      for (const i of interpolations(raw)) facts.reads.push({ name: i.name, kind: i.kind, range: r(n.range[0] + i.offset, n.range[0] + i.offset + i.name.length), via });
    } else if (isMap(n)) {
      for (const p of n.items) {
        visit(p.key);
        visit(p.value);
      }
    } else if (isSeq(n)) n.items.forEach(visit);
  };
  visit(node);
}

/**
 * The pairs of a compose `environment` map, with YAML merge keys resolved:
 * `<<: *common-env` (or `<<: [*a, *b]`) brings the anchored map's pairs, as compose does.
 */
function envPairs(env: unknown, doc: Document.Parsed): Pair[] {
  const out: Pair[] = [];
  const seen = new Set<unknown>();
  const add = (node: unknown, depth: number) => {
    const m = isAlias(node) ? node.resolve(doc) : node;
    if (!isMap(m) || seen.has(m) || depth > 8) return;
    seen.add(m);
    for (const p of m.items) {
      if (isScalar(p.key) && p.key.value === '<<') {
        if (isSeq(p.value)) for (const x of p.value.items) add(x, depth + 1);
        else add(p.value, depth + 1);
      } else out.push(p as Pair);
    }
  };
  add(env, 0);
  return out;
}

function compose(root: YamlNode, text: string, facts: ConfigFacts, r: R, doc: Document.Parsed): void {
  scalarInterpolations(root, text, facts, r, 'compose interpolation');
  const services = get(root, 'services');
  if (!isMap(services)) return;
  for (const svc of services.items) {
    const env = get(svc.value, 'environment');
    const name = isScalar(svc.key) ? String(svc.key.value) : 'service';
    if (isMap(env) || isAlias(env)) {
      for (const p of envPairs(env, doc)) {
        if (!isScalar(p.key) || !p.key.range) continue;
        const key = String(p.key.value);
        const kr = r(p.key.range[0], p.key.range[0] + key.length);
        const v = p.value;
        if (v === null || (isScalar(v) && (v.value === null || v.value === undefined))) {
          facts.reads.push({ name: key, kind: 'required', range: kr, via: `compose service ${name} (passed through from the host)` });
        } else facts.provides.push({ name: key, range: kr, source: `compose service ${name}`, literal: !(isScalar(v) && typeof v.value === 'string' && v.value.includes('$')) });
      }
    } else if (isSeq(env)) {
      for (const item of env.items) {
        if (!isScalar(item) || typeof item.value !== 'string' || !item.range) continue;
        const raw = text.slice(item.range[0], item.range[1]);
        const m = /^(["']?)([A-Za-z_][A-Za-z0-9_.-]*)(=?)/.exec(raw);
        if (!m) continue;
        const start = item.range[0] + m[1].length;
        const kr = r(start, start + m[2].length);
        if (!m[3]) facts.reads.push({ name: m[2], kind: 'required', range: kr, via: `compose service ${name} (passed through from the host)` });
        else facts.provides.push({ name: m[2], range: kr, source: `compose service ${name}`, literal: !raw.includes('$', m[0].length) });
      }
    }
    const envFile = pairOf(svc.value, 'env_file');
    if (envFile?.value) {
      const range = nodeRange(envFile.value, r) ?? r(0, 0);
      facts.notes.push({ level: 'info', message: `service ${name} loads variables from an env_file; its keys are not read (values stay private)`, range });
    }
  }
}

function kubernetes(root: YamlNode, facts: ConfigFacts, r: R, label: string): void {
  const visit = (n: unknown) => {
    if (isMap(n)) {
      for (const p of n.items) {
        const key = isScalar(p.key) ? p.key.value : undefined;
        if ((key === 'env' || key === 'extraEnv') && isSeq(p.value)) envList(p.value.items, facts, r, label);
        else if (key === 'envFrom' && isSeq(p.value)) {
          for (const item of p.value.items) {
            const ref = get(item, 'secretRef') ?? get(item, 'configMapRef');
            const refName = get(ref, 'name');
            const what = get(item, 'secretRef') ? 'Secret' : 'ConfigMap';
            const nm = isScalar(refName) ? String(refName.value) : '?';
            facts.notes.push({
              level: 'info',
              message: `envFrom ${what} ${nm}: its keys are not known from the repository, so variables it provides cannot be checked statically`,
              range: nodeRange(item, r) ?? r(0, 0),
            });
          }
        } else visit(p.value);
      }
    } else if (isSeq(n)) n.items.forEach(visit);
  };
  visit(root);
}

function envList(items: unknown[], facts: ConfigFacts, r: R, label: string): void {
  for (const item of items) {
    const nameNode = get(item, 'name');
    if (!isScalar(nameNode) || typeof nameNode.value !== 'string' || !nameNode.range) continue;
    const name = nameNode.value;
    const range = r(nameNode.range[0], nameNode.range[0] + (nameNode.range[1] - nameNode.range[0]));
    const valueFrom = get(item, 'valueFrom');
    if (valueFrom) {
      const secret = get(valueFrom, 'secretKeyRef');
      const cm = get(valueFrom, 'configMapKeyRef');
      const ref = secret ?? cm;
      const refName = get(ref, 'name');
      const source = ref ? `${label} ${secret ? 'Secret' : 'ConfigMap'} ${isScalar(refName) ? String(refName.value) : '?'}` : `${label} valueFrom`;
      facts.provides.push({ name, range, source, literal: false });
    } else {
      const v = get(item, 'value');
      facts.provides.push({ name, range, source: `${label} env`, literal: !!v && !(isScalar(v) && typeof v.value === 'string' && /\{\{/.test(v.value)) });
    }
  }
}

/**
 * `${{ … }}` expressions of a string: [offset of `${{`, the text inside]. As `/\$\{\{([^}]*)\}\}/g`
 * would find them, in linear time (that expression rescans to the end from every `${{` when none closes).
 */
export function actionsExpressions(raw: string): [number, string][] {
  const out: [number, string][] = [];
  let brace = -1;
  for (let i = raw.indexOf('${{'); i >= 0; i = raw.indexOf('${{', i + 1)) {
    if (brace < i + 3) brace = raw.indexOf('}', i + 3);
    if (brace < 0) break;
    if (raw[brace + 1] !== '}') continue;
    out.push([i, raw.slice(i + 3, brace)]);
    i = brace + 1;
  }
  return out;
}

function actions(root: YamlNode, text: string, facts: ConfigFacts, r: R): void {
  // CI-provided: every secrets.X / vars.X anywhere in the workflow
  const visit = (n: unknown) => {
    if (isScalar(n) && typeof n.value === 'string' && n.range) {
      const raw = text.slice(n.range[0], n.range[1]);
      for (const [at, inner] of actionsExpressions(raw)) {
        for (const ref of inner.matchAll(/\b(secrets|vars)\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
          if (ref[2] === 'GITHUB_TOKEN') continue;
          const off = n.range[0] + at + 3 + ref.index! + ref[1].length + 1;
          facts.ci.push({ name: ref[2], store: ref[1] as 'secrets' | 'vars', range: r(off, off + ref[2].length) });
        }
      }
    } else if (isMap(n)) {
      for (const p of n.items) {
        if (isScalar(p.key) && p.key.value === 'env' && isMap(p.value)) {
          for (const e of p.value.items) {
            if (!isScalar(e.key) || !e.key.range) continue;
            const k = String(e.key.value);
            facts.provides.push({ name: k, range: r(e.key.range[0], e.key.range[0] + k.length), source: 'GitHub Actions env', literal: !(isScalar(e.value) && typeof e.value.value === 'string' && e.value.value.includes('${{')) });
          }
        }
        visit(p.value);
      }
    } else if (isSeq(n)) n.items.forEach(visit);
    else if (isPair(n)) visit(n.value);
  };
  visit(root);
}

function render(root: YamlNode, facts: ConfigFacts, r: R): void {
  const services = get(root, 'services');
  if (!isSeq(services)) return;
  for (const svc of services.items) {
    const vars = get(svc, 'envVars');
    if (!isSeq(vars)) continue;
    for (const v of vars.items) {
      const key = get(v, 'key');
      if (!isScalar(key) || typeof key.value !== 'string' || !key.range) continue;
      const sync = get(v, 'sync');
      const dashboard = isScalar(sync) && sync.value === false;
      const literal = !!get(v, 'value') || !!get(v, 'generateValue');
      facts.provides.push({
        name: key.value,
        range: r(key.range[0], key.range[1]),
        source: dashboard ? 'render.yaml (set in the Render dashboard: sync: false)' : get(v, 'fromDatabase') || get(v, 'fromService') ? 'render.yaml (from another Render resource)' : 'render.yaml',
        literal: literal && !dashboard,
      });
    }
  }
}
