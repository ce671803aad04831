import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../../src/core/config';
import { Workspace } from '../../../src/core/engine';
import type { Finding, Report } from '../../../src/core/model';
import { DiskReader, OverlayReader } from '../../../src/core/reader';
import { scratchDirs } from '../helpers';

/** Reads only reached when another variable selects the code (feature gates, in a file and across files). */
async function analyze(root: string): Promise<Report> {
  const ws = await Workspace.open({ root, config: defaultConfig(), trusted: false, areas: ['env'] });
  return ws.analyze();
}
const missing = (r: Report): Finding[] => r.findings.filter((f) => f.ruleId === 'env/missing-from-example');
/** variable → severity of its missing-from-example finding in `file` */
const severities = (r: Report, file: string): Record<string, string> => Object.fromEntries(missing(r).filter((f) => f.file === file).map((f) => [f.data?.variable, f.severity]));

const ENV_HELPER = [
  'export const env = (variable: string): string | undefined => {',
  "  if (typeof window !== 'undefined' && typeof window.__ENV__ === 'object') return window.__ENV__[variable];",
  "  return typeof process !== 'undefined' ? process?.env?.[variable] : undefined;",
  '};',
  '',
].join('\n');

describe('env analysis: feature gates', () => {
  const { tree } = scratchDirs();

  it('a provider class constructed only in `case` of a switch on an env value (documenso upload transport) reads optional variables; a class also constructed unconditionally stays required', async () => {
    const dir = tree({
      '.env.example': 'NEXT_PUBLIC_UPLOAD_TRANSPORT="database"\n',
      'packages/lib/utils/env.ts': ENV_HELPER,
      'packages/lib/upload/providers/azure-blob-provider.ts': [
        "import { env } from '../../utils/env';",
        'export class AzureBlobProvider {',
        '  private containerName: string;',
        '  constructor() {',
        "    const accountName = String(env('NEXT_PRIVATE_UPLOAD_AZURE_ACCOUNT_NAME'));",
        "    this.containerName = String(env('NEXT_PRIVATE_UPLOAD_AZURE_CONTAINER'));",
        '  }',
        '}',
        '',
      ].join('\n'),
      'packages/lib/upload/providers/s3-provider.ts': [
        "import { env } from '../../utils/env';",
        'export class S3Provider {',
        '  bucket: string;',
        '  constructor() {',
        "    this.bucket = String(env('NEXT_PRIVATE_UPLOAD_BUCKET'));",
        '  }',
        '}',
        '',
      ].join('\n'),
      'packages/lib/upload/providers/index.ts': [
        "import { env } from '../../utils/env';",
        "import { AzureBlobProvider } from './azure-blob-provider';",
        "import { S3Provider } from './s3-provider';",
        'let cached: unknown = null;',
        'export const getStorageProvider = () => {',
        '  if (cached) return cached;',
        "  const transport = env('NEXT_PUBLIC_UPLOAD_TRANSPORT');",
        '  switch (transport) {',
        "    case 's3':",
        '      cached = new S3Provider();',
        '      return cached;',
        "    case 'azure-blob':",
        '      cached = new AzureBlobProvider();',
        '      return cached;',
        '    default:',
        '      throw new Error(`Invalid transport: "${transport}"`);',
        '  }',
        '};',
        '',
      ].join('\n'),
      // the control: S3Provider is also built where nothing selects it
      'packages/lib/upload/backup.ts': "import { S3Provider } from './providers/s3-provider';\nexport const backups = new S3Provider();\n",
    });
    const r = await analyze(dir);
    assert.deepEqual(severities(r, 'packages/lib/upload/providers/azure-blob-provider.ts'), { NEXT_PRIVATE_UPLOAD_AZURE_ACCOUNT_NAME: 'warning', NEXT_PRIVATE_UPLOAD_AZURE_CONTAINER: 'warning' });
    assert.deepEqual(severities(r, 'packages/lib/upload/providers/s3-provider.ts'), { NEXT_PRIVATE_UPLOAD_BUCKET: 'error' });
    const azure = missing(r).find((f) => f.data?.variable === 'NEXT_PRIVATE_UPLOAD_AZURE_ACCOUNT_NAME')!;
    assert.equal(azure.data?.use, 'optional');
    assert.match(azure.message, /AzureBlobProvider is only used where NEXT_PUBLIC_UPLOAD_TRANSPORT selects it \(packages\/lib\/upload\/providers\/index\.ts:12\)/);
    // the declare fix writes an optional variable commented out, not an empty required value
    assert.match(azure.fixes![0].edits[0].newText, /^# Optional: .*\n# NEXT_PRIVATE_UPLOAD_AZURE_ACCOUNT_NAME=\n/);
  });

  it('a read at the top level of a module imported under the gate stays required (it runs on import); a module whose class is only imported, never used, stays required', async () => {
    const dir = tree({
      '.env.example': 'STORAGE=\n',
      'src/azure.ts': "export const key = process.env.AZURE_TOP_KEY!;\nexport class Azure { constructor() { this.k = key; } }\n",
      'src/unused.ts': 'export class Unused { constructor() { this.k = process.env.UNUSED_CLASS_KEY!; } }\n',
      'src/index.ts': [
        "import { Azure } from './azure';",
        "import { Unused } from './unused';",
        "export const make = () => (process.env.STORAGE === 'azure' ? new Azure() : null);",
        '',
      ].join('\n'),
    });
    const r = await analyze(dir);
    assert.deepEqual(severities(r, 'src/azure.ts'), { AZURE_TOP_KEY: 'error' });
    assert.deepEqual(severities(r, 'src/unused.ts'), { UNUSED_CLASS_KEY: 'error' });
  });

  it('a function only called under `if (process.env.X)` in another file, or destructured from a dynamic import in such a branch, reads optional variables; the same shape called anywhere else stays required', async () => {
    const dir = tree({
      '.env.example': 'ENABLE_BILLING=\nSEARCH_BACKEND=\nENABLE_QUEUE=\n',
      'src/billing.ts': 'export function startBilling() {\n  return connect(process.env.STRIPE_SECRET_KEY!);\n}\n',
      'src/search/meili.ts': 'export const createMeili = () => new Client({ key: process.env.MEILI_MASTER_KEY! });\n',
      'src/mailer.ts': 'export function startMailer() {\n  return smtp(process.env.SMTP_PASSWORD!);\n}\n',
      // CommonJS: the destructuring require at the top is the import, the call under the flag the use
      'lib/queue.js': 'function startQueue() {\n  return connect(process.env.QUEUE_URL);\n}\nmodule.exports = { startQueue };\n',
      'lib/main.js': "const { startQueue } = require('./queue');\nif (process.env.ENABLE_QUEUE === 'true') startQueue();\n",
      'src/server.ts': [
        "import { startBilling } from './billing';",
        "import { startMailer } from './mailer';",
        'export async function boot() {',
        '  if (process.env.ENABLE_BILLING) {',
        '    startBilling();',
        '  }',
        "  if (process.env.SEARCH_BACKEND === 'meili') {",
        "    const { createMeili } = await import('./search/meili');",
        '    createMeili();',
        '  }',
        '  startMailer();',
        '}',
        '',
      ].join('\n'),
    });
    const r = await analyze(dir);
    assert.deepEqual(severities(r, 'src/billing.ts'), { STRIPE_SECRET_KEY: 'warning' });
    assert.deepEqual(severities(r, 'src/search/meili.ts'), { MEILI_MASTER_KEY: 'warning' });
    assert.deepEqual(severities(r, 'src/mailer.ts'), { SMTP_PASSWORD: 'error' });
    assert.deepEqual(severities(r, 'lib/queue.js'), { QUEUE_URL: 'warning' });
    assert.match(missing(r).find((f) => f.data?.variable === 'STRIPE_SECRET_KEY')!.message, /startBilling is only used where ENABLE_BILLING selects it \(src\/server\.ts:4\)/);
  });

  it('a module only loaded by `import()` in an env-selected branch reads optional variables at its top level; one also imported statically, or through an alias, stays required', async () => {
    const dir = tree({
      '.env.example': 'SENTRY_ENABLED=\nOTEL=\nTRACING=\n',
      'src/instrument.ts': 'Sentry.init({ dsn: process.env.SENTRY_DSN! });\n',
      'src/otel.ts': 'start({ token: process.env.OTEL_TOKEN! });\n',
      'src/lib/tracing/index.ts': 'export const tracer = create(process.env.TRACING_KEY!);\n',
      'src/server.ts': [
        'export async function boot() {',
        "  if (process.env.SENTRY_ENABLED === 'true') {",
        "    await import('./instrument');",
        '  }',
        "  if (process.env.OTEL === '1') await import('./otel.js');",
        "  if (process.env.TRACING) await import('./lib/tracing');",
        '}',
        '',
      ].join('\n'),
      'src/worker.ts': "import './otel';\nimport { tracer } from '@/lib/tracing';\n",
      // Next.js sets NEXT_RUNTIME on every server: this loads Sentry in production
      'instrumentation.ts': "export async function register() {\n  if (process.env.NEXT_RUNTIME === 'nodejs') await import('./sentry.server.config');\n}\n",
      'sentry.server.config.ts': 'Sentry.init({ dsn: String(process.env.SENTRY_SERVER_DSN) });\n',
    });
    const r = await analyze(dir);
    assert.deepEqual(severities(r, 'src/instrument.ts'), { SENTRY_DSN: 'warning' });
    assert.match(missing(r).find((f) => f.data?.variable === 'SENTRY_DSN')!.message, /only imported by `import\(\)` where SENTRY_ENABLED selects it \(src\/server\.ts:2\)/);
    assert.deepEqual(severities(r, 'src/otel.ts'), { OTEL_TOKEN: 'error' });
    assert.deepEqual(severities(r, 'src/lib/tracing/index.ts'), { TRACING_KEY: 'error' });
    assert.deepEqual(severities(r, 'sentry.server.config.ts'), { SENTRY_SERVER_DSN: 'error' });
  });

  it('a comparison with the value a local falls back to when unset is no gate (documenso mailer transport)', async () => {
    const dir = tree({
      '.env.example': 'SMTP_TRANSPORT=\n',
      'mailer.ts': [
        "const transport = process.env.SMTP_TRANSPORT ?? 'smtp-auth';",
        "const driver = process.env.DB_DRIVER || defaultDriver();",
        "if (transport === 'resend') send(String(process.env.RESEND_API_KEY));",
        "if (transport === 'smtp-auth') send(String(process.env.SMTP_PASSWORD));",
        'switch (driver) {',
        "  case 'postgres': connect(String(process.env.DATABASE_URL));",
        '}',
        '',
      ].join('\n'),
    });
    const r = await analyze(dir);
    assert.deepEqual(severities(r, 'mailer.ts'), { DB_DRIVER: 'warning', RESEND_API_KEY: 'warning', SMTP_PASSWORD: 'error', DATABASE_URL: 'error' });
  });

  it('in one file: a branch on a local only set under an env test, or on a flag compared to a feature value, is optional; a branch on the deployment stage is not a feature', async () => {
    const dir = tree({
      '.env.example': 'PR_ID=\nPREVIEW_BUILD=\n',
      'next.config.mjs': [
        "const PREVIEW_BUILD = process.env.PREVIEW_BUILD === '1'",
        "let previewBasePath = ''",
        'if (process.env.PR_ID && process.env.PREVIEW_HOST) {',
        '  previewBasePath = `/pr-${process.env.PR_ID}`',
        '}',
        "const isProd = process.env.NODE_ENV === 'production'",
        'export default {',
        '  ...(previewBasePath && {',
        '    basePath: previewBasePath,',
        '    env: { API_URL: `https://${process.env.PREVIEW_BACKEND_HOST}:8443${previewBasePath}` },',
        '  }),',
        '  ...(PREVIEW_BUILD && { sentry: String(process.env.PREVIEW_SENTRY_TOKEN) }),',
        '  ...(isProd && { db: String(process.env.PROD_DATABASE_URL) }),',
        '  secret: String(process.env.ALWAYS_SECRET),',
        '}',
        '',
      ].join('\n'),
    });
    const r = await analyze(dir);
    assert.deepEqual(severities(r, 'next.config.mjs'), {
      PREVIEW_HOST: 'warning',
      PREVIEW_BACKEND_HOST: 'warning',
      PREVIEW_SENTRY_TOKEN: 'warning',
      PROD_DATABASE_URL: 'error',
      ALWAYS_SECRET: 'error',
    });
    assert.match(missing(r).find((f) => f.data?.variable === 'PREVIEW_BACKEND_HOST')!.message, /The read on line 10 is only reached when PR_ID, PREVIEW_HOST select the branch at next\.config\.mjs:8\./);
  });

  it('a route under a feature folder whose page tests the variables as a feature switch (polar AI chat) reads optional ones; the same read outside the folder, or tested only at the app root, stays required', async () => {
    const feature = 'src/app/dashboard/products/new/ai';
    const dir = tree({
      '.env.template': 'NEXT_PUBLIC_API_URL=\n',
      [`${feature}/page.tsx`]: [
        'const isAssistantEnabled = Boolean(',
        '  process.env.MCP_OAUTH2_CLIENT_ID &&',
        '  process.env.GRAM_API_KEY,',
        ')',
        'export default async function Page() {',
        "  if (!isAssistantEnabled) redirect('/dashboard')",
        '  return <AIProductPage />',
        '}',
        '',
      ].join('\n'),
      [`${feature}/chat/route.ts`]: [
        'async function getMCPClient() {',
        '  return connect({ id: process.env.MCP_OAUTH2_CLIENT_ID!, auth: `Bearer ${process.env.GRAM_API_KEY}` })',
        '}',
        'export async function POST() { return getMCPClient() }',
        '',
      ].join('\n'),
      'src/utils/gram.ts': 'export const gram = () => fetch(url, { headers: { key: process.env.GRAM_API_KEY! } })\n',
      // a one-off test of one variable is a use, not a feature switch
      'src/root.ts': 'export const tracing = process.env.TRACE_TOKEN ? start() : null\n',
      'src/app/trace/route.ts': 'export const POST = () => send(process.env.TRACE_TOKEN!)\n',
      // a flag local of one variable is one
      'src/features/search/index.ts': 'export const searchEnabled = !!process.env.TYPESENSE_KEY\n',
      'src/features/search/client/typesense.ts': 'export const client = () => new Typesense({ apiKey: process.env.TYPESENSE_KEY! })\n',
    });
    const r = await analyze(dir);
    assert.deepEqual(severities(r, `${feature}/chat/route.ts`), { MCP_OAUTH2_CLIENT_ID: 'warning', GRAM_API_KEY: 'warning' });
    assert.match(missing(r).find((f) => f.file.endsWith('chat/route.ts') && f.data?.variable === 'GRAM_API_KEY')!.message, /tested for presence as a feature switch in src\/app\/dashboard\/products\/new\/ai\/page\.tsx:3/);
    assert.deepEqual(severities(r, 'src/utils/gram.ts'), { GRAM_API_KEY: 'error' });
    assert.deepEqual(severities(r, 'src/app/trace/route.ts'), { TRACE_TOKEN: 'error' });
    assert.deepEqual(severities(r, 'src/features/search/client/typesense.ts'), { TYPESENSE_KEY: 'warning' });
  });

  it('a presence test in a file beside the example file (the app root) is app-wide, not a feature folder: reads elsewhere stay required', async () => {
    const dir = tree({
      '.env.example': 'A=\n',
      'next.config.mjs': 'const hasFrontend = Boolean(process.env.FRONTEND_URL)\nexport default { hasFrontend }\n',
      'src/url.ts': 'export const base = new URL(process.env.FRONTEND_URL!)\n',
    });
    const r = await analyze(dir);
    assert.deepEqual(severities(r, 'src/url.ts'), { FRONTEND_URL: 'error' });
  });

  it('controls that stay required: a local shadowed by a parameter, a default-exported class, a function also used from a Vue component', async () => {
    const dir = tree({
      '.env.example': 'TRANSPORT=\n',
      'src/shadow.ts': [
        "const transport = process.env.TRANSPORT;",
        'export function send(transport: string) {',
        "  if (transport === 'smtp') return connect(process.env.SMTP_PASSWORD!);",
        '}',
        '',
      ].join('\n'),
      'src/azure.ts': 'export default class AzureProvider {\n  constructor() { this.key = process.env.AZURE_KEY!; }\n}\n',
      'src/sms.ts': 'export function sendSms() {\n  return twilio(process.env.TWILIO_TOKEN!);\n}\n',
      'src/index.ts': [
        "import AzureProvider from './azure';",
        "import { sendSms } from './sms';",
        "if (process.env.TRANSPORT === 'azure') new AzureProvider();",
        "if (process.env.TRANSPORT === 'sms') sendSms();",
        '',
      ].join('\n'),
      'src/components/Notify.vue': "<script setup lang=\"ts\">\nimport { sendSms } from '../sms';\nsendSms();\n</script>\n",
    });
    const r = await analyze(dir);
    assert.deepEqual(severities(r, 'src/shadow.ts'), { SMTP_PASSWORD: 'error' });
    assert.deepEqual(severities(r, 'src/azure.ts'), { AZURE_KEY: 'error' });
    assert.deepEqual(severities(r, 'src/sms.ts'), { TWILIO_TOKEN: 'error' });
  });

  it('editing one file keeps the gates found by the last full run, and a new ungated read in it is required', async () => {
    const dir = tree({
      '.env.example': 'ENABLE_BILLING=\n',
      'src/billing.ts': 'export function startBilling() {\n  return connect(process.env.STRIPE_SECRET_KEY!);\n}\n',
      'src/server.ts': "import { startBilling } from './billing';\nif (process.env.ENABLE_BILLING) startBilling();\n",
    });
    const reader = new OverlayReader(new DiskReader(dir, 1e6));
    const ws = await Workspace.open({ root: dir, config: defaultConfig(), trusted: false, reader, areas: ['env'] });
    assert.deepEqual(severities(await ws.analyze(), 'src/billing.ts'), { STRIPE_SECRET_KEY: 'warning' });
    reader.set('src/billing.ts', 'export const region = process.env.STRIPE_REGION!;\nexport function startBilling() {\n  return connect(process.env.STRIPE_SECRET_KEY!);\n}\n');
    const findings = (await ws.analyzeFile('src/billing.ts')).filter((f) => f.ruleId === 'env/missing-from-example');
    assert.deepEqual(Object.fromEntries(findings.map((f) => [f.data?.variable, f.severity])), { STRIPE_REGION: 'error', STRIPE_SECRET_KEY: 'warning' });
  });
});
