import { parse as parseToml } from 'smol-toml';
import { parseAllDocuments } from 'yaml';
import type { AnalysisContext } from '../analyzer';
import type { DeployFacts, DeployTargetFact } from '../model';
import { loadPipelines } from '../pipeline/analyzer';
import { deployTarget, isDeployJob, stripComments } from '../pipeline/detect';
import type { Job, Step } from '../pipeline/model';
import { readText } from '../reader';

/**
 * Where production runs, for the rollback plan: the CI pipeline's production deploy job (what it
 * applies, with which namespace and context), else manifests under a production overlay, else a
 * platform file that only exists for a deploy (fly.toml). Development, example and test files are
 * never taken for production; a namespace is recorded only where the repository states it; one
 * entry per workload; stateful services (databases, caches, mail catchers) are marked so the plan
 * never restarts them.
 */

/** Images of stateful services: a rollback never restarts them. */
const STATEFUL_IMAGE = /(^|\/)(postgres|postgis|timescaledb|mysql|mariadb|percona|redis|valkey|keydb|dragonfly|memcached|mongo|mongodb|elasticsearch|opensearch|rabbitmq|kafka|zookeeper|minio|mailpit|mailhog|maildev|smtp4dev|localstack|cassandra|scylla|clickhouse|nats|etcd|consul|vault|influxdb|neo4j|couchdb|couchbase|cockroach|redpanda|memgraph|meilisearch|typesense|qdrant|weaviate|milvus|azurite|dynamodb-local|pubsub-emulator|firestore-emulator|cloud-sql-proxy)([:@/-]|$)/i;

/** Paths that are never production: dev containers, examples, tests, local setups. */
const NOT_PRODUCTION_DIR = /(^|\/)(\.devcontainer|\.github|dev|develop|development|examples?|samples?|tests?|e2e|fixtures?|local|demo|docs?|testdata|testing|hack|ci|staging|stage|qa)(\/|$)/i;
const NOT_PRODUCTION_COMPOSE = /(^|[.-])(dev|develop|development|example|sample|test|tests|e2e|local|override|ci|debug|demo|staging)([.-]|$)/i;
const PRODUCTION_DIR = /(^|\/)(prod|production|prd|live)(\/|$)/i;
const PRODUCTION_COMPOSE = /^(docker-)?compose[.-](prod|production|prd|live)\.ya?ml$/i;

export function isStatefulImage(image: string | undefined): boolean {
  return !!image && STATEFUL_IMAGE.test(image.trim());
}

/** Shell words of one command line (quotes removed), split on ;, &&, ||, |. Linear in the text. */
export function shellCommands(script: string): string[][] {
  const out: string[][] = [];
  let words: string[] = [];
  let cur = '';
  let has = false;
  let q: string | undefined;
  const text = stripComments(script).replace(/\\\r?\n/g, ' ');
  const endWord = () => {
    if (has) words.push(cur);
    cur = '';
    has = false;
  };
  const endCmd = () => {
    endWord();
    if (words.length) out.push(words);
    words = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === q) q = undefined;
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      q = c;
      has = true;
    } else if (c === ' ' || c === '\t') endWord();
    else if (c === '\n' || c === ';' || c === '|' || c === '&') endCmd();
    else {
      cur += c;
      has = true;
    }
  }
  endCmd();
  return out;
}

/** Value of an option (`-n x`, `-n=x`, `--namespace x`, `--namespace=x`). */
function opt(words: string[], names: string[]): string | undefined {
  for (let i = 0; i < words.length; i++) {
    for (const n of names) {
      if (words[i] === n && i + 1 < words.length) return words[i + 1];
      if (words[i].startsWith(`${n}=`)) return words[i].slice(n.length + 1);
    }
  }
  return undefined;
}

/** Positional arguments after the subcommand words, skipping options and their values. */
function positionals(words: string[], valued: Set<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w.startsWith('-')) {
      if (!w.includes('=') && valued.has(w)) i++;
      continue;
    }
    out.push(w);
  }
  return out;
}

const KUBECTL_VALUED = new Set(['-n', '--namespace', '--context', '-f', '--filename', '-k', '--kustomize', '-l', '--selector', '-o', '--output', '--kubeconfig', '--cluster', '--user', '--timeout', '--field-manager', '--server-side']);
const HELM_VALUED = new Set(['-n', '--namespace', '--kube-context', '-f', '--values', '--set', '--set-string', '--set-file', '--version', '--timeout', '--kubeconfig', '--repo', '-o', '--output', '--post-renderer', '--description']);

interface Found {
  targets: DeployTargetFact[];
  candidates: string[];
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

interface Workload {
  kind: string;
  name: string;
  namespace?: string;
  images: string[];
  file: string;
}

function yamlDocs(text: string): unknown[] {
  const out: unknown[] = [];
  for (const d of parseAllDocuments(text, { logLevel: 'silent', uniqueKeys: false, strict: false })) {
    if (!('errors' in d) || d.errors.length) continue;
    const js = d.toJS({ maxAliasCount: 100 }) as unknown;
    if (js && typeof js === 'object') out.push(js);
  }
  return out;
}

function workloadsOf(text: string, file: string): Workload[] {
  const out: Workload[] = [];
  if (text.includes('{{')) return out; // a template: rendered by its tool, not read here
  for (const d of yamlDocs(text)) {
    const j = d as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown }; spec?: { template?: { spec?: { containers?: { image?: unknown }[] } } } };
    if (typeof j.kind !== 'string' || !WORKLOADS.has(j.kind) || typeof j.metadata?.name !== 'string') continue;
    const images = (Array.isArray(j.spec?.template?.spec?.containers) ? j.spec!.template!.spec!.containers! : []).map((c) => (typeof c?.image === 'string' ? c.image : '')).filter(Boolean);
    out.push({ kind: j.kind, name: j.metadata.name, namespace: typeof j.metadata.namespace === 'string' ? j.metadata.namespace : undefined, images, file });
  }
  return out;
}

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const join = (dir: string, rel: string): string | undefined => {
  const parts = (dir ? `${dir}/${rel}` : rel).split('/');
  const out: string[] = [];
  for (const s of parts) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (!out.length) return undefined; // outside the repository
      out.pop();
    } else out.push(s);
  }
  return out.join('/');
};

class Resolver {
  readonly paths: string[];
  private reads = 0;
  constructor(readonly ctx: AnalysisContext) {
    this.paths = ctx.files.map((f) => f.path);
  }

  async text(p: string): Promise<string | undefined> {
    if (this.reads++ > 500) return undefined;
    return readText(this.ctx.reader, p);
  }

  private kustomization(dir: string): string | undefined {
    for (const n of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
      const p = dir ? `${dir}/${n}` : n;
      if (this.paths.includes(p)) return p;
    }
    return undefined;
  }

  /** Workloads a `kubectl apply -f/-k` path yields: a file, a folder of manifests, or a kustomization (recursively). */
  async resolve(path: string, depth = 0): Promise<Workload[]> {
    if (depth > 6) return [];
    const k = this.kustomization(path);
    if (k) return this.kustomize(path, k, depth);
    if (/\.ya?ml$/i.test(path)) {
      const t = await this.text(path);
      return t ? workloadsOf(t, path) : [];
    }
    const prefix = path ? `${path}/` : '';
    const out: Workload[] = [];
    for (const p of this.paths) if (p.startsWith(prefix) && !p.slice(prefix.length).includes('/') && /\.ya?ml$/i.test(p)) out.push(...(await this.resolve(p, depth + 1)));
    return out;
  }

  private async kustomize(dir: string, file: string, depth: number): Promise<Workload[]> {
    const t = await this.text(file);
    if (!t) return [];
    const k = (yamlDocs(t)[0] ?? {}) as { namespace?: unknown; resources?: unknown; bases?: unknown; namePrefix?: unknown; nameSuffix?: unknown };
    const entries = [...(Array.isArray(k.resources) ? k.resources : []), ...(Array.isArray(k.bases) ? k.bases : [])].filter((x): x is string => typeof x === 'string' && !/^[a-z]+:\/\/|^github\.com\//i.test(x));
    const out: Workload[] = [];
    for (const e of entries) {
      const p = join(dir, e);
      if (p !== undefined) out.push(...(await this.resolve(p, depth + 1)));
    }
    const pre = typeof k.namePrefix === 'string' ? k.namePrefix : '';
    const suf = typeof k.nameSuffix === 'string' ? k.nameSuffix : '';
    return out.map((w) => ({ ...w, name: `${pre}${w.name}${suf}`, namespace: typeof k.namespace === 'string' ? k.namespace : w.namespace }));
  }

  /** Services of a compose file with their images (`build:` only: the app itself). */
  async compose(path: string): Promise<{ name: string; image?: string }[]> {
    const t = await this.text(path);
    const doc = t ? ((yamlDocs(t)[0] ?? {}) as { services?: Record<string, { image?: unknown }> }) : {};
    const svcs = doc.services && typeof doc.services === 'object' ? doc.services : {};
    return Object.entries(svcs).map(([name, s]) => ({ name, image: typeof s?.image === 'string' ? s.image : undefined }));
  }
}

function fromWorkloads(ws: Workload[], source: DeployTargetFact['source'], over: { namespace?: string; context?: string } = {}): DeployTargetFact[] {
  return ws.map((w) => {
    const stateful = w.images.length > 0 && w.images.every(isStatefulImage);
    const t: DeployTargetFact = { system: 'kubernetes', kind: w.kind.toLowerCase(), name: w.name, file: w.file, source };
    const ns = over.namespace ?? w.namespace;
    if (ns) t.namespace = ns;
    if (over.context) t.context = over.context;
    if (stateful) t.stateful = [w.name];
    return t;
  });
}

async function composeTarget(r: Resolver, file: string, source: DeployTargetFact['source'], only: string[] = []): Promise<DeployTargetFact | undefined> {
  const svcs = await r.compose(file);
  if (!svcs.length) return undefined;
  const chosen = only.length ? svcs.filter((s) => only.includes(s.name)) : svcs;
  const stateful = chosen.filter((s) => isStatefulImage(s.image)).map((s) => s.name);
  const services = chosen.filter((s) => !isStatefulImage(s.image)).map((s) => s.name);
  return { system: 'compose', name: file, file, services, ...(stateful.length ? { stateful } : {}), source };
}

/** Targets the commands of one production deploy step apply. */
async function fromStep(r: Resolver, step: Step, ciFile: string): Promise<DeployTargetFact[]> {
  const out: DeployTargetFact[] = [];
  const input = (n: string) => step.inputs[n]?.value;
  const uses = step.uses ?? '';
  if (/^akhileshns\/heroku-deploy|^heroku\/deploy/i.test(uses)) out.push({ system: 'heroku', name: input('heroku_app_name') ?? '', file: ciFile, source: 'ci' });
  if (/^superfly\/flyctl-actions/i.test(uses)) out.push(...(await flyTargets(r, 'fly.toml', 'ci')));
  if (/^google-github-actions\/deploy-cloudrun/i.test(uses) && input('service')) out.push({ system: 'cloud-run', name: input('service')!, file: ciFile, source: 'ci' });
  if (/^azure\/k8s-deploy/i.test(uses)) {
    for (const m of (input('manifests') ?? '').split(/\s+/).filter(Boolean)) out.push(...fromWorkloads(await r.resolve(m.replace(/^\.\//, '').replace(/\/$/, '')), 'ci', { namespace: input('namespace') }));
  }
  if (!step.run) return out;
  let kustomizeDir: string | undefined;
  for (const w of shellCommands(step.run)) {
    const i = w.findIndex((x) => /(^|\/)(kubectl|helm|docker|docker-compose|heroku|fly|flyctl|gcloud|git|kustomize)$/.test(x));
    if (i < 0) continue;
    const tool = w[i].slice(w[i].lastIndexOf('/') + 1);
    const rest = w.slice(i + 1);
    if (tool === 'kustomize' && rest[0] === 'build') kustomizeDir = positionals(rest.slice(1), new Set(['-o', '--output']))[0] ?? '.';
    if (tool === 'kubectl') {
      const sub = positionals(rest, KUBECTL_VALUED);
      const ns = opt(rest, ['-n', '--namespace']);
      const context = opt(rest, ['--context']);
      if (sub[0] === 'apply' || sub[0] === 'replace' || sub[0] === 'create') {
        const k = opt(rest, ['-k', '--kustomize']);
        const f = opt(rest, ['-f', '--filename']);
        const path = k ?? (f === '-' ? kustomizeDir : f);
        if (path !== undefined && !/^https?:/.test(path)) out.push(...fromWorkloads(await r.resolve(path.replace(/^\.\/?/, '').replace(/\/$/, '')), 'ci', { namespace: ns, context }));
      } else if ((sub[0] === 'set' && sub[1] === 'image') || (sub[0] === 'rollout' && sub[1] === 'restart')) {
        const ref = sub[2] ?? '';
        const m = /^(deployment|deploy|statefulset|sts|daemonset|ds)[./](.+)$/i.exec(ref);
        if (m) out.push({ system: 'kubernetes', kind: { deploy: 'deployment', sts: 'statefulset', ds: 'daemonset' }[m[1].toLowerCase()] ?? m[1].toLowerCase(), name: m[2], file: ciFile, source: 'ci', ...(ns ? { namespace: ns } : {}), ...(context ? { context } : {}) });
      }
    } else if (tool === 'helm') {
      const sub = positionals(rest, HELM_VALUED);
      if ((sub[0] === 'upgrade' || sub[0] === 'install') && sub[1]) {
        const ns = opt(rest, ['-n', '--namespace']);
        const context = opt(rest, ['--kube-context']);
        out.push({ system: 'helm', name: sub[1], file: ciFile, source: 'ci', ...(ns ? { namespace: ns } : {}), ...(context ? { context } : {}) });
      }
    } else if (tool === 'docker' || tool === 'docker-compose') {
      const args = tool === 'docker' ? (rest[0] === 'compose' ? rest.slice(1) : undefined) : rest;
      if (!args) continue;
      const sub = positionals(args, new Set(['-f', '--file', '-p', '--project-name', '--env-file', '--profile']));
      if (sub[0] !== 'up') continue;
      const file = opt(args, ['-f', '--file']) ?? ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'].find((p) => r.paths.includes(p));
      if (file) {
        const t = await composeTarget(r, file.replace(/^\.\//, ''), 'ci', sub.slice(1));
        if (t) out.push(t);
      }
    } else if (tool === 'heroku') {
      if (/^container:release$|^releases$|^deploy/.test(rest[0] ?? '')) out.push({ system: 'heroku', name: opt(rest, ['-a', '--app']) ?? '', file: ciFile, source: 'ci' });
    } else if (tool === 'git' && rest[0] === 'push') {
      const remote = positionals(rest.slice(1), new Set())[0] ?? '';
      const m = /git\.heroku\.com\/([^/]+?)(\.git)?$/.exec(remote);
      if (m || remote === 'heroku') out.push({ system: 'heroku', name: m?.[1] ?? '', file: ciFile, source: 'ci' });
    } else if ((tool === 'fly' || tool === 'flyctl') && rest[0] === 'deploy') {
      const app = opt(rest, ['-a', '--app']);
      const cfg = opt(rest, ['-c', '--config']) ?? 'fly.toml';
      const found = await flyTargets(r, cfg.replace(/^\.\//, ''), 'ci');
      out.push(...(app ? [{ system: 'fly' as const, name: app, file: ciFile, source: 'ci' as const }] : found));
    } else if (tool === 'gcloud' && rest[0] === 'run' && rest[1] === 'deploy' && rest[2] && !rest[2].startsWith('-')) {
      const region = opt(rest, ['--region']);
      out.push({ system: 'cloud-run', name: rest[2], file: ciFile, source: 'ci', ...(region ? { context: region } : {}) });
    }
  }
  return out;
}

async function flyTargets(r: Resolver, file: string, source: DeployTargetFact['source']): Promise<DeployTargetFact[]> {
  const text = await r.text(file);
  if (text === undefined) return [];
  let app = '';
  try {
    const v = (parseToml(text) as { app?: unknown }).app;
    app = typeof v === 'string' ? v : '';
  } catch {
    app = ''; // not TOML: the plan asks for the app name
  }
  return [{ system: 'fly', name: app, file, source }];
}

function key(t: DeployTargetFact): string {
  return t.system === 'compose' ? `compose:${t.file}` : `${t.system}:${t.kind ?? ''}:${t.name}:${t.namespace ?? ''}:${t.context ?? ''}`;
}

function dedupe(ts: DeployTargetFact[]): DeployTargetFact[] {
  const seen = new Map<string, DeployTargetFact>();
  for (const t of ts) {
    const k = key(t);
    if (!seen.has(k)) seen.set(k, t);
  }
  // A workload also listed without a namespace (a base next to its overlay) is the same workload.
  const out = [...seen.values()];
  return out.filter((t) => !(t.system === 'kubernetes' && !t.namespace && out.some((o) => o !== t && o.system === 'kubernetes' && o.kind === t.kind && o.name === t.name && o.namespace)));
}

/** Production deploy jobs: production first; else jobs of unknown target (never staging). */
function productionJobs(jobs: Job[]): Job[] {
  const deploy = jobs.filter(isDeployJob);
  const prod = deploy.filter((j) => deployTarget(j) === 'production');
  return prod.length ? prod : deploy.filter((j) => deployTarget(j) === 'other');
}

/** Deploy facts of the workspace. */
export async function gatherDeployFacts(ctx: AnalysisContext): Promise<DeployFacts> {
  const r = new Resolver(ctx);
  const found: Found = { targets: [], candidates: [] };
  for (const p of await loadPipelines(ctx)) {
    for (const j of productionJobs(p.jobs)) for (const s of j.steps) found.targets.push(...(await fromStep(r, s, j.file ?? p.file)));
  }
  const facts: DeployFacts = { targets: [] };
  // Progressive delivery and blue/green, from the manifests (text checks before any parse).
  let scanned = 0;
  const overlays: string[] = [];
  const manifestDirs = new Set<string>();
  for (const f of ctx.files) {
    if (ctx.signal.aborted) break;
    const base = f.path.slice(f.path.lastIndexOf('/') + 1);
    if (/^kustomization\.ya?ml$|^Kustomization$/.test(base)) overlays.push(dirOf(f.path));
    if (f.cls.kind !== 'api-candidate' || f.cls.format !== 'yaml' || scanned >= 400 || NOT_PRODUCTION_DIR.test(f.path)) continue;
    scanned++;
    const t = await readText(ctx.reader, f.path);
    if (!t) continue;
    if (/^kind:[ \t]*(Deployment|StatefulSet|DaemonSet)\b/m.test(t) && !t.includes('{{')) manifestDirs.add(dirOf(f.path) || '.');
    if (/apiVersion:\s*argoproj\.io\//.test(t) && /kind:\s*Rollout\b/.test(t)) {
      facts.progressive = 'argo-rollouts';
      if (/\bblueGreen:/.test(t)) facts.blueGreen = true;
    } else if (/apiVersion:\s*flagger\.app\//.test(t) && !facts.progressive) facts.progressive = 'flagger';
  }
  if (overlays.some((d) => /(^|\/)blue$/.test(d)) && overlays.some((d) => /(^|\/)green$/.test(d))) facts.blueGreen = true;
  if (!found.targets.length) {
    // Manifests under a production overlay.
    for (const d of overlays.filter((d) => PRODUCTION_DIR.test(d) && !NOT_PRODUCTION_DIR.test(d.replace(PRODUCTION_DIR, '/')))) {
      found.targets.push(...fromWorkloads(await r.resolve(d), 'production-overlay'));
    }
    for (const f of ctx.files) {
      const base = f.path.slice(f.path.lastIndexOf('/') + 1);
      const prodCompose = PRODUCTION_COMPOSE.test(base) || (PRODUCTION_DIR.test(dirOf(f.path)) && !NOT_PRODUCTION_COMPOSE.test(base));
      if (f.cls.kind === 'deploy-manifest' && f.cls.system === 'compose' && prodCompose && !NOT_PRODUCTION_DIR.test(f.path)) {
        const t = await composeTarget(r, f.path, 'production-overlay');
        if (t) found.targets.push(t);
      }
    }
  }
  if (!found.targets.length) {
    for (const f of ctx.files) {
      if (f.cls.kind === 'deploy-manifest' && f.cls.system === 'fly' && !NOT_PRODUCTION_DIR.test(f.path)) found.targets.push(...(await flyTargets(r, f.path, 'platform')));
    }
  }
  facts.targets = dedupe(found.targets).sort((a, b) => a.system.localeCompare(b.system) || a.name.localeCompare(b.name) || (a.namespace ?? '').localeCompare(b.namespace ?? ''));
  if (!facts.targets.length) {
    // What was found instead, for the placeholder (never used as a target).
    const cands = new Set<string>();
    for (const f of ctx.files) {
      if (cands.size >= 10) break;
      if (NOT_PRODUCTION_DIR.test(f.path)) continue;
      const base = f.path.slice(f.path.lastIndexOf('/') + 1);
      if (f.cls.kind === 'deploy-manifest' && f.cls.system === 'helm') cands.add(`Helm chart ${f.path}`);
      else if (f.cls.kind === 'deploy-manifest' && f.cls.system === 'compose' && !NOT_PRODUCTION_COMPOSE.test(base)) cands.add(`Compose file ${f.path}`);
      else if (f.cls.kind === 'deploy-manifest' && f.cls.system === 'heroku' && base !== 'app.json') cands.add(`Heroku ${f.path}`);
    }
    // Kustomize components are pieces, not deployable: leave them out.
    for (const d of overlays) if (cands.size < 10 && !NOT_PRODUCTION_DIR.test(d) && !/(^|\/)components(\/|$)/.test(d)) cands.add(`kustomization in ${d || '.'}`);
    for (const d of [...manifestDirs].sort()) if (cands.size < 10) cands.add(`Kubernetes manifests in ${d}`);
    if (cands.size) facts.candidates = [...cands].sort();
  }
  return facts;
}

export { NOT_PRODUCTION_COMPOSE, NOT_PRODUCTION_DIR };
