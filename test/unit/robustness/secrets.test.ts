import * as assert from 'node:assert/strict';
import { FORMATS } from '../../../src/core/format';
import { branchRepo, removeTree, cli, writeTree } from '../helpers';
import { Sandbox } from './sandbox';

/**
 * Secrets canary: values planted in .env files (and in an example file) never appear in any output:
 * every CLI format with --verbose logging (stdout and stderr), the report and its facts.
 */
const CANARY = 'sk_live_CANARY_9f31c0de';
const CANARY_EXAMPLE = 'CANARY_EXAMPLE_PW_51aa';

describe('robustness: secrets canary', function () {
  this.timeout(60_000);
  const sandbox = new Sandbox();
  let repo: string;
  before(() => {
    repo = branchRepo(
      { '.env.example': `DATABASE_URL=postgres://app:${CANARY_EXAMPLE}@db/app\n`, 'src/db.ts': 'export const db = process.env.DATABASE_URL;\n' },
      {
        'src/pay.ts': `export const key = process.env.STRIPE_KEY;\nexport const other = process.env.OTHER_SECRET ?? '';\nexport const url = process.env.DATABASE_URL;\n`,
        'migrations/001.sql': 'CREATE INDEX i ON t (a);\n',
      },
    );
    // Uncommitted and untracked secret files, as on a developer's machine.
    writeTree(repo, {
      '.env': `STRIPE_KEY=${CANARY}\nDATABASE_URL=postgres://app:${CANARY}@db/app\n`,
      '.env.local': `OTHER_SECRET="${CANARY}"\n`,
      'services/api/.env.production': `export STRIPE_KEY='${CANARY}'\n`,
      'services/api/.env.broken': Buffer.from([0xff, 0xfe, ...Buffer.from(CANARY)]),
    });
  });
  after(async () => {
    removeTree(repo);
    await sandbox.close();
  });

  it('the report, its facts and every format rendered from it name variables, never values', async () => {
    const r = await sandbox.run({ op: 'workspace', root: repo, trusted: true, formats: true }, 'secrets canary', 30_000);
    const vars = r.report!.facts.envVars.map((v) => v.name);
    assert.ok(vars.includes('STRIPE_KEY') && vars.includes('OTHER_SECRET'), 'the variables are named');
    for (const [name, text] of Object.entries({ report: JSON.stringify(r.report), ...r.rendered })) {
      assert.ok(!text.includes(CANARY), `${name} contains the .env canary`);
      assert.ok(!text.includes(CANARY_EXAMPLE), `${name} contains the example file's value`);
    }
  });

  for (const fmt of FORMATS) {
    it(`CLI --format ${fmt} --verbose: neither stdout nor stderr contains a value`, async () => {
      const r = await cli(['check', '.', '--base', 'main', '--format', fmt, '--verbose'], repo);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /STRIPE\\?_KEY/, "the variable is named");
      for (const out of [r.stdout, r.stderr]) {
        assert.ok(!out.includes(CANARY), `--format ${fmt} leaks the .env canary`);
        assert.ok(!out.includes(CANARY_EXAMPLE), `--format ${fmt} leaks the example file's value`);
      }
    });
  }

  for (const args of [['checklist', '--base', 'main'], ['rollback-plan', '--base', 'main'], ['runbook', '--base', 'main', '--out', '-']]) {
    it(`CLI ${args[0]} (the checklist, the PR's rollback section, the runbook) names variables, never values`, async () => {
      const r = await cli([...args, '--verbose'], repo);
      assert.ok(r.code === 0 || r.code === 1, `${args[0]} exit ${r.code}: ${r.stderr}`);
      assert.match(r.stdout, /STRIPE_KEY/, 'the new variable is named');
      for (const out of [r.stdout, r.stderr]) {
        assert.ok(!out.includes(CANARY), `${args[0]} leaks the .env canary`);
        assert.ok(!out.includes(CANARY_EXAMPLE), `${args[0]} leaks the example file's value`);
      }
    });
  }
});
