import { parse as dotenvParse } from 'dotenv';
import { LineIndex } from '../text';
import type { Range } from '../model';

/** A declared variable. Its value is never kept: only whether it has one and whether it looks real. */
export interface DeclaredVar {
  name: string;
  /** Range of the name on its line. */
  range: Range;
  line: number;
  /** Last line of the entry (multi-line quoted values). */
  endLine: number;
  /** Range of the value text (quotes included); empty when there is none. */
  valueRange: Range;
  hasValue: boolean;
  /** Why the value looks like a real secret (token format or entropy); never the value. */
  secret?: string;
  /** A trailing `# optional` comment (the dotenvx convention). */
  optional: boolean;
}

/** One physical line of the file, as dotenv-linter sees it. */
export interface ExampleLine {
  line: number;
  kind: 'blank' | 'comment' | 'entry' | 'continuation' | 'invalid';
  /** The key as written (entries), before any normalisation. */
  key?: string;
  keyStart?: number;
  /** Entry index in `vars` when the key is one dotenv accepts. */
  entry?: DeclaredVar;
  text: string;
}

export interface ExampleFile {
  path: string;
  vars: DeclaredVar[];
  /** The names dotenv's own parser yields. */
  names: Set<string>;
  /** Names written commented out (`# SENTRY_DSN=`): documented as optional, not set. */
  documented: Set<string>;
  lines: ExampleLine[];
  lineCount: number;
  endsWithNewline: boolean;
  eol: string;
  /** Lines whose quoted value never closes. */
  unterminated: number[];
}

/**
 * Parses an example file: the set of names comes from dotenv's own parser, and a line walker
 * (the same structure dotenv-linter works on) locates each entry's name and value for positions.
 * Values are inspected in place (secret-looking or not) and never stored.
 */
export function parseExample(path: string, text: string): ExampleFile {
  let names: Set<string>;
  try {
    names = new Set(Object.keys(dotenvParse(text)));
  } catch {
    names = new Set();
  }
  const index = new LineIndex(text);
  const vars: DeclaredVar[] = [];
  const lines: ExampleLine[] = [];
  const unterminated: number[] = [];
  const documented = new Set<string>();
  for (let line = 0; line < index.lineCount; line++) {
    const lt = index.lineText(line);
    const trimmed = lt.trim();
    if (trimmed === '') {
      if (line < index.lineCount - 1 || lt.length > 0) lines.push({ line, kind: 'blank', text: lt });
      continue;
    }
    if (trimmed.startsWith('#')) {
      lines.push({ line, kind: 'comment', text: lt });
      // `# SENTRY_DSN=` documents an optional variable without setting it.
      const doc = /^#\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/.exec(trimmed);
      if (doc) documented.add(doc[1]);
      continue;
    }
    const m = entryParts(lt);
    if (!m) {
      lines.push({ line, kind: 'invalid', text: lt });
      continue;
    }
    const keyStart = m[1].length + (m[2]?.length ?? 0);
    const key = m[3];
    const hasDelimiter = m[5] !== '';
    let rawValue = hasDelimiter ? m[7] : '';
    const valueStart = keyStart + key.length + m[4].length + m[5].length + m[6].length;
    let endLine = line;
    let valueEnd = valueStart + rawValue.length;
    const q = rawValue[0];
    if (q === '"' || q === "'" || q === '`') {
      const close = closingQuote(rawValue, q, 1);
      if (close < 0) {
        // multi-line value: look for the closing quote on later lines
        let found = -1;
        for (let l = line + 1; l < index.lineCount; l++) {
          const c = closingQuote(index.lineText(l), q, 0);
          if (c >= 0) {
            found = l;
            valueEnd = c + 1;
            break;
          }
        }
        if (found < 0) unterminated.push(line);
        else {
          endLine = found;
          rawValue = text.slice(index.lineStart(line) + valueStart, index.lineStart(found) + valueEnd);
        }
      } else {
        valueEnd = valueStart + close + 1;
        rawValue = rawValue.slice(0, close + 1);
      }
    } else {
      const hash = rawValue.search(/\s#/);
      if (hash >= 0) rawValue = rawValue.slice(0, hash);
      rawValue = rawValue.trimEnd();
      valueEnd = valueStart + rawValue.length;
    }
    const comment = lt.slice(Math.min(lt.length, endLine === line ? valueEnd : lt.length));
    const entryLine: ExampleLine = { line, kind: 'entry', key, keyStart, text: lt };
    const normalisedKey = key;
    if (names.has(normalisedKey) && !(m[2] && key === 'export')) {
      const unquoted = /^(["'`])([\s\S]*)\1$/.exec(rawValue)?.[2] ?? rawValue;
      const v: DeclaredVar = {
        name: normalisedKey,
        line,
        endLine,
        range: { start: { line, character: keyStart }, end: { line, character: keyStart + key.length } },
        valueRange: { start: { line, character: valueStart }, end: endLine === line ? { line, character: valueEnd } : { line: endLine, character: valueEnd } },
        hasValue: unquoted.length > 0,
        optional: comment.includes('#') && /\boptional\b/i.test(comment.slice(comment.indexOf('#') + 1)),
      };
      const why = secretReason(normalisedKey, unquoted);
      if (why) v.secret = why;
      vars.push(v);
      entryLine.entry = v;
    }
    lines.push(entryLine);
    for (let l = line + 1; l <= endLine; l++) lines.push({ line: l, kind: 'continuation', text: index.lineText(l) });
    line = endLine;
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { path, vars, names, documented, lines, lineCount: index.lineCount, endsWithNewline: text.length === 0 || text.endsWith('\n'), eol, unterminated };
}

function closingQuote(s: string, q: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === '\\' && q === '"') i++;
    else if (s[i] === q) return i;
  }
  return -1;
}

/**
 * `[indent, export , key, space, delimiter, space, value]` of an entry line (as the regular expression
 * `^(\s*)(export\s+)?([^=\s:]+)(\s*)([=:]?)(\s*)(.*)$` would give, indices 1–7), in linear time: that
 * expression backtracks quadratically between the key and the value on a long line without a delimiter.
 */
function entryParts(lt: string): string[] | undefined {
  const head = /^(\s*)(export\s+)?([^=\s:]+)/.exec(lt);
  if (!head) return undefined;
  const ws = /\s*/y;
  let i = head[0].length;
  ws.lastIndex = i;
  const sp1 = ws.exec(lt)![0];
  i += sp1.length;
  const delim = lt[i] === '=' || lt[i] === ':' ? lt[i] : '';
  i += delim.length;
  ws.lastIndex = i;
  const sp2 = ws.exec(lt)![0];
  i += sp2.length;
  return [head[0], head[1], head[2], head[3], sp1, delim, sp2, lt.slice(i)];
}

// ───────────────────────────── secret-looking values ─────────────────────────────

const TOKEN_FORMATS: [RegExp, string][] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{40,}\b/, 'a GitHub fine-grained token'],
  [/\b(sk|rk)_live_[0-9A-Za-z]{16,}\b/, 'a live Stripe key'],
  [/\bwhsec_[0-9A-Za-z]{24,}\b/, 'a Stripe webhook secret'],
  [/\bxox[abposr]-[0-9A-Za-z-]{10,}\b/, 'a Slack token'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\bsk-(proj-|ant-)?[A-Za-z0-9_-]{32,}\b/, 'an OpenAI/Anthropic API key'],
  [/\bglpat-[0-9A-Za-z_-]{20,}\b/, 'a GitLab token'],
  [/\bSG\.[\w-]{22}\.[\w-]{43}\b/, 'a SendGrid key'],
  [/\bnpm_[A-Za-z0-9]{36}\b/, 'an npm token'],
  // Starts only where a run of [\w-] starts, so each run is scanned once (linear on `eyJx-eyJx-…`).
  [/(?<![\w-])eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/, 'a JSON Web Token'],
];

const PLACEHOLDER = /(example|sample|changeme|change[_-]?me|replace|your[_-]|xxx|\*\*\*|placeholder|dummy|fake|todo|<|>|\.\.\.|^test|secret$|password$|localhost|127\.0\.0\.1)/i;
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|PRIVATE|TOKEN|API_?KEY|ACCESS_?KEY|CREDENTIAL|SIGNING|AUTH)/i;

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Why a value looks like a real credential, or undefined. Never returns any part of the value. */
export function secretReason(name: string, value: string): string | undefined {
  if (!value) return undefined;
  for (const [re, what] of TOKEN_FORMATS) if (re.test(value)) return `looks like ${what}`;
  const cred = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:([^@\s]+)@/i.exec(value);
  // `postgres://u:${POSTGRES_PASSWORD}@…` / `:$DB_PASS@`: a reference to another variable, not a password
  if (cred && !PLACEHOLDER.test(cred[1]) && !/^\$\{?[A-Za-z_]/.test(cred[1]) && cred[1].length >= 8 && entropy(cred[1]) >= 3) return 'is a URL with a real-looking password';
  if (/\s/.test(value) || PLACEHOLDER.test(value) || /^\$\{?[A-Za-z_]/.test(value)) return undefined;
  const minLen = SECRET_NAME.test(name) ? 16 : 24;
  const minEntropy = SECRET_NAME.test(name) ? 3.5 : 4.0;
  if (value.length >= minLen && /^[A-Za-z0-9+/=_\-.]+$/.test(value) && /\d/.test(value) && /[A-Za-z]/.test(value) && entropy(value) >= minEntropy) {
    return 'has a high-entropy value that looks like a real credential';
  }
  return undefined;
}

// ───────────────────────────── client exposure ─────────────────────────────

/** Prefixes whose variables frameworks inline into browser bundles. */
export const CLIENT_PREFIXES = ['NEXT_PUBLIC_', 'VITE_', 'REACT_APP_', 'EXPO_PUBLIC_', 'NUXT_PUBLIC_', 'PUBLIC_', 'GATSBY_', 'VUE_APP_', 'STORYBOOK_'];

const PUBLIC_BY_DESIGN = /(PUBLISHABLE|PUBLIC_KEY|ANON_KEY|ANON|SITE_KEY|CLIENT_ID|MEASUREMENT_ID|APP_ID|PROJECT_ID|DSN|_URL$|_HOST$|_DOMAIN$)/;
const SECRETISH = /(SECRET|PASSWORD|PASSWD|PRIVATE|SERVICE_ROLE|(^|_)TOKEN$|ACCESS_TOKEN|AUTH_TOKEN|API_TOKEN|ACCESS_KEY|CREDENTIAL|SIGNING_KEY|WEBHOOK|DATABASE_URL|DB_URL|DB_PASS|(^|_)SK_|ADMIN_KEY|MASTER_KEY)/;

const FLAG_SHAPED = /^(?:DISABLE|ENABLE|ALLOW|DENY|SHOW|HIDE|USE|FEATURE|FF|REQUIRE|SKIP|IS|HAS)_|_(?:ENABLED|DISABLED|ALLOWED|REQUIRED|VISIBLE|SIGNUP|SIGNIN|LOGIN|LENGTH|MIN_LENGTH|MAX_LENGTH|POLICY)$/;

/**
 * Browser SDKs whose client token is public by design (the vendor documents it for the page: a
 * PostHog project key, a Segment write key, a Mapbox public token…); their other keys (personal,
 * server, admin, secret) are not.
 */
const BROWSER_SDK = /(?:^|_)(?:POSTHOG|SEGMENT|MIXPANEL|AMPLITUDE|HEAP|RUDDERSTACK|LOGROCKET|FULLSTORY|HOTJAR|INTERCOM|CRISP|PLAUSIBLE|UMAMI|MAPBOX|GOOGLE_MAPS|STATSIG|GROWTHBOOK|LAUNCHDARKLY|FLAGSMITH|BUGSNAG|HONEYBADGER)(?:_|$)/;
const NEVER_PUBLIC = /SECRET|PRIVATE|PASSWORD|PASSWD|PERSONAL|ADMIN|SERVER|MANAGEMENT|SERVICE_ROLE|AUTH_TOKEN|MASTER|WEBHOOK|SIGNING/;

/** The public prefix when a name puts a secret-looking variable into client bundles. */
export function clientExposedSecret(name: string, prefixes: readonly string[] = CLIENT_PREFIXES): string | undefined {
  const p = prefixes.find((x) => name.startsWith(x));
  if (!p) return undefined;
  const rest = name.slice(p.length);
  if (!SECRETISH.test(rest)) return undefined;
  // `DISABLE_EMAIL_PASSWORD_SIGNUP`, `PASSWORD_RESET_ENABLED`: a switch about a secret is not one.
  if (FLAG_SHAPED.test(rest)) return undefined;
  if (PUBLIC_BY_DESIGN.test(rest) && !/SECRET|PRIVATE|PASSWORD|SERVICE_ROLE|DATABASE_URL|DB_URL/.test(rest)) return undefined;
  if (BROWSER_SDK.test(rest) && !NEVER_PUBLIC.test(rest)) return undefined;
  return p;
}
