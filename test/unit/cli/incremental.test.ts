import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { defaultConfig } from '../../../src/core/config';
import type { Report } from '../../../src/core/model';
import { AnalysisService } from '../../../src/core/service';
import { silentLogger } from '../../../src/core/analyzer';
import { parseCounts, resetParseCounts } from '../../../src/core/source/service';
import { branchRepo, removeTree } from '../helpers';

async function check(dir: string, ...extra: string[]): Promise<Report> {
  let stdout = '';
  const code = await main(['check', '--base', 'main', '--format', 'json', '--fail-on', 'never', ...extra], { stdout: (s) => (stdout += s), stderr: () => undefined, cwd: dir, env: { NO_COLOR: '1' } });
  assert.equal(code, 0, stdout);
  return JSON.parse(stdout) as Report;
}

/** The report without its timing (how long, and what was reused, differ by design); the worker's has its facts too. */
const sameAs = (r: Report) => JSON.stringify({ ...r, timing: undefined });

/** A repository with a base and a branch: env reads in several files, a migration sequence, an API document. */
function repo(): string {
  const base: Record<string, string> = {
    '.env.example': 'DATABASE_URL=\nREDIS_URL=\n',
    'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n',
    'api/openapi.yaml': 'openapi: 3.0.3\ninfo: { title: S, version: 1.0.0 }\npaths:\n  /health:\n    get:\n      responses:\n        "200": { description: ok }\n  /users:\n    get:\n      responses:\n        "200": { description: ok }\n',
  };
  for (let i = 0; i < 6; i++) base[`src/m${i}.ts`] = `export const a${i} = process.env.DATABASE_URL;\nexport const b${i} = process.env.REDIS_URL ?? 'x';\n`;
  // feature flags (the stale-flag rule reads every file naming an SDK; the plan facts, the changed ones at head and base)
  for (let i = 0; i < 3; i++) base[`src/flags${i}.ts`] = `import posthog from 'posthog-js';\nexport const f${i} = () => posthog.isFeatureEnabled('flag-${i}');\n`;
  return branchRepo(base, {
    'src/flags1.ts': `import posthog from 'posthog-js';\nexport const f1 = () => posthog.isFeatureEnabled('flag-1') && posthog.isFeatureEnabled('new-checkout');\n`,
    'db/migrations/002_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n',
    'db/migrations/003_idx.sql': 'CREATE INDEX orders_user_idx ON orders (user_id);\nALTER TABLE users ADD COLUMN name text NOT NULL;\n',
    'src/new.ts': `export const c = process.env.STRIPE_KEY;\n`,
    'api/openapi.yaml': 'openapi: 3.0.3\ninfo: { title: S, version: 1.0.0 }\npaths:\n  /health:\n    get:\n      responses:\n        "200": { description: ok }\n',
  });
}

/** documenso's upload providers: a class whose reads are optional because only a `case` of a switch on an env value builds it. */
const PROVIDERS = 'packages/lib/upload/providers';
function providerIndex(extra: string): string {
  return [
    "import { env } from '../../utils/env';",
    "import { AzureBlobProvider } from './azure-blob-provider';",
    'export const getStorageProvider = () => {',
    "  const transport = env('NEXT_PUBLIC_UPLOAD_TRANSPORT');",
    '  switch (transport) {',
    "    case 'azure-blob':",
    '      return new AzureBlobProvider();',
    '    default:',
    '      throw new Error(`Invalid transport: "${transport}"`);',
    '  }',
    '};',
    extra,
  ].join('\n');
}
const AZURE = [
  "import { env } from '../../utils/env';",
  'export class AzureBlobProvider {',
  '  name: string;',
  '  constructor() {',
  "    this.name = String(env('NEXT_PRIVATE_UPLOAD_AZURE_ACCOUNT_NAME'));",
  '  }',
  '}',
  '',
].join('\n');
function gateRepo(): string {
  const env = ['export const env = (variable: string): string | undefined => {', "  if (typeof window !== 'undefined') return undefined;", '  return process?.env?.[variable];', '};', ''].join('\n');
  return branchRepo(
    { '.env.example': 'NEXT_PUBLIC_UPLOAD_TRANSPORT=database\n', 'README.md': 'x\n' },
    { 'packages/lib/utils/env.ts': env, [`${PROVIDERS}/azure-blob-provider.ts`]: AZURE, [`${PROVIDERS}/index.ts`]: providerIndex('') },
  );
}
const accountFinding = (r: Report) => r.findings.find((f) => f.ruleId === 'env/missing-from-example' && f.data?.variable === 'NEXT_PRIVATE_UPLOAD_AZURE_ACCOUNT_NAME');

describe('incremental analysis: a change to one file re-analyses that file', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => dirs.forEach(removeTree));

  it('CLI: after editing one source file, only it is analysed again and the report equals a from-scratch one', async () => {
    const dir = repo();
    dirs.push(dir);
    const cold = await check(dir);
    assert.ok((cold.timing?.reanalysed ?? 0) >= 10, `a cold run analyses every file (${cold.timing?.reanalysed})`);
    assert.ok(existsSync(path.join(dir, '.git', 'deploy-readiness', 'cache', 'files.memo')), 'per-file results saved next to the report cache');
    assert.equal(sameAs(cold), sameAs(await check(dir, '--no-cache')));

    // One file changes: a new variable is read there.
    writeFileSync(path.join(dir, 'src/m3.ts'), `export const a3 = process.env.DATABASE_URL;\nexport const q = process.env.QUEUE_URL;\n`);
    resetParseCounts();
    const warm = await check(dir);
    assert.equal(warm.timing?.cached, false);
    assert.equal(warm.timing?.reanalysed, 1, 'only the edited file is analysed again');
    assert.ok((warm.timing?.reused ?? 0) >= 10, `the other files' results are reused (${warm.timing?.reused})`);
    assert.deepEqual([...parseCounts().byFile.keys()], ['src/m3.ts'], 'only the edited file is parsed');
    assert.ok(warm.findings.some((f) => f.ruleId === 'env/missing-from-example' && f.message.includes('QUEUE_URL')), JSON.stringify(warm.findings.map((f) => f.message)));

    const scratch = await check(dir, '--no-cache');
    assert.equal(scratch.timing?.reanalysed, cold.timing?.reanalysed, '--no-cache analyses every file');
    assert.equal(sameAs(warm), sameAs(scratch), 'the incremental report is the from-scratch report');

    // A run over part of the repository does not replace the saved results with its own few.
    await check(dir, 'src/m3.ts');
    writeFileSync(path.join(dir, 'src/m4.ts'), 'export const m4 = process.env.REDIS_URL;\n');
    assert.equal((await check(dir)).timing?.reanalysed, 1);
  });

  it('CLI: editing the file that gates a provider (its switch) changes the provider\'s findings, with only the edited file parsed', async () => {
    const dir = gateRepo();
    dirs.push(dir);
    const cold = await check(dir);
    assert.equal(accountFinding(cold)?.severity, 'warning', JSON.stringify(cold.findings.map((f) => f.message)));
    assert.match(accountFinding(cold)!.message, /only used where NEXT_PUBLIC_UPLOAD_TRANSPORT selects it \(packages\/lib\/upload\/providers\/index\.ts:6\)/);

    // The gating file now also builds the provider where nothing selects it: the provider's read is required again.
    const indexPath = path.join(dir, 'packages/lib/upload/providers/index.ts');
    writeFileSync(indexPath, providerIndex('export const fallback = () => new AzureBlobProvider();\n'));
    resetParseCounts();
    const open = await check(dir);
    assert.deepEqual([...parseCounts().byFile.keys()], ['packages/lib/upload/providers/index.ts'], 'only the gating file is parsed');
    assert.equal(open.timing?.reanalysed, 1);
    assert.equal(accountFinding(open)?.severity, 'error', 'the provider\'s cached per-file results are joined with the gating file\'s new uses');
    assert.equal(sameAs(open), sameAs(await check(dir, '--no-cache')));

    // Gated again, two lines lower: the finding names the new line.
    writeFileSync(indexPath, '// storage\n// providers\n' + providerIndex(''));
    resetParseCounts();
    const gatedAgain = await check(dir);
    assert.deepEqual([...parseCounts().byFile.keys()], ['packages/lib/upload/providers/index.ts']);
    assert.equal(accountFinding(gatedAgain)?.severity, 'warning');
    assert.match(accountFinding(gatedAgain)!.message, /providers\/index\.ts:8\)/);
    assert.equal(sameAs(gatedAgain), sameAs(await check(dir, '--no-cache')));

    // An edit to the gated file: its new read is gated too, and only it is parsed.
    writeFileSync(path.join(dir, 'packages/lib/upload/providers/azure-blob-provider.ts'), AZURE.replace('  }\n}', "    this.name += String(env('NEXT_PRIVATE_UPLOAD_AZURE_CONTAINER'));\n  }\n}"));
    resetParseCounts();
    const edited = await check(dir);
    assert.deepEqual([...parseCounts().byFile.keys()], ['packages/lib/upload/providers/azure-blob-provider.ts']);
    const container = edited.findings.find((f) => f.data?.variable === 'NEXT_PRIVATE_UPLOAD_AZURE_CONTAINER');
    assert.equal(container?.severity, 'warning', JSON.stringify(edited.findings.map((f) => f.message)));
    assert.equal(sameAs(edited), sameAs(await check(dir, '--no-cache')));
  });

  it('CLI: editing a migration re-analyses it; later migrations see the new schema', async () => {
    const dir = repo();
    dirs.push(dir);
    const cold = await check(dir);
    const indexOn003 = (r: Report) => r.findings.some((f) => f.file === 'db/migrations/003_idx.sql' && f.ruleId === 'migration/require-concurrent-index');
    assert.equal(indexOn003(cold), false, 'an index on a table the branch creates needs no CONCURRENTLY');
    // 002 no longer creates orders: 003's index is now on a table the branch did not create.
    writeFileSync(path.join(dir, 'db/migrations/002_orders.sql'), 'CREATE TABLE orders2 (id bigint PRIMARY KEY, user_id bigint);\n');
    const warm = await check(dir);
    assert.equal(warm.timing?.reanalysed, 1);
    const scratch = await check(dir, '--no-cache');
    assert.equal(sameAs(warm), sameAs(scratch));
    assert.ok(indexOn003(warm), 'the later file is linted against the new schema');
  });

  it('CLI: editing a file an API document $refs re-analyses the document (its results name what they read)', async () => {
    const users = 'openapi: 3.0.3\ninfo: { title: U, version: 1.0.0 }\npaths:\n  /users:\n    get:\n      responses:\n        "200":\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: "./user.yaml#/User" }\n';
    const user = 'User:\n  type: object\n  required: [id, email]\n  properties:\n    id: { type: string }\n    email: { type: string }\n';
    const dir = branchRepo({ 'api/users.yaml': users, 'api/user.yaml': user }, { 'README.md': 'x\n' });
    dirs.push(dir);
    const cold = await check(dir);
    assert.equal(cold.findings.filter((f) => f.area === 'api').length, 0);
    writeFileSync(path.join(dir, 'api/user.yaml'), user.replace('    email: { type: string }\n', '').replace('[id, email]', '[id]'));
    const warm = await check(dir);
    assert.ok(warm.findings.some((f) => f.area === 'api' && f.file === 'api/user.yaml'), JSON.stringify(warm.findings.map((f) => [f.ruleId, f.file])));
    assert.equal(sameAs(warm), sameAs(await check(dir, '--no-cache')));
  });

  it('CLI: the saved results follow the configuration; a damaged file is ignored', async () => {
    const dir = repo();
    dirs.push(dir);
    await check(dir);
    const memo = path.join(dir, '.git', 'deploy-readiness', 'cache', 'files.memo');
    writeFileSync(memo, readFileSync(memo, 'utf8').slice(0, 200) + '\n"x\t{{{\n');
    writeFileSync(path.join(dir, 'src/m1.ts'), 'export const z = 1;\n');
    const damaged = await check(dir);
    assert.ok((damaged.timing?.reanalysed ?? 0) > 1, 'nothing reused from a damaged file');
    assert.equal(sameAs(damaged), sameAs(await check(dir, '--no-cache')));
    writeFileSync(path.join(dir, '.deploy-readiness.yaml'), 'env:\n  ignore: [REDIS_URL]\n');
    const other = await check(dir);
    assert.ok((other.timing?.reanalysed ?? 0) > 1, 'another configuration analyses every file again');
    assert.equal(sameAs(other), sameAs(await check(dir, '--no-cache')));
  });

  it('worker: editing the file that gates a provider changes the provider\'s findings; only that file is analysed again', async () => {
    const dir = gateRepo();
    dirs.push(dir);
    const service = new AnalysisService(silentLogger);
    const open = () => service.call('open', { root: dir, config: defaultConfig(), trusted: true, overlays: {}, baseRef: 'main' });
    await open();
    assert.equal(accountFinding((await service.call('analyze', {})).report)?.severity, 'warning');
    writeFileSync(path.join(dir, PROVIDERS, 'index.ts'), providerIndex('export const fallback = () => new AzureBlobProvider();\n'));
    await open();
    resetParseCounts();
    const open2 = (await service.call('analyze', {})).report;
    assert.equal(open2.timing?.reanalysed, 1);
    assert.deepEqual([...parseCounts().byFile.keys()], [`${PROVIDERS}/index.ts`]);
    assert.equal(accountFinding(open2)?.severity, 'error');
    // and back: the provider's reads (gated by the last run, kept in memory) are gated again
    writeFileSync(path.join(dir, PROVIDERS, 'index.ts'), providerIndex(''));
    await open();
    const gated = (await service.call('analyze', {})).report;
    assert.equal(accountFinding(gated)?.severity, 'warning');
    const fresh = new AnalysisService(silentLogger);
    await fresh.call('open', { root: dir, config: defaultConfig(), trusted: true, overlays: {}, baseRef: 'main' });
    assert.equal(sameAs(gated), sameAs((await fresh.call('analyze', {})).report));
  });

  it('worker: a full analysis after an edit re-analyses that file (results kept in memory)', async () => {
    const dir = repo();
    dirs.push(dir);
    const service = new AnalysisService(silentLogger);
    const open = () => service.call('open', { root: dir, config: defaultConfig(), trusted: true, overlays: {}, baseRef: 'main' });
    await open();
    const first = (await service.call('analyze', {})).report;
    assert.ok((first.timing?.reanalysed ?? 0) >= 10);
    writeFileSync(path.join(dir, 'src/m2.ts'), 'export const y = process.env.SENTRY_DSN;\n');
    await open();
    const second = (await service.call('analyze', {})).report;
    assert.equal(second.timing?.reanalysed, 1);
    const fresh = new AnalysisService(silentLogger);
    await fresh.call('open', { root: dir, config: defaultConfig(), trusted: true, overlays: {}, baseRef: 'main' });
    const scratch = (await fresh.call('analyze', {})).report;
    assert.equal(sameAs(second), sameAs(scratch));
    assert.ok(second.facts.envVars.some((v) => v.name === 'SENTRY_DSN'));
  });
});
