import type { Range } from '../model';
import { LineIndex } from '../text';
import type { Job, Pipeline, Step } from './model';

/**
 * Reads a declarative or scripted Jenkinsfile by its stages: `stage('Name') { … }` blocks in order,
 * the `sh`/`bat`/`powershell` commands inside them, `input` steps (approval) and `when { branch … }`.
 * Groovy is scanned with a small tokenizer that knows strings, comments and braces (there is no
 * Groovy grammar among the WASM parsers); nothing else of the language is interpreted.
 */
interface Tok {
  kind: 'word' | 'string' | 'punct';
  text: string;
  start: number;
  end: number;
}

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const e = src.indexOf('*/', i + 2);
      i = e < 0 ? src.length : e + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = src.startsWith(c.repeat(3), i);
      const q = triple ? c.repeat(3) : c;
      let j = i + q.length;
      let val = '';
      while (j < src.length && !src.startsWith(q, j)) {
        if (src[j] === '\\' && j + 1 < src.length) {
          val += src[j + 1];
          j += 2;
          continue;
        }
        if (!triple && src[j] === '\n') break;
        val += src[j++];
      }
      out.push({ kind: 'string', text: val, start: i, end: Math.min(src.length, j + q.length) });
      i = j + q.length;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[\w$]/.test(src[j])) j++;
      out.push({ kind: 'word', text: src.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    out.push({ kind: 'punct', text: c, start: i, end: i + 1 });
    i++;
  }
  return out;
}

export function readJenkins(file: string, text: string): Pipeline {
  const lines = new LineIndex(text);
  const p: Pipeline = { file, system: 'jenkins', jobs: [], triggers: {}, problems: [], opaque: [], includes: [], templateScans: [], text };
  const toks = tokenize(text);
  const r = (a: number, b: number): Range => lines.rangeOf(a, b);
  /** Index of the token that closes the brace opened at `open`. */
  const closeOf = (open: number): number => {
    let depth = 0;
    for (let k = open; k < toks.length; k++) {
      if (toks[k].text === '{' && toks[k].kind === 'punct') depth++;
      else if (toks[k].text === '}' && toks[k].kind === 'punct' && --depth === 0) return k;
    }
    return toks.length - 1;
  };
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.kind === 'punct' && t.text === '@' && toks[k + 1]?.text === 'Library') {
      p.opaque.push({ reason: 'steps from a Jenkins shared library (@Library) are not in this repository', range: r(t.start, toks[k + 1].end) });
    }
  }
  let previous: string[] = [];
  const stageStarts: number[] = [];
  for (let k = 0; k < toks.length; k++) {
    if (toks[k].kind === 'word' && toks[k].text === 'stage' && toks[k + 1]?.text === '(' && toks[k + 2]?.kind === 'string') stageStarts.push(k);
  }
  if (stageStarts.length > 1000) {
    p.opaque.push({ reason: `${stageStarts.length} stages: more than the 1,000 read`, range: r(0, 0) });
    stageStarts.length = 1000;
  }
  // Innermost stages only (a stage that contains stages is a group: its children are the jobs).
  for (const k of stageStarts) {
    const name = toks[k + 2].text;
    let b = k + 3;
    while (b < toks.length && toks[b].text !== '{') b++;
    const end = closeOf(b);
    if (stageStarts.some((o) => o > b && o < end)) continue;
    const job: Job = { id: name, keyRange: r(toks[k].start, toks[k + 3]?.end ?? toks[k + 2].end), range: r(toks[k].start, toks[end].end), steps: [], needs: previous, triggers: {} };
    for (let q = b; q < end; q++) {
      const w = toks[q];
      if (w.kind !== 'word') continue;
      if (['sh', 'bat', 'powershell', 'pwsh'].includes(w.text)) {
        let a = q + 1;
        if (toks[a]?.text === '(') a++;
        if (toks[a]?.kind === 'word' && toks[a].text === 'script' && toks[a + 1]?.text === ':') a += 2;
        if (toks[a]?.kind === 'string') {
          const step: Step = { name: w.text, run: toks[a].text, runRange: r(toks[a].start, toks[a].end), range: r(w.start, toks[a].end), inputs: {} };
          job.steps.push(step);
        }
      } else if (w.text === 'input' && (toks[q + 1]?.text === '(' || toks[q + 1]?.text === '{' || toks[q + 1]?.kind === 'string' || toks[q + 1]?.text === 'message')) {
        job.manual = { range: r(w.start, w.end), how: 'input step' };
      } else if (w.text === 'branch' && toks[q + 1]?.kind === 'string' && toks.slice(Math.max(b, q - 6), q).some((x) => x.text === 'when')) {
        job.triggers = { pushBranches: [toks[q + 1].text] };
      } else if (w.text === 'catchError' || (w.text === 'returnStatus' && toks[q + 1]?.text === ':')) {
        job.steps.forEach((s) => (s.continueOnError ??= { range: r(w.start, w.end), keyRange: r(w.start, w.end) }));
      }
    }
    // `|| true` inside the command is seen by the rules; an `input` in the stage's options also gates it.
    p.jobs.push(job);
    previous = [name];
  }
  if (!p.jobs.length) {
    p.opaque.push({ reason: 'no stage(…) blocks: the pipeline is defined elsewhere (shared library or generated)', range: r(0, Math.min(text.length, lines.lineEnd(0))) });
  }
  return p;
}
