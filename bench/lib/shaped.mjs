// Generated stand-ins for two public repositories of different stacks (the bench cannot fetch):
// a Rails application shaped like maybe-finance/maybe (~1,600 files: models, controllers, ERB
// views, Active Record migrations, ENV reads, locales, Stimulus controllers, tests) and a Next.js +
// Prisma monorepo shaped like documenso (~2,700 files: apps/, packages/, TSX components,
// process.env reads, a Prisma schema with SQL migrations, workflows). Each is a git repository:
// `main` holds the base, `feature` adds 15 commits on top (migrations, a new variable, edits), as
// a branch under review does. Deterministic (seeded), so every run measures the same files.
import { execFileSync } from 'node:child_process';
import { rng, tempDir, writeFiles } from '../common.mjs';

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'b@example.com' };
export const git = (cwd, ...args) => execFileSync('git', args, { cwd, env: gitEnv, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });

const WORDS = ['account', 'balance', 'transaction', 'family', 'holding', 'security', 'import', 'rule', 'budget', 'category', 'merchant', 'tag', 'entry', 'valuation', 'trade', 'transfer', 'invitation', 'session', 'user', 'plaid_item'];
const camel = (s) => s.replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase());

function railsFiles(r, n) {
  const f = {};
  const word = (i) => `${WORDS[i % WORDS.length]}${i >= WORDS.length ? `_${Math.floor(i / WORDS.length)}` : ''}`;
  const vars = ['DATABASE_URL', 'REDIS_URL', 'SECRET_KEY_BASE', 'PLAID_CLIENT_ID', 'PLAID_SECRET', 'STRIPE_SECRET_KEY', 'SMTP_ADDRESS', 'APP_DOMAIN', 'SELF_HOSTED', 'OPENAI_ACCESS_TOKEN', 'SENTRY_DSN', 'RAILS_MAX_THREADS'];
  f['.env.example'] = vars.filter((v) => v !== 'OPENAI_ACCESS_TOKEN').map((v) => `${v}=`).join('\n') + '\n';
  f['Gemfile'] = `source "https://rubygems.org"\nruby file: ".ruby-version"\ngem "rails", "~> 7.2"\ngem "pg", "~> 1.5"\ngem "puma"\ngem "sidekiq"\ngem "stripe"\ngem "plaid"\n`;
  f['Gemfile.lock'] = Array.from({ length: 400 }, (_, i) => `    gem-${i} (1.${i % 30}.${i % 7})`).join('\n') + '\n';
  f['Procfile'] = 'web: bundle exec puma -C config/puma.rb\nworker: bundle exec sidekiq\nrelease: bin/rails db:migrate\n';
  f['Dockerfile'] = 'FROM ruby:3.3-slim\nWORKDIR /rails\nCOPY . .\nRUN bundle install\nENV RAILS_ENV=production\nCMD ["./bin/rails", "server"]\n';
  f['config/database.yml'] = 'default: &default\n  adapter: postgresql\n  url: <%= ENV["DATABASE_URL"] %>\n  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 3 } %>\nproduction:\n  <<: *default\n';
  f['config/application.rb'] = 'module App\n  class Application < Rails::Application\n    config.load_defaults 7.2\n    config.app_mode = (ENV["SELF_HOSTED"] == "true" ? "self_hosted" : "managed").inquiry\n  end\nend\n';
  for (const env of ['production', 'development', 'test']) f[`config/environments/${env}.rb`] = `Rails.application.configure do\n  config.action_mailer.default_url_options = { host: ENV.fetch("APP_DOMAIN", "localhost") }\n  config.cache_store = :redis_cache_store, { url: ENV["REDIS_URL"] }\nend\n`;
  f['.github/workflows/ci.yml'] = 'name: CI\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    services:\n      postgres:\n        image: postgres:16\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ruby/setup-ruby@v1\n        with:\n          bundler-cache: true\n      - run: bin/rails db:create db:schema:load\n      - run: bin/rails test\n';
  for (let i = 0; i < 40; i++) f[`config/locales/views/${word(i)}/en.yml`] = `en:\n  ${word(i)}:\n    index:\n      title: ${camel(word(i))}\n      empty: No ${word(i)} yet\n`;
  let count = Object.keys(f).length;
  const migrations = Math.round(n * 0.16);
  for (let i = 0; i < migrations; i++) {
    const t = `${word(i % 40)}s`;
    const ts = 20230101000000 + i * 1000;
    const kind = i % 5;
    const body =
      kind === 0
        ? `    create_table :${t}_${i}, id: :uuid do |t|\n      t.references :family, null: false, foreign_key: true, type: :uuid\n      t.string :name, null: false\n      t.decimal :amount, precision: 19, scale: 4\n      t.timestamps\n    end`
        : kind === 1
          ? `    add_column :${t}, :extra_${i}, :string\n    add_index :${t}, :extra_${i}`
          : kind === 2
            ? `    add_reference :${t}, :category_${i}, foreign_key: true, type: :uuid`
            : kind === 3
              ? `    change_column_null :${t}, :name, false`
              : `    rename_column :${t}, :old_${i}, :new_${i}`;
    f[`db/migrate/${ts}_change_${t}_${i}.rb`] = `class Change${camel(t)}${i} < ActiveRecord::Migration[7.2]\n  def change\n${body}\n  end\nend\n`;
  }
  f['db/schema.rb'] = `ActiveRecord::Schema[7.2].define(version: ${20230101000000 + (migrations - 1) * 1000}) do\n  enable_extension "pgcrypto"\n${Array.from({ length: 60 }, (_, i) => `  create_table "${word(i)}s", id: :uuid do |t|\n    t.string "name", null: false\n    t.datetime "created_at", null: false\n  end\n`).join('')}end\n`;
  count = Object.keys(f).length;
  const rest = n - count;
  const plan = [
    ['app/models', 0.08, (i) => [`${word(i)}.rb`, `class ${camel(word(i))} < ApplicationRecord\n  belongs_to :family\n  has_many :entries, dependent: :destroy\n  validates :name, presence: true\n\n  scope :active, -> { where(active: true) }\n\n  def display_name\n    name.presence || "${word(i)} #{id}"\n  end\nend\n`]],
    ['app/controllers', 0.06, (i) => [`${word(i)}s_controller.rb`, `class ${camel(word(i))}sController < ApplicationController\n  before_action :set_${word(i)}, only: %i[show edit update destroy]\n\n  def index\n    @${word(i)}s = Current.family.${word(i)}s.order(created_at: :desc)\n  end\n\n  def create\n    @${word(i)} = Current.family.${word(i)}s.create!(${word(i)}_params)\n    redirect_to @${word(i)}, notice: t(".created")\n  end\n\n  private\n    def ${word(i)}_params\n      params.require(:${word(i)}).permit(:name, :amount)\n    end\nend\n`]],
    ['app/views', 0.34, (i) => [`${word(i % 60)}s/_partial_${i}.html.erb`, `<%= turbo_frame_tag dom_id(@record) do %>\n  <div class="flex items-center gap-2">\n    <h2 class="text-lg"><%= t(".title") %></h2>\n    <%= link_to "Edit", edit_path(@record), class: "btn" %>\n  </div>\n<% end %>\n`]],
    ['app/jobs', 0.03, (i) => [`${word(i)}_sync_job.rb`, `class ${camel(word(i))}SyncJob < ApplicationJob\n  queue_as :default\n\n  def perform(record)\n    record.sync!\n  end\nend\n`]],
    ['app/javascript/controllers', 0.07, (i) => [`${word(i).replace(/_/g, '-')}_${i}_controller.js`, `import { Controller } from "@hotwired/stimulus";\n\nexport default class extends Controller {\n  static targets = ["input", "output"];\n\n  connect() {\n    this.outputTarget.textContent = this.inputTarget.value;\n  }\n}\n`]],
    ['lib', 0.03, (i) => [`tasks/${word(i)}_${i}.rake`, `namespace :${word(i)} do\n  desc "Backfill ${word(i)}"\n  task backfill: :environment do\n    ${camel(word(i))}.find_each(&:save!)\n  end\nend\n`]],
    ['app/services', 0.05, (i) => [`${word(i)}/provider_${i}.rb`, `class ${camel(word(i))}::Provider${i}\n  def initialize(client: ${i % 3 === 0 ? 'Plaid::Client.new(ENV["PLAID_CLIENT_ID"], ENV["PLAID_SECRET"])' : 'nil'})\n    @client = client\n  end\n\n  def fetch(from:, to:)\n    @client&.get("/v1/${word(i)}", from: from, to: to)\n  end\nend\n`]],
    ['test', 0.34, (i) => [`${i % 2 ? 'models' : 'controllers'}/${word(i)}_${i}_test.rb`, `require "test_helper"\n\nclass ${camel(word(i))}${i}Test < ActiveSupport::TestCase\n  setup do\n    @family = families(:dylan_family)\n  end\n\n  test "creates a record" do\n    assert_difference "${camel(word(i))}.count", 1 do\n      ${camel(word(i))}.create!(family: @family, name: "x")\n    end\n  end\nend\n`]],
  ];
  fill(f, plan, rest, r);
  return f;
}

/** Adds `rest` files split by the plan's shares (normalised), each name unique; `r` varies the content a little. */
function fill(f, plan, rest, r) {
  const total = plan.reduce((a, [, share]) => a + share, 0);
  let left = rest;
  plan.forEach(([dir, share, make], k) => {
    const m = k === plan.length - 1 ? left : Math.round((rest * share) / total);
    left -= m;
    for (let i = 0; i < m; i++) {
      const [name, text] = make(i);
      f[`${dir}/${name}`] = r.int(4) === 0 ? `${text}${text.startsWith('{') ? '' : '\n'}` : text;
    }
  });
}

function railsFeature(i) {
  // 15 commits: two migrations, a new variable, edits to a model and a controller.
  if (i === 0) return { 'db/migrate/20991231000001_add_index_to_entries.rb': 'class AddIndexToEntries < ActiveRecord::Migration[7.2]\n  def change\n    add_index :entries, [:account_id, :date]\n  end\nend\n' };
  if (i === 1) return { 'db/migrate/20991231000002_remove_legacy_from_accounts.rb': 'class RemoveLegacyFromAccounts < ActiveRecord::Migration[7.2]\n  def change\n    remove_column :accounts, :legacy_balance, :decimal\n  end\nend\n' };
  if (i === 2) return { 'app/services/assistant.rb': 'class Assistant\n  def client\n    @client ||= OpenAI::Client.new(access_token: ENV.fetch("OPENAI_ACCESS_TOKEN"))\n  end\nend\n' };
  return { [`app/models/${WORDS[i]}.rb`]: `class ${camel(WORDS[i])} < ApplicationRecord\n  belongs_to :family\n  # revision ${i}\nend\n` };
}

function nextFiles(r, n) {
  const f = {};
  const vars = ['DATABASE_URL', 'NEXTAUTH_SECRET', 'NEXT_PUBLIC_WEBAPP_URL', 'NEXT_PRIVATE_SMTP_HOST', 'NEXT_PRIVATE_SMTP_PORT', 'NEXT_PRIVATE_STRIPE_API_KEY', 'NEXT_PRIVATE_SIGNING_PASSPHRASE', 'NEXT_PUBLIC_POSTHOG_KEY', 'NEXT_PRIVATE_UPLOAD_BUCKET', 'NEXT_PRIVATE_REDIS_URL'];
  f['.env.example'] = vars.map((v) => `${v}=""`).join('\n') + '\n';
  f['package.json'] = JSON.stringify({ name: 'monorepo', private: true, workspaces: ['apps/*', 'packages/*'], scripts: { build: 'turbo run build', dev: 'turbo run dev', 'prisma:migrate-deploy': 'prisma migrate deploy --schema packages/prisma/schema.prisma' } }, null, 2) + '\n';
  f['turbo.json'] = JSON.stringify({ $schema: 'https://turbo.build/schema.json', globalEnv: vars, pipeline: { build: { dependsOn: ['^build'], outputs: ['.next/**'] } } }, null, 2) + '\n';
  f['docker/Dockerfile'] = 'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["npm", "run", "start"]\n';
  for (const w of ['ci', 'deploy', 'e2e', 'codeql', 'release']) f[`.github/workflows/${w}.yml`] = `name: ${w}\non:\n  push:\n    branches: [main]\n  pull_request:\njobs:\n  ${w}:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n      - run: npm ci\n      - run: npm run build\n${w === 'deploy' ? '      - run: npm run prisma:migrate-deploy\n        env:\n          DATABASE_URL: ${{ secrets.DATABASE_URL }}\n' : ''}`;
  const models = Array.from({ length: 60 }, (_, i) => `model ${camel(WORDS[i % WORDS.length])}${i} {\n  id        Int      @id @default(autoincrement())\n  secondaryId String @unique @default(cuid())\n  name      String\n  createdAt DateTime @default(now())\n  userId    Int\n  @@index([userId])\n}\n`);
  f['packages/prisma/schema.prisma'] = `generator client {\n  provider = "prisma-client-js"\n}\n\ndatasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\n${models.join('\n')}`;
  const migrations = Math.round(n * 0.075);
  for (let i = 0; i < migrations; i++) {
    const t = `${camel(WORDS[i % WORDS.length])}${i % 60}`;
    const kind = i % 4;
    const sql =
      kind === 0
        ? `-- CreateTable\nCREATE TABLE "${t}_${i}" (\n    "id" SERIAL NOT NULL,\n    "name" TEXT NOT NULL,\n    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    CONSTRAINT "${t}_${i}_pkey" PRIMARY KEY ("id")\n);\n`
        : kind === 1
          ? `-- AlterTable\nALTER TABLE "${t}" ADD COLUMN "extra${i}" TEXT;\n`
          : kind === 2
            ? `-- CreateIndex\nCREATE INDEX "${t}_userId_${i}_idx" ON "${t}"("userId");\n`
            : `-- AddForeignKey\nALTER TABLE "${t}" ADD CONSTRAINT "${t}_userId_${i}_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;\n`;
    f[`packages/prisma/migrations/${20230101000000 + i * 100}_${kind}_${i}/migration.sql`] = sql;
  }
  const rest = n - Object.keys(f).length;
  const env = (i) => vars[i % vars.length];
  const plan = [
    ['apps/web/src/app', 0.12, (i) => [`(dashboard)/${WORDS[i % WORDS.length]}/${i}/page.tsx`, `import { getServerSession } from '@documenso/lib/server-only/auth';\nimport { ${camel(WORDS[i % WORDS.length])}Table } from '~/components/tables/${WORDS[i % WORDS.length]}-table';\n\nexport default async function Page({ params }: { params: { id: string } }) {\n  const session = await getServerSession();\n  const url = process.env.NEXT_PUBLIC_WEBAPP_URL;\n  return <${camel(WORDS[i % WORDS.length])}Table id={Number(params.id)} userId={session.user.id} baseUrl={url} />;\n}\n`]],
    ['apps/web/src/components', 0.24, (i) => [`${WORDS[i % WORDS.length]}/${WORDS[(i + 3) % WORDS.length]}-${i}.tsx`, `'use client';\n\nimport { useState } from 'react';\nimport { Button } from '@documenso/ui/primitives/button';\n\nexport type Props${i} = { title: string; onSave?: (value: string) => void };\n\nexport const Component${i} = ({ title, onSave }: Props${i}) => {\n  const [value, setValue] = useState('');\n  return (\n    <div className="flex flex-col gap-y-2">\n      <h3 className="text-lg font-semibold">{title}</h3>\n      <input value={value} onChange={(e) => setValue(e.target.value)} />\n      <Button onClick={() => onSave?.(value)}>Save</Button>\n    </div>\n  );\n};\n`]],
    ['packages/lib/server-only', 0.18, (i) => [`${WORDS[i % WORDS.length]}/${i % 2 ? 'get' : 'update'}-${WORDS[(i + 1) % WORDS.length]}-${i}.ts`, `import { prisma } from '@documenso/prisma';\n\nexport type Options${i} = { id: number; userId: number };\n\nexport const run${i} = async ({ id, userId }: Options${i}) => {\n  ${i % 5 === 0 ? `const key = process.env.${env(i)};\n  if (!key) throw new Error('${env(i)} is not set');\n  ` : ''}return await prisma.${WORDS[i % WORDS.length]}${i % 60}.findFirstOrThrow({ where: { id, userId } });\n};\n`]],
    ['packages/ui/primitives', 0.12, (i) => [`${WORDS[i % WORDS.length]}-${i}.tsx`, `import * as React from 'react';\nimport { cn } from '../lib/utils';\n\nexport const Primitive${i} = React.forwardRef<HTMLDivElement, React.HTMLAttributes<HTMLDivElement>>(({ className, ...props }, ref) => (\n  <div ref={ref} className={cn('rounded-md border p-4', className)} {...props} />\n));\nPrimitive${i}.displayName = 'Primitive${i}';\n`]],
    ['packages/trpc/server', 0.1, (i) => [`${WORDS[i % WORDS.length]}-router/${i}.ts`, `import { z } from 'zod';\nimport { authenticatedProcedure, router } from '../trpc';\n\nexport const router${i} = router({\n  get: authenticatedProcedure.input(z.object({ id: z.number() })).query(async ({ input, ctx }) => {\n    return { id: input.id, user: ctx.user.id };\n  }),\n});\n`]],
    ['apps/docs/pages', 0.1, (i) => [`${WORDS[i % WORDS.length]}/${i}.mdx`, `# ${camel(WORDS[i % WORDS.length])} ${i}\n\nHow to configure ${WORDS[i % WORDS.length]}. Set \`${env(i)}\` in your environment.\n`]],
    ['packages/email/templates', 0.06, (i) => [`${WORDS[i % WORDS.length]}-${i}.tsx`, `import { Body, Container, Html } from '@react-email/components';\n\nexport const Template${i} = ({ assetBaseUrl = process.env.NEXT_PUBLIC_WEBAPP_URL }: { assetBaseUrl?: string }) => (\n  <Html>\n    <Body>\n      <Container>{assetBaseUrl}</Container>\n    </Body>\n  </Html>\n);\n`]],
    ['apps/web/public/static', 0.08, (i) => [`data-${i}.json`, JSON.stringify({ id: i, name: WORDS[i % WORDS.length], values: Array.from({ length: 8 }, (_, k) => k * i) }) + '\n']],
  ];
  fill(f, plan, rest, r);
  return f;
}

function nextFeature(i) {
  if (i === 0) return { 'packages/prisma/migrations/20991231000001_add_team_plan/migration.sql': '-- AlterTable\nALTER TABLE "Team" ADD COLUMN "plan" TEXT NOT NULL;\n\n-- CreateIndex\nCREATE INDEX "Team_plan_idx" ON "Team"("plan");\n' };
  if (i === 1) return { 'packages/prisma/migrations/20991231000002_drop_legacy/migration.sql': '-- AlterTable\nALTER TABLE "Document" DROP COLUMN "legacyId";\n' };
  if (i === 2) return { 'packages/lib/server-only/ai/client.ts': "export const aiKey = () => process.env.NEXT_PRIVATE_OPENAI_API_KEY;\n" };
  return { [`apps/web/src/components/${WORDS[i]}/edited-${i}.tsx`]: `export const Edited${i} = () => <p>revision ${i}</p>;\n` };
}

/** Generates one shaped repository; returns its folder (on `feature`, 15 commits ahead of `main`). */
export function shapedRepo(kind, files) {
  const dir = tempDir(`dr-bench-${kind}-`);
  const r = rng(kind === 'rails' ? 7 : 11);
  writeFiles(dir, kind === 'rails' ? railsFiles(r, files) : nextFiles(r, files));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  git(dir, 'checkout', '-qb', 'feature');
  for (let i = 0; i < 15; i++) {
    writeFiles(dir, kind === 'rails' ? railsFeature(i) : nextFeature(i));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', `feature ${i}`);
  }
  return dir;
}
