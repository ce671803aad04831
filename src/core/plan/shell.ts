/**
 * Shell and Markdown safety for the generated rollback section and runbook. Names come from the
 * repository (a chart name, a compose service, a Kubernetes `metadata.name`, a Heroku app, a
 * path): a name is checked against the grammar of the tool it is passed to, and every argument
 * is quoted for POSIX sh, so a hostile name can neither run a command nor close the fence.
 */

/** Characters that never need quoting in POSIX sh. */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argument quoted for POSIX sh: bare when it is plainly safe, else in single quotes. */
export function shQuote(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A command line from its arguments, each quoted. */
export function shCommand(args: readonly string[]): string {
  return args.map(shQuote).join(' ');
}

/** Name grammars of the tools the plan writes commands for. */
export type NameKind = 'k8s-label' | 'k8s-subdomain' | 'helm-release' | 'compose-service' | 'heroku-app' | 'fly-app' | 'cloud-run-service' | 'kube-context' | 'path';

// RFC 1123 label as Kubernetes checks it (namespaces, Services): lower case alphanumerics and '-'.
const LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

function subdomain(s: string, max: number): boolean {
  return s.length <= max && s.split('.').every((l) => LABEL.test(l));
}

/** True when `name` is valid for the tool: what Kubernetes, Helm, Compose, Heroku, Fly.io and Cloud Run accept. */
export function validName(kind: NameKind, name: string): boolean {
  switch (kind) {
    case 'k8s-label':
      return LABEL.test(name);
    case 'k8s-subdomain':
      // Deployment, StatefulSet and DaemonSet names are DNS subdomains (at most 253 characters).
      return subdomain(name, 253);
    case 'helm-release':
      // Helm: a DNS-1123 subdomain of at most 53 characters.
      return subdomain(name, 53);
    case 'compose-service':
      return /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/.test(name);
    case 'heroku-app':
      return /^[a-z][a-z0-9-]{1,29}$/.test(name);
    case 'fly-app':
      return /^[a-z0-9][a-z0-9-]{0,62}$/.test(name);
    case 'cloud-run-service':
      return /^[a-z](?:[-a-z0-9]{0,47}[a-z0-9])?$/.test(name);
    case 'kube-context':
      // Context names are free-form in kubeconfig; refuse control characters and leading dashes.
      return name.length > 0 && name.length <= 253 && !hasControl(name) && !name.startsWith('-');
    case 'path':
      // A workspace-relative path: no control characters, no option-like first character.
      return name.length > 0 && name.length <= 1024 && !hasControl(name) && !name.startsWith('-');
  }
}

/** A repository name checked for a tool: the name itself, or a placeholder and why. */
export interface Checked {
  ok: boolean;
  /** The name (when valid) or a placeholder such as `<release>`. */
  value: string;
  /** When invalid: a note for the reader. */
  note?: string;
}

/** Checks a name; an invalid one becomes a `<placeholder>` with a note that shows the name escaped. */
export function checkName(kind: NameKind, name: string, placeholder: string): Checked {
  if (validName(kind, name)) return { ok: true, value: name };
  return { ok: false, value: placeholder, note: `the name ${inlineCode(name)} from the repository is not a valid ${KIND_TEXT[kind]}; replaced by ${placeholder}: fill in the real one` };
}

const KIND_TEXT: Record<NameKind, string> = {
  'k8s-label': 'Kubernetes name (DNS label)',
  'k8s-subdomain': 'Kubernetes object name (DNS subdomain)',
  'helm-release': 'Helm release name',
  'compose-service': 'Compose service name',
  'heroku-app': 'Heroku app name',
  'fly-app': 'Fly.io app name',
  'cloud-run-service': 'Cloud Run service name',
  'kube-context': 'kubectl context',
  path: 'path',
};

/** Renders one argument: a valid name quoted, a placeholder written as is (the reader must replace it). */
export function arg(c: Checked): string {
  return c.ok ? shQuote(c.value) : c.value;
}

/** Inline code that cannot break out: control characters escaped, the delimiter longer than any backtick run. */
export function inlineCode(s: string): string {
  const clean = escapeControl(s);
  const run = longestRun(clean, '`');
  const ticks = '`'.repeat(run + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') || (run > 0 && /^ | $/.test(clean)) ? ' ' : '';
  return `${ticks}${pad}${clean}${pad}${ticks}`;
}

/** True when the text holds a C0 control character or DEL (newline included). */
export function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Control characters written as \xNN, so a name stays on one line. */
export function escapeControl(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, '0')}` : ch;
  }
  return out;
}

function longestRun(s: string, ch: string): number {
  let best = 0;
  let cur = 0;
  for (const c of s) {
    cur = c === ch ? cur + 1 : 0;
    if (cur > best) best = cur;
  }
  return best;
}

/** A fenced code block whose fence is longer than any backtick run in its lines. */
export function fenced(info: string, lines: readonly string[]): string[] {
  const run = Math.max(0, ...lines.map((l) => longestRun(l, '`')));
  const fence = '`'.repeat(Math.max(3, run + 1));
  return [`${fence}${info}`, ...lines, fence];
}
