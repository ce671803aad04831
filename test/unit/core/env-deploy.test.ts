import * as assert from 'node:assert/strict';
import { deployKind, interpolations, readDeployConfig } from '../../../src/core/env/deploy';

const names = (xs: { name: string; kind?: string }[]) => xs.map((x) => (x.kind ? `${x.name}:${x.kind}` : x.name));

describe('env: deployment and CI config readers', () => {
  it('compose interpolation: ${X}, ${X:-d}, ${X:?e}, $X, $$ literal, nested defaults; only ${X:?e} is required (an unset ${X} is substituted blank)', () => {
    assert.deepEqual(
      interpolations('a ${A} ${B:-d} ${C:?err} $D $$E ${F:-${G}} ${H+x}').map((i) => `${i.name}:${i.kind}`),
      ['A:optional', 'B:default', 'C:required', 'D:optional', 'F:default', 'G:optional', 'H:optional'],
    );
  });

  it('docker-compose: environment map and list, pass-through from the host, interpolation, env_file noted', async () => {
    const text = [
      'services:',
      '  api:',
      '    image: app:${TAG:-latest}',
      '    env_file: .env',
      '    environment:',
      '      DATABASE_URL: postgres://db/app',
      '      STRIPE_KEY:',
      '      SENTRY_DSN: ${SENTRY_DSN:?set it}',
      '  worker:',
      '    environment:',
      '      - QUEUE=jobs',
      '      - REDIS_URL',
    ].join('\n');
    const f = await readDeployConfig('compose', text);
    assert.deepEqual(names(f.reads), ['TAG:default', 'SENTRY_DSN:required', 'STRIPE_KEY:required', 'REDIS_URL:required']);
    assert.deepEqual(names(f.provides), ['DATABASE_URL', 'SENTRY_DSN', 'QUEUE']);
    assert.equal(f.provides.find((p) => p.name === 'SENTRY_DSN')!.literal, false, 'an interpolated value is not a literal');
    assert.deepEqual(f.reads.find((r) => r.name === 'STRIPE_KEY')!.range.start, { line: 6, character: 6 });
    assert.deepEqual(f.reads.find((r) => r.name === 'SENTRY_DSN')!.range.start, { line: 7, character: 20 });
    assert.deepEqual(f.reads.find((r) => r.name === 'REDIS_URL')!.range.start, { line: 11, character: 8 });
    assert.ok(f.notes.some((n) => /env_file/.test(n.message)));
  });

  it('Kubernetes: env value and valueFrom provide, envFrom is said to be unknowable', async () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: api',
      '          env:',
      '            - name: LOG_LEVEL',
      '              value: info',
      '            - name: DB_PASSWORD',
      '              valueFrom:',
      '                secretKeyRef: { name: db-creds, key: password }',
      '          envFrom:',
      '            - configMapRef: { name: api-config }',
    ].join('\n');
    assert.equal(deployKind('k8s/api.yaml', text), 'kubernetes');
    const f = await readDeployConfig('kubernetes', text);
    assert.deepEqual(f.provides.map((p) => `${p.name}:${p.source}:${p.literal}`), ['LOG_LEVEL:Kubernetes env:true', 'DB_PASSWORD:Kubernetes Secret db-creds:false']);
    assert.deepEqual(f.provides[1].range.start, { line: 10, character: 20 });
    assert.ok(f.notes.some((n) => /envFrom ConfigMap api-config/.test(n.message)));
  });

  it('Dockerfile: ENV provides, ARG is a build argument, $X in RUN and WORKDIR are reads unless defined above', async () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'ARG NODE_VERSION=20',
      'FROM node:${NODE_VERSION}',
      'ARG BUILD_TOKEN',
      'ENV APP_HOME=/app \\',
      '    LOG_FORMAT=json',
      'WORKDIR ${APP_HOME}',
      'RUN echo "$BUILD_TOKEN" && curl "$REGISTRY_URL" \\',
      '    && echo ${CACHE_DIR:-/tmp}',
      'CMD ["node", "$NOT_EXPANDED"]',
      'ARG TARGETARCH',
    ].join('\n');
    const f = await readDeployConfig('dockerfile', text);
    assert.deepEqual(names(f.provides), ['APP_HOME', 'LOG_FORMAT']);
    assert.deepEqual(names(f.reads), ['NODE_VERSION:default', 'BUILD_TOKEN:optional', 'REGISTRY_URL:optional', 'CACHE_DIR:default']);
    assert.deepEqual(f.reads.find((r) => r.name === 'REGISTRY_URL')!.range.start, { line: 7, character: 34 });
    assert.deepEqual(f.reads.find((r) => r.name === 'CACHE_DIR')!.range.start, { line: 8, character: 14 });
  });

  it('Dockerfile heredocs: a RUN <<EOF body is the script (its locals are not reads; under set -u a read is required), a quoted heredoc written to a file is not expanded, and no body line is an instruction', async () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'FROM alpine',
      "RUN <<'EOF'",
      'set -eu',
      'token_line="$(fetch-token)"',
      'eval "$token_line"',
      'echo "$MIRROR_HOST"',
      "cat > /usr/local/bin/start <<'SCRIPT'",
      'if [ -n "${QUEUE_ARN:-}" ]; then',
      '  loaded="$(load)"',
      '  eval "$loaded"',
      'fi',
      'SCRIPT',
      'EOF',
      'RUN python3 <<PY',
      'print("$PY_GREETING")',
      'PY',
      'COPY <<-CONF /etc/app.conf',
      '\tlevel=$LOG_TIER',
      '\tCONF',
      'WORKDIR ${APP_DIR}',
    ].join('\n');
    const f = await readDeployConfig('dockerfile', text);
    assert.deepEqual(names(f.reads), ['MIRROR_HOST:required', 'PY_GREETING:optional', 'APP_DIR:optional']);
    assert.deepEqual(f.reads[0].range.start, { line: 6, character: 7 });
    assert.deepEqual(f.reads[1].range.start, { line: 15, character: 8 });
    assert.deepEqual(f.reads[2].range.start, { line: 20, character: 10 });
  });

  it('docker-compose: an environment map merged from an anchor (<<: *common, <<: [*a, *b], or environment: *common) provides its keys', async () => {
    const text = [
      'x-common: &common',
      '  QUEUE_HOST: broker',
      '  QUEUE_USER: ${QUEUE_USER:-app}',
      'x-extra: &extra',
      '  CACHE_TTL: "60"',
      'services:',
      '  api:',
      '    environment:',
      '      <<: *common',
      '      API_MODE: full',
      '  worker:',
      '    environment:',
      '      <<: [*common, *extra]',
      '  cron:',
      '    environment: *extra',
    ].join('\n');
    const f = await readDeployConfig('compose', text);
    assert.deepEqual(
      f.provides.map((p) => `${p.source}:${p.name}`),
      ['compose service api:QUEUE_HOST', 'compose service api:QUEUE_USER', 'compose service api:API_MODE', 'compose service worker:QUEUE_HOST', 'compose service worker:QUEUE_USER', 'compose service worker:CACHE_TTL', 'compose service cron:CACHE_TTL'],
    );
    assert.deepEqual(f.provides[0].range.start, { line: 1, character: 2 });
    assert.deepEqual(names(f.reads), ['QUEUE_USER:default']);
  });

  it('GitHub Actions: env maps provide, secrets.X and vars.X are CI-provided', async () => {
    const text = [
      'on: push',
      'env:',
      '  NODE_ENV: test',
      'jobs:',
      '  deploy:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: ./deploy.sh',
      '        env:',
      '          API_TOKEN: ${{ secrets.API_TOKEN }}',
      '          REGION: ${{ vars.REGION || \'eu\' }}',
      '          GH: ${{ secrets.GITHUB_TOKEN }}',
    ].join('\n');
    assert.equal(deployKind('.github/workflows/deploy.yml'), 'github-actions');
    const f = await readDeployConfig('github-actions', text);
    assert.deepEqual(names(f.provides), ['NODE_ENV', 'API_TOKEN', 'REGION', 'GH']);
    assert.deepEqual(f.ci.map((c) => `${c.store}.${c.name}`), ['secrets.API_TOKEN', 'vars.REGION']);
    assert.deepEqual(f.ci[0].range.start, { line: 9, character: 33 });
  });

  it('Procfile, fly.toml and render.yaml', async () => {
    const p = await readDeployConfig('procfile', 'web: node server.js --port $PORT --db "$DATABASE_URL"\nworker: bundle exec sidekiq\n');
    assert.deepEqual(names(p.reads), ['PORT:optional', 'DATABASE_URL:optional']);
    assert.deepEqual(p.reads[1].range.start, { line: 0, character: 40 });
    const fly = await readDeployConfig('fly', 'app = "x"\n[env]\n  LOG_LEVEL = "info"\n  "QUOTED" = "1"\n[http_service]\n  internal_port = 8080\n');
    assert.deepEqual(names(fly.provides), ['LOG_LEVEL', 'QUOTED']);
    const render = await readDeployConfig('render', 'services:\n  - type: web\n    envVars:\n      - key: SECRET_KEY\n        sync: false\n      - key: DB_URL\n        fromDatabase: { name: db, property: connectionString }\n');
    assert.deepEqual(render.provides.map((x) => `${x.name}:${x.literal}`), ['SECRET_KEY:false', 'DB_URL:false']);
    assert.match(render.provides[0].source, /dashboard/);
  });

  it('malformed YAML is a note, not a crash', async () => {
    const f = await readDeployConfig('compose', 'services:\n  api:\n    environment: [A\n');
    assert.ok(f.notes.some((n) => n.level === 'warning'));
  });
});
