import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import type { Finding, Fix } from '../../../src/core/model';
import type { Dialect } from '../../../src/core/migrations/ops';
import { loadPg, type PgModule } from '../../../src/core/migrations/postgres';
import { exampleOf, migrationRules, type MigrationRule, type RuleExample } from '../../../src/core/migrations/rules';
import { applyOps, emptySchema } from '../../../src/core/migrations/schema';
import { lintSqlFile, sqlOps } from '../../../src/core/migrations/sqlfile';
import { applyEdits, removeTree, tempTree } from '../helpers';

/**
 * Every migration rule's own examples (declared in its module under src/core/migrations/rules/):
 * each `flagged` example raises the rule, no `safe` example does, and the output of every fix the
 * flagged examples offer is parsed and linted again: it raises no finding of ours it did not have,
 * other than those the rule declares (`fixMayRaise`).
 */

const OPT_IN = migrationRules.filter((r) => r.optIn).map((r) => r.id);
const FILE = 'db/migrations/002_example.sql';

interface Run {
  findings: Finding[];
  file: string;
  text: string;
}

function schemaOf(pg: PgModule, dialect: Dialect, texts: { file: string; text: string }[]) {
  const schema = emptySchema();
  for (const t of texts) applyOps(schema, sqlOps(pg, t.text, dialect).ops, t.file);
  return schema;
}

function lintExample(pg: PgModule, dialect: Dialect, ex: RuleExample, text = ex.sql, file = ex.file ?? FILE, earlier: { file: string; text: string }[] = []): Run {
  const before = [...(ex.before ? [{ file: 'db/migrations/001_before.sql', text: ex.before }] : []), ...earlier];
  const schema = before.length ? schemaOf(pg, dialect, before) : undefined;
  const { findings } = lintSqlFile(pg, text, {
    file,
    tool: ex.tool ?? 'sql',
    dialect,
    settings: { postgresVersion: ex.postgresVersion ?? 16, mysqlVersion: ex.mysqlVersion ?? '8.0', mariadb: /mariadb/i.test(ex.mysqlVersion ?? '') },
    schema,
    optIn: OPT_IN,
  });
  return { findings, file, text };
}

async function lintThroughEngine(ex: RuleExample): Promise<Finding[]> {
  const dir = tempTree({ [ex.file ?? FILE]: Buffer.from(ex.sql, 'latin1') });
  try {
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: false, areas: ['migration'] });
    return (await ws.analyze()).findings;
  } finally {
    removeTree(dir);
  }
}

const count = (fs: Finding[]) => {
  const m = new Map<string, number>();
  for (const f of fs) m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1);
  return m;
};

/** The fixed file and every file the fix creates, each linted (created files after the fixed one). */
function lintFixed(pg: PgModule, dialect: Dialect, ex: RuleExample, run: Run, fix: Fix): Run[] {
  const own = fix.edits.filter((e) => e.file === run.file && !e.create);
  const fixed = { file: run.file, text: applyEdits(run.text, own) };
  const created = new Map<string, string>();
  for (const e of fix.edits.filter((x) => x.file !== run.file || x.create)) created.set(e.file, applyEdits(created.get(e.file) ?? '', [e]));
  const out = [lintExample(pg, dialect, ex, fixed.text, fixed.file)];
  const earlier = [fixed];
  for (const [file, text] of [...created].sort(([a], [b]) => a.localeCompare(b))) {
    if (!file.endsWith('.sql')) continue;
    out.push(lintExample(pg, dialect, ex, text, file, earlier));
    earlier.push({ file, text });
  }
  return out;
}

describe('migrations: every rule\'s examples', () => {
  let pg: PgModule;
  const fixesRelinted = new Set<string>();
  before(async () => {
    pg = await loadPg();
  });

  it('every migration rule has at least one flagged example', () => {
    const without = migrationRules.filter((r) => !Object.values(r.examples).some((d) => d && d.flagged.length)).map((r) => r.id);
    assert.deepEqual(without, [], 'rules without a flagged example');
  });

  for (const rule of migrationRules as MigrationRule[]) {
    for (const [dialect, ex] of Object.entries(rule.examples) as [Dialect, NonNullable<MigrationRule['examples'][Dialect]>][]) {
      it(`${rule.id} (${dialect}): flagged examples raise it, safe ones do not, fixes raise nothing new`, async () => {
        for (const e of ex.flagged.map(exampleOf)) {
          if (e.engine) {
            const fs = await lintThroughEngine(e);
            assert.ok(fs.some((f) => f.ruleId === rule.id), `flagged example raises ${rule.id}:\n${e.sql}\ngot: ${fs.map((f) => f.ruleId).join(', ')}`);
            continue;
          }
          const run = lintExample(pg, dialect, e);
          const mine = run.findings.filter((f) => f.ruleId === rule.id);
          assert.ok(mine.length, `flagged example raises ${rule.id}:\n${e.sql}\ngot: ${run.findings.map((f) => f.ruleId).join(', ') || 'nothing'}`);
          const before = count(run.findings);
          for (const fix of mine.flatMap((f) => f.fixes ?? [])) {
            fixesRelinted.add(`${rule.id}: ${fix.title}`);
            const after = count(lintFixed(pg, dialect, e, run, fix).flatMap((r) => r.findings));
            const raised = [...after].filter(([id, n]) => n > (before.get(id) ?? 0) && !(rule.fixMayRaise ?? []).includes(id)).map(([id]) => id);
            assert.deepEqual(raised, [], `the fix "${fix.title}" of ${rule.id} raises new findings on:\n${e.sql}`);
          }
        }
        for (const e of ex.safe.map(exampleOf)) {
          const fs = e.engine ? await lintThroughEngine(e) : lintExample(pg, dialect, e).findings;
          const mine = fs.filter((f) => f.ruleId === rule.id);
          assert.deepEqual(mine.map((f) => f.message), [], `safe example does not raise ${rule.id}:\n${e.sql}`);
        }
      });
    }
  }

  it('the fixes of the flagged examples were applied and linted again (at least one per rule that has a fix)', () => {
    assert.ok(fixesRelinted.size >= 20, `${fixesRelinted.size} fixes: ${[...fixesRelinted].join('; ')}`);
  });
});
