/**
 * Real PostgreSQL and MariaDB servers for the quick-fix tests, from Debian's packages: installed
 * with apt-get when missing (`apt-get update` once, then `apt-get install -y postgresql
 * mariadb-server`), started on 127.0.0.1 on a free port in a throwaway data directory, and stopped
 * (directory removed) when the tests end. DR_SKIP_DB=1 skips all of it.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync, mkdirSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { createConnection, type Connection } from 'mysql2/promise';

export const SKIP_DB = process.env.DR_SKIP_DB === '1';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let aptUpdated = false;

function apt(pkgs: string[]): void {
  if (!isRoot) throw new Error(`${pkgs.join(', ')} missing and not root: install them or set DR_SKIP_DB=1`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env, timeout: 300_000 });
    aptUpdated = true;
  }
  execFileSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'ignore', env, timeout: 600_000 });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, fn: () => Promise<boolean>, child: ChildProcess, log: () => string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}: ${log()}`);
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what} did not start within ${ms} ms: ${log()}`);
}

function pgBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : undefined;
}

export interface PgServer {
  port: number;
  version: number;
  /** A fresh, empty database; returns a connected client. */
  freshDb(): Promise<Client>;
  stop(): Promise<void>;
}

export interface MyServer {
  port: number;
  version: string;
  /** A fresh, empty database; returns a connection with multipleStatements off. */
  freshDb(): Promise<Connection>;
  stop(): Promise<void>;
}

let dbCounter = 0;

export async function startPostgres(): Promise<PgServer> {
  let bin = pgBin();
  if (!bin) {
    apt(['postgresql']);
    bin = pgBin();
    if (!bin) throw new Error('postgresql installed but no /usr/lib/postgresql/*/bin/initdb found');
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dr-pg-'));
  const data = path.join(dir, 'data');
  const sock = path.join(dir, 'sock');
  mkdirSync(sock);
  // PostgreSQL refuses to run as root: run it as the packaged "postgres" user.
  let ids: { uid: number; gid: number } | undefined;
  if (isRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('no "postgres" user to run the server as');
    ids = { uid, gid };
    for (const p of [dir, sock]) chownSync(p, uid, gid);
  }
  const r = spawnSync(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], { encoding: 'utf8', cwd: dir, ...ids });
  if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr || r.stdout}`);
  const port = await freePort();
  const child = spawn(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', sock, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: dir,
    ...ids,
  });
  let err = '';
  child.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
  const connect = async (database = 'postgres') => {
    const c = new Client({ host: '127.0.0.1', port, user: 'postgres', database });
    await c.connect();
    return c;
  };
  await waitFor('postgres', async () => (await connect()).end().then(() => true), child, () => err);
  const admin = await connect();
  const version = Number((await admin.query('SHOW server_version_num')).rows[0].server_version_num) / 10000;
  return {
    port,
    version: Math.floor(version),
    async freshDb() {
      const name = `t${process.pid}_${++dbCounter}`;
      await admin.query(`CREATE DATABASE ${name}`);
      return connect(name);
    },
    async stop() {
      await admin.end().catch(() => undefined);
      child.kill('SIGINT');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startMariadb(): Promise<MyServer> {
  const bin = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'].find(existsSync);
  if (!bin || !existsSync('/usr/bin/mariadb-install-db')) apt(['mariadb-server']);
  const server = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'].find(existsSync);
  if (!server) throw new Error('mariadb-server installed but mariadbd not found');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dr-maria-'));
  const data = path.join(dir, 'data');
  const user = isRoot ? ['--user=root'] : [];
  const inst = spawnSync('/usr/bin/mariadb-install-db', ['--no-defaults', `--datadir=${data}`, ...user, '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8' });
  if (inst.status !== 0) throw new Error(`mariadb-install-db failed: ${inst.stderr || inst.stdout}`);
  const port = await freePort();
  const child = spawn(
    server,
    ['--no-defaults', `--datadir=${data}`, `--socket=${path.join(dir, 'sock')}`, `--port=${port}`, '--bind-address=127.0.0.1', `--pid-file=${path.join(dir, 'pid')}`, '--skip-log-bin', '--innodb-flush-log-at-trx-commit=0', ...user],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
  const connect = (database?: string) => createConnection({ host: '127.0.0.1', port, user: 'root', ...(database ? { database } : {}) });
  await waitFor('mariadbd', async () => (await connect()).end().then(() => true), child, () => err);
  const admin = await connect();
  const [rows] = await admin.query('SELECT VERSION() AS v');
  const version = String((rows as { v: string }[])[0].v);
  return {
    port,
    version,
    async freshDb() {
      const name = `t${process.pid}_${++dbCounter}`;
      await admin.query(`CREATE DATABASE ${name}`);
      return connect(name);
    },
    async stop() {
      await admin.end().catch(() => undefined);
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
