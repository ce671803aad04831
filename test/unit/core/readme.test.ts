import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { parseConfig } from '../../../src/core/config';
import { ACTION_REF, githubWorkflow } from '../../../src/core/pipeline/initCi';
import { branchRepo, cli, git, REPO_ROOT, scratchDirs } from '../helpers';

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

/** Fenced blocks of a language, in order. */
function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

/** Shell commands of the README: every line of its sh blocks, comments removed. */
function shellCommands(): string[] {
  return blocks(readme, 'sh')
    .flatMap((b) => b.split('\n'))
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l && !l.startsWith('#'));
}

describe('README stays true', function () {
  this.timeout(120_000);
  const scratch = scratchDirs();

  it('is under 15 KB: a newcomer reads it first; reference lives in docs/', () => {
    assert.ok(Buffer.byteLength(readme) < 15 * 1024, `${Buffer.byteLength(readme)} bytes`);
  });

  it('the rule index docs/rules/README.md and the generated rule pages are up to date with the rule modules, one line per rule linking to its page', async () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'gen-rule-docs.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const index = readFileSync(path.join(REPO_ROOT, 'docs', 'rules', 'README.md'), 'utf8');
    const { rules } = JSON.parse((await cli(['rules', '--format', 'json'], REPO_ROOT)).stdout) as { rules: { id: string; docs: string }[] };
    for (const rule of rules) {
      const lines = index.split('\n').filter((l) => l.startsWith(`- [\`${rule.id}\`](`));
      assert.equal(lines.length, 1, `${rule.id} is listed once`);
      const link = /\]\(([^)]+)\)/.exec(lines[0])![1];
      assert.ok(existsSync(path.join(REPO_ROOT, 'docs', 'rules', link)), `${rule.id} links to a page that exists: ${link}`);
    }
    assert.ok(readme.includes('](docs/rules/README.md)'), 'the README links to the rule index');
  });

  it('every relative link of the README and of docs/*.md it links to points at a file that exists', () => {
    const pages = ['README.md', ...[...readme.matchAll(/\]\((docs\/[\w./-]+\.md)\)/g)].map((m) => m[1])];
    for (const page of new Set(pages)) {
      const text = readFileSync(path.join(REPO_ROOT, page), 'utf8');
      for (const m of text.matchAll(/\]\(((?!https?:|#)[^)\s#]+)(#[^)]*)?\)/g)) {
        const target = path.join(REPO_ROOT, path.dirname(page), m[1]);
        assert.ok(existsSync(target), `${page} links to ${m[1]}, which does not exist`);
      }
    }
    assert.match(readme, /\[Security\]\(docs\/security\.md\)/, 'the README links the security notes');
  });

  it('names the two set-up commands, and .ci/run runs the README test command', () => {
    assert.ok(readme.includes('npm ci && npm run demo'));
    assert.ok(readme.includes('npm ci && npm test'));
    const ci = readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8');
    assert.match(ci, /^npm ci$/m);
    assert.match(ci, /^npm test$/m);
  });

  it('every shell command in it is one this repository provides (npm scripts, the .vsix name, the package, the CLI)', async () => {
    const commands = shellCommands();
    assert.ok(commands.length >= 6, commands.join('\n'));
    const example = scratch.keep(branchRepo({ 'db/migrations/001.sql': 'CREATE TABLE t (id int);\n' }, { 'db/migrations/001.sql': 'CREATE TABLE t (id int);\n', 'db/migrations/002.sql': 'CREATE INDEX t_id ON t (id);\n' }));
    const work = scratch.keep(mkdtempSync(path.join(os.tmpdir(), 'dr-readme-')));
    git(work, 'clone', '-q', '--branch', 'feature', example, 'repo');
    const clone = path.join(work, 'repo');
    for (const command of commands) {
      for (const part of command.split(' && ')) {
        const words = part.split(/\s+/);
        let m: RegExpExecArray | null;
        if (part === 'npm ci' || part === 'npm test') continue;
        if ((m = /^npm run ([\w:-]+)$/.exec(part))) {
          assert.ok(pkg.scripts[m[1]], `README runs npm run ${m[1]}, which package.json lacks`);
        } else if ((m = /^code --install-extension (\S+\.vsix)$/.exec(part))) {
          assert.ok(pkg.scripts.package.includes(`-o ${m[1]}`), `npm run package does not write ${m[1]}`);
        } else if ((m = /^npm install (?:--save-dev |-D |-g )?(\S+)$/.exec(part))) {
          assert.equal(m[1], pkg.name);
        } else if ((m = /^npx --yes ([\w-]+)@(\d+) (.+)$/.exec(part))) {
          assert.equal(m[1], pkg.name);
          assert.equal(m[2], pkg.version.split('.')[0], 'the major version the README pins is this one');
          const r = await cli(m[3].split(/\s+/), clone);
          assert.notEqual(r.code, 2, `${part}: ${r.stderr}`);
          assert.match(r.stdout, /migration\/require-concurrent-index/);
        } else if (words[0] === 'deploy-readiness') {
          const r = await cli(words.slice(1), clone);
          assert.notEqual(r.code, 2, `${part}: ${r.stderr}`);
        } else {
          assert.fail(`README command not checked by any test: ${part}`);
        }
      }
    }
  });

  it('its Action example uses this action with inputs and outputs action.yml declares, as init-ci writes it', () => {
    const action = parse(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8'));
    const steps = blocks(readme, 'yaml').map((b) => parse(b)).find((d) => Array.isArray(d) && d.some((s: { uses?: string }) => s.uses === ACTION_REF));
    assert.ok(steps, `a yaml block with a step that uses ${ACTION_REF}`);
    const step = steps.find((s: { uses?: string }) => s.uses === ACTION_REF);
    for (const k of Object.keys(step.with ?? {})) assert.ok(action.inputs[k], `input ${k} is not in action.yml`);
    for (const s of steps) for (const v of Object.values(s.with ?? {})) for (const o of String(v).matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      assert.equal(o[1], step.id);
      assert.ok(action.outputs[o[2]], `output ${o[2]} is not in action.yml`);
    }
    assert.equal(steps[0].with['fetch-depth'], 0);
    assert.ok(githubWorkflow('main').includes(`uses: ${ACTION_REF}`));
  });

  it('its pre-commit example names the hook .pre-commit-hooks.yaml defines, at this version', () => {
    const hooks = parse(readFileSync(path.join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string }[];
    const config = blocks(readme, 'yaml').map((b) => parse(b)).find((d) => d && !Array.isArray(d) && d.repos);
    assert.ok(config, 'a .pre-commit-config.yaml example');
    const repo = config.repos[0];
    assert.equal(repo.repo, pkg.repository.url);
    assert.equal(repo.rev, `v${pkg.version}`);
    for (const h of repo.hooks) assert.ok(hooks.some((d) => d.id === h.id), `hook ${h.id}`);
  });

  it('its configuration example is a valid .deploy-readiness.yaml, and so is the full one in docs/configuration.md', () => {
    for (const [name, text] of [['README.md', readme], ['docs/configuration.md', readFileSync(path.join(REPO_ROOT, 'docs', 'configuration.md'), 'utf8')]]) {
      const section = name === 'README.md' ? text.slice(text.indexOf('## Configuration')) : text;
      const block = blocks(section, 'yaml')[0];
      assert.ok(block, `a yaml block in ${name}`);
      assert.deepEqual(parseConfig(block).problems.map((p) => p.message), [], name);
    }
  });

  it('documents every command of the CLI exactly as --help prints it', async () => {
    const help = (await cli(['--help'], REPO_ROOT)).stdout;
    const usage = help.split('\n').filter((l) => /^ {2}deploy-readiness (?!--)/.test(l)).map((l) => l.trim());
    assert.ok(usage.length >= 7, help);
    for (const line of usage) assert.ok(readme.includes(line), `README lacks: ${line}`);
  });
});
