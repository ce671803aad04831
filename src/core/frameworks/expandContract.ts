import type { AnalysisContext } from '../analyzer';
import type { Finding } from '../model';
import type { MigrationOp } from '../migrations/ops';
import { LineIndex } from '../text';
import { CodeSearch, modelsVisible, type CodeRef } from './codeRefs';
import { strOf, type DslCall, type Framework } from './dsl';
import type { DslLintResult } from './lint';

/**
 * Expand-contract by code search. A Rails `remove_column`/`drop_table`/`remove_reference` or a
 * Django `RemoveField`/`DeleteModel` "breaks the code still running" only if that code uses the
 * column or table. When no application code references it (at the merge base, the code running
 * now, and at head), or the Rails model running now lists it in `ignored_columns`, the drop is
 * the contract step: destructive and irreversible (a warning), not breaking (an error). When it is
 * still referenced, the error says where.
 */

const at = (r: CodeRef) => (r.line ? `${r.file}:${r.line}` : r.file);

function camelize(snake: string): string {
  return snake.replace(/(^|_)([a-z0-9])/g, (_m, _u: string, c: string) => c.toUpperCase());
}

function singularize(s: string): string {
  if (/ies$/.test(s)) return s.slice(0, -3) + 'y';
  if (/(ses|xes|zes|ches|shes)$/.test(s)) return s.slice(0, -2);
  if (/s$/.test(s) && !/ss$/.test(s)) return s.slice(0, -1);
  return s;
}

/**
 * Class names a Rails model of `table` may have: `account_transfers` → AccountTransfer, and
 * Transfer (an `Account::Transfer` in a module whose table_name_prefix is `account_`).
 */
export function railsModelNames(table: string): string[] {
  const words = singularize(table).split('_').filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) out.push(camelize(words.slice(i).join('_')));
  return out;
}

/** The names the application code would use for what `op` drops; undefined when they cannot be told. */
function namesOf(framework: Framework, op: MigrationOp, call: DslCall | undefined): { names: string[]; column?: string; what: string } | undefined {
  if (op.kind === 'drop-column') {
    const col = op.column;
    const names = [col];
    if (framework === 'rails' && call && /^remove_(reference|references|belongs_to)$/.test(call.name)) {
      const ref = strOf(call.args[call.blockTable ? 0 : 1]);
      if (ref) names.push(ref);
    }
    if (framework === 'django') {
      if (col.endsWith('_id')) names.push(col.slice(0, -3));
      else names.push(`${col}_id`);
    }
    return { names, column: col, what: `"${op.table}"."${col}"` };
  }
  if (op.kind === 'drop-table' && op.tables.length === 1) {
    const t = op.tables[0].table;
    if (framework === 'rails') return { names: [t, ...railsModelNames(t)], what: `"${t}"` };
    // Django: the model's class name is only known from the operation itself, not from raw SQL.
    const model = call?.name === 'DeleteModel' ? strOf(call.kwargs.name ?? call.args[0]) : undefined;
    return model ? { names: [model, t], what: `"${t}"` } : undefined;
  }
  return undefined;
}

function opFor(res: DslLintResult, f: Finding, offset: number): MigrationOp | undefined {
  const kind = f.ruleId === 'migration/drop-column' ? 'drop-column' : 'drop-table';
  const cands = res.mapped.ops.filter((op) => op.kind === kind && op.span.start <= offset && offset <= op.span.end);
  if (cands.length <= 1) return cands[0];
  return cands.find((op) => op.kind === 'drop-column' && f.message.includes(`."${op.column}"`)) ?? cands[0];
}

export async function expandContract(ctx: AnalysisContext, framework: Framework, path: string, text: string, res: DslLintResult, findings: Finding[]): Promise<Finding[]> {
  if (framework !== 'rails' && framework !== 'django') return findings;
  const drops = findings.filter((f) => (f.ruleId === 'migration/drop-column' || f.ruleId === 'migration/drop-table') && f.severity === 'error' && !f.data?.contractStep && !f.data?.acknowledged);
  if (!drops.length || !modelsVisible(ctx.files, framework, path)) return findings;
  const search = CodeSearch.for(ctx, framework);
  if (!search.fileCount) return findings;
  const index = new LineIndex(text);
  const out = new Map<Finding, Finding>();
  for (const f of drops) {
    if (ctx.signal.aborted) break;
    const op = opFor(res, f, index.offsetAt(f.range.start));
    const target = op ? namesOf(framework, op, res.mapped.origin.get(op)) : undefined;
    if (!op || !target) continue;
    const base = await search.atBase(target.names);
    const head = await search.atHead(target.names);
    const running = base ?? head;
    const lockText = f.message.indexOf(' Takes ');
    const suffix = lockText >= 0 ? f.message.slice(lockText) : '';
    const ignored = framework === 'rails' && target.column ? running.ignored : undefined;
    const searched = `${search.fileCount} application file${search.fileCount === 1 ? '' : 's'} searched, migrations and tests excluded`;
    if (ignored) {
      out.set(f, contract(f, `${target.what} is the contract step of expand-contract: the model running now ignores it (\`ignored_columns\` in ${at(ignored)}), so the running code is not broken`, suffix, { ignoredIn: at(ignored) }));
      continue;
    }
    const cut = lockText >= 0 ? f.message.slice(0, lockText) : f.message;
    if (framework === 'rails' && op.kind === 'drop-column') {
      // ActiveRecord caches every column of a model's table and its INSERTs list them all: while the
      // running code has a model on this table, only ignored_columns makes the drop safe.
      // The model: its class name anywhere, or the table name in app/models (`self.table_name = "…"`).
      const models = railsModelNames(op.table);
      const inModels = (file: string) => /(^|\/)app\/models\//.test(file);
      const names = [...models, op.table];
      const model = (await search.atBase(names, inModels))?.ref ?? (await search.atBase(models))?.ref ?? (await search.atHead(names, inModels)).ref ?? (await search.atHead(models)).ref;
      if (model) {
        const headIgnore = head.ignored ? ` (\`ignored_columns\` at ${at(head.ignored)} is added on this branch: deploy it first, drop the column in a later release)` : '';
        out.set(f, { ...f, message: `${cut} The model of "${op.table}" (${at(model)}) caches its columns and its INSERTs list every one: list ${target.column} in \`self.ignored_columns\` in a release first${headIgnore}.${base?.ref || head.ref ? ` It is also used at ${at((base?.ref ?? head.ref)!)}.` : ''}${suffix}`, data: { ...(f.data ?? {}), referencedAt: at(model) } });
        continue;
      }
    }
    if (framework === 'rails' && op.kind === 'drop-table') {
      const gem = await search.gemFor(op.tables[0].table);
      if (gem) {
        out.set(f, { ...f, message: `${cut} The gem ${gem.name} (${at(gem.at)}) owns it and the running code still loads that gem.${suffix}`, data: { ...(f.data ?? {}), referencedAt: at(gem.at) } });
        continue;
      }
    }
    if (!base?.ref && !head.ref) {
      if (!search.hasBase) {
        // Without the code running now this proves nothing: the field usually leaves the model in the
        // same change that drops it (on healthchecks' history, every such drop did).
        out.set(f, { ...f, message: `${cut} No application code references it at head (${searched}); without a merge base the code running now could not be searched: if the release running now no longer uses it either, this is the contract step.${suffix}` });
        continue;
      }
      out.set(f, contract(f, `${target.what} is the contract step of expand-contract: no application code references it at the merge base (the code running now) or at head (${searched}), so the running code is not broken`, suffix, { codeSearch: { files: search.fileCount, base: true } }));
      continue;
    }
    const ref = base?.ref ?? head.ref!;
    const headIgnore = framework === 'rails' && target.column && head.ignored && base?.ref ? ` \`ignored_columns\` is added on this branch (${at(head.ignored)}): deploy that first and drop the column in a later release.` : '';
    const still = base?.ref ? `The code running now still uses it: ${at(ref)}${head.ref && at(head.ref) !== at(ref) ? ` (and at head: ${at(head.ref)})` : ''}.` : `It is still referenced at head: ${at(ref)}.`;
    out.set(f, { ...f, message: `${cut} ${still}${headIgnore}${suffix}`, data: { ...(f.data ?? {}), referencedAt: at(ref) } });
  }
  return findings.map((f) => out.get(f) ?? f);
}

function contract(f: Finding, why: string, suffix: string, extra: Record<string, unknown>): Finding {
  const { fixes: _fixes, ...rest } = f;
  return {
    ...rest,
    severity: 'warning',
    message: `Dropping ${why}. It still deletes the data for good: back it up first; this migration cannot be reversed.${suffix}`,
    data: { ...(f.data ?? {}), contractStep: true, irreversible: true, backwardCompatible: true, ...extra },
  };
}
