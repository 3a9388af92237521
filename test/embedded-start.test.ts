/**
 * `npm start` as a user runs it: `node bin/start.ts` in a child process with
 * no database configured. It must boot the embedded PostgreSQL, migrate, seed,
 * serve the router, stop cleanly on Ctrl-C (SIGINT) without leaving
 * PostgreSQL behind, and start again on the same data. When it cannot start
 * (a port taken, the data folder in use), it says so in one line and exits
 * non-zero at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './support/ports.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let dataDir: string;
let env: Record<string, string>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'bank-start-'));
  await chmod(dir, 0o755);
  dataDir = path.join(dir, 'data');
  const ports = await Promise.all(Array.from({ length: 8 }, () => freePort()));
  env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    ROUTER_PORT: String(ports[0]),
    IDENTITY_PORT: String(ports[1]),
    BANKING_PORT: String(ports[2]),
    BILLING_PORT: String(ports[3]),
    LENDING_PORT: String(ports[4]),
    MESSAGING_PORT: String(ports[5]),
    ASSISTANT_PORT: String(ports[7]),
    EMBEDDED_POSTGRES_PORT: String(ports[6]),
  };
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(path.dirname(dataDir), { recursive: true, force: true });
});

/** Starts `node bin/start.ts` and resolves with the router URL once it prints it. */
async function start(
  overrides: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['bin/start.ts'], {
    cwd: root,
    env: { ...env, ...overrides },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${output}`)), 60_000);
    child.stdout?.on('data', () => {
      const match = /Bank supergraph is up: (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before starting:\n${output}`));
    });
  });
  return { child, url, output: () => output };
}

async function postgresPid(): Promise<number> {
  const text = await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8');
  return Number.parseInt(text.split('\n')[0] ?? '', 10);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function graphql(url: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: { login: { user: { email: string; roles: string[] } } } | null;
    errors?: { extensions: { code: string } }[];
  };
}

const LOGIN = 'mutation($e:String!,$p:String!){ login(email:$e,password:$p){ user { email roles } } }';
const REGISTER = 'mutation($i:RegisterInput!){ register(input:$i){ user { id email } } }';

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

test('starts, serves, stops on SIGINT with PostgreSQL gone, and starts again on the same data', async () => {
  const first = await start();
  const demo = await graphql(first.url, LOGIN, { e: 'customer@bank.local', p: 'demo-password-2026' });
  expect(demo.errors).toBeUndefined();
  expect(demo.data?.login.user).toEqual({ email: 'customer@bank.local', roles: ['CUSTOMER'] });
  const registered = await graphql(first.url, REGISTER, {
    i: { email: 'kept@example.com', password: 'survives restarts 42', name: 'Kept', role: 'CUSTOMER' },
  });
  expect(registered.errors).toBeUndefined();

  const pid = await postgresPid();
  expect(alive(pid)).toBe(true);
  first.child.kill('SIGINT');
  expect(await exited(first.child)).toBe(0);
  expect(alive(pid)).toBe(false);

  const second = await start();
  const again = await graphql(second.url, LOGIN, { e: 'kept@example.com', p: 'survives restarts 42' });
  expect(again.errors).toBeUndefined();
  expect(again.data?.login.user.email).toBe('kept@example.com');
  second.child.kill('SIGTERM');
  expect(await exited(second.child)).toBe(0);
});

test('a start after a crash (SIGKILL) stops the orphaned PostgreSQL and comes up', async () => {
  const crashed = await start();
  const orphan = await postgresPid();
  crashed.child.kill('SIGKILL');
  await exited(crashed.child);
  expect(alive(orphan)).toBe(true);

  const next = await start();
  expect(alive(orphan)).toBe(false);
  const login = await graphql(next.url, LOGIN, { e: 'kept@example.com', p: 'survives restarts 42' });
  expect(login.errors).toBeUndefined();
  const pid = await postgresPid();
  next.child.kill('SIGINT');
  expect(await exited(next.child)).toBe(0);
  expect(alive(pid)).toBe(false);
});

/** Runs `node bin/start.ts` expecting it to fail: its exit code, everything it printed, and how long it took. */
async function failedStart(
  overrides: Record<string, string>,
): Promise<{ code: number | null; output: string; ms: number }> {
  const began = Date.now();
  const child = spawn(process.execPath, ['bin/start.ts'], {
    cwd: root,
    env: { ...env, ...overrides },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running after 20 s:\n${output}`)), 20_000);
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  return { code, output, ms: Date.now() - began };
}

/** A listener on `port` of 127.0.0.1 standing for another program; closed by the caller. */
async function occupy(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

test('a taken EMBEDDED_POSTGRES_PORT is named in one line, and the start exits non-zero at once', async () => {
  const port = Number(env.EMBEDDED_POSTGRES_PORT);
  const other = await occupy(port);
  try {
    const result = await failedStart({});
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(15_000);
    expect(result.output.trim()).toBe(
      `Port ${port} on 127.0.0.1 (EMBEDDED_POSTGRES_PORT) is already in use by another program: stop that program, or set EMBEDDED_POSTGRES_PORT to a free port.`,
    );
  } finally {
    other.close();
  }
});

test('a taken ROUTER_PORT is named in one line before anything starts', async () => {
  const port = Number(env.ROUTER_PORT);
  const other = await occupy(port);
  try {
    const result = await failedStart({});
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(15_000);
    expect(result.output.trim()).toBe(
      `Port ${port} on 127.0.0.1 (ROUTER_PORT) is already in use by another program: stop that program, or set ROUTER_PORT to a free port.`,
    );
  } finally {
    other.close();
  }
  // Nothing was started: no PostgreSQL holds the data folder.
  await expect(readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).rejects.toThrow();
});

test('a second start on a data folder whose PostgreSQL another start is using names the lock file and leaves it running', async () => {
  const first = await start();
  const pid = await postgresPid();
  const lockFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  // Other ports, the same DATA_DIR.
  const ports = await Promise.all(Array.from({ length: 8 }, () => freePort()));
  const result = await failedStart({
    ROUTER_PORT: String(ports[0]),
    IDENTITY_PORT: String(ports[1]),
    BANKING_PORT: String(ports[2]),
    BILLING_PORT: String(ports[3]),
    LENDING_PORT: String(ports[4]),
    MESSAGING_PORT: String(ports[5]),
    ASSISTANT_PORT: String(ports[7]),
    EMBEDDED_POSTGRES_PORT: String(ports[6]),
  });
  expect(result.code).toBe(1);
  expect(result.ms).toBeLessThan(15_000);
  const message = result.output.trim();
  expect(message.split('\n')).toHaveLength(1);
  expect(message).toContain(
    `Another PostgreSQL (pid ${pid}, lock file ${lockFile}) is running on ${path.dirname(lockFile)}`,
  );
  expect(message).toContain(`started by process ${first.child.pid}`);
  expect(alive(pid)).toBe(true);
  const login = await graphql(first.url, LOGIN, { e: 'kept@example.com', p: 'survives restarts 42' });
  expect(login.errors).toBeUndefined();
  first.child.kill('SIGINT');
  expect(await exited(first.child)).toBe(0);
});

test('a stale lock file whose process id now belongs to another program is removed, and that program left alone', async () => {
  const lockFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  // A program that a SIGINT would end, as most do.
  const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(bystander);
  await new Promise((resolve) => bystander.once('spawn', resolve));
  // What PostgreSQL writes, as PostgreSQL's user (the folder's owner) would.
  const folder = await stat(path.dirname(lockFile));
  await writeFile(
    lockFile,
    `${bystander.pid}\n${path.dirname(lockFile)}\n1700000000\n${env.EMBEDDED_POSTGRES_PORT}\n/tmp\n127.0.0.1\n  5432001         0\nready   \n`,
    { mode: 0o600 },
  );
  await chown(lockFile, folder.uid, folder.gid);

  const next = await start();
  expect(next.output()).toContain(lockFile);
  expect(next.output()).toContain('removing a stale PostgreSQL lock file');
  expect(alive(bystander.pid as number)).toBe(true);
  const login = await graphql(next.url, LOGIN, { e: 'kept@example.com', p: 'survives restarts 42' });
  expect(login.errors).toBeUndefined();
  next.child.kill('SIGINT');
  expect(await exited(next.child)).toBe(0);
  bystander.kill('SIGKILL');
});
